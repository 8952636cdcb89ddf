// SPDX-License-Identifier: GPL-3.0-or-later
// The risk pages alive in the demo (issue 15, item 4): the committee reads
// the demo's analyses — the failed fairness audit of Credit scoring v2 with
// the group and its false-positive gap named, the A/B verdict, the
// explanation — in English and Chinese; the initiative page shows the
// analyses that concern it; a business owner reads those of her own
// initiatives and is told why not the others; a viewer is told what the
// role allows; and an analysis is run from an uploaded CSV.
import { go, shot, run, USERS, setUp, pageAs } from './harness.mjs';

await run('e2e risk', async (t, cleanup) => {
  const { srv, b } = await setUp(cleanup);

  const chair = await pageAs(b, srv.base, USERS.committee);
  await go(chair, srv.base, '/risk/analyses');
  const rows = chair.locator('[data-testid=analyses] tbody tr');
  t.eq('risk-1.1 the demo ships four analyses (the fourth: the retraining A/B test of path 5)', await rows.count(), 4);
  const fair = rows.filter({ hasText: 'Credit scoring v2' });
  t.ok('risk-1.2 the fairness audit failed', (await fair.textContent()).includes('Fail'), await fair.textContent());
  t.ok('risk-1.3 the A/B verdict', (await rows.filter({ hasText: 'Product recommendations' }).textContent()).includes('Ship'));
  t.ok('risk-1.4 no API paths for a reader', !(await chair.textContent('#main')).includes('/api/v1'));
  await shot(chair, 'risk-1-analyses');
  await fair.locator('a').first().click();
  await chair.waitForSelector('.analysis-page');
  const reasons = await chair.textContent('[data-testid=reasons]');
  t.ok('risk-1.5 the group and the false-positive gap named', reasons.includes("'18-25' has false positive rate") && reasons.includes('41-60'), reasons);
  await shot(chair, 'risk-2-fairness');
  t.clean('risk-1.6 clean', chair);

  // the initiative page shows its analyses
  await go(chair, srv.base, '/alignment/initiatives');
  await chair.click('a:text-is("Credit scoring v2")');
  await chair.waitForSelector('[data-testid=initiative-analyses]');
  const ia = await chair.textContent('[data-testid=initiative-analyses]');
  t.ok('risk-2.1 the initiative page lists its audit', ia.includes('Fairness audit of Credit scoring v2') && ia.includes('Fail'), ia);
  const credit = chair.url().replace(/.*#/, '');
  await shot(chair, 'risk-3-initiative');

  // Chinese
  await chair.selectOption('header select.locale', 'zh-CN');
  await chair.waitForSelector('nav.mainnav a:text("资源")');
  await go(chair, srv.base, '/risk/analyses');
  await chair.locator('[data-testid=analyses] tbody tr', { hasText: 'Credit scoring v2' }).locator('a').first().click();
  await chair.waitForSelector('.analysis-page');
  const zr = await chair.textContent('[data-testid=reasons]');
  t.ok('risk-3.1 the failed audit in Chinese, group named', zr.includes('18-25') && zr.includes('假阳性率') && !zr.includes('false positive'), zr);
  await shot(chair, 'risk-4-fairness-zh');
  await go(chair, srv.base, credit);
  t.ok('risk-3.2 the initiative\'s analyses in Chinese', (await chair.textContent('#main')).includes('分析（证据）'));
  t.clean('risk-3.3 clean', chair);

  // a business owner: her own initiatives' analyses only, and why
  const owner = await pageAs(b, srv.base, USERS.owner);
  await go(owner, srv.base, '/risk/analyses');
  const om = await owner.textContent('#main');
  t.ok('risk-4.1 an owner reads the analyses page (no 403)', om.includes('You see the analyses of the initiatives you own') && om.includes('None of your initiatives has an analysis yet'), om.slice(0, 400));
  await go(owner, srv.base, credit);
  t.ok('risk-4.2 told why not another initiative\'s', (await owner.textContent('[data-testid=initiative-analyses]')).includes('this one is not yours'));
  t.clean('risk-4.3 clean', owner);

  // a viewer: what the role allows, explained
  const viewer = await pageAs(b, srv.base, USERS.viewer, { locale: 'zh-CN' });
  await go(viewer, srv.base, '/risk/analyses');
  const vm = await viewer.textContent('#main');
  t.ok('risk-5.1 a viewer told in Chinese what the role allows', vm.includes('您的角色（只读用户）不能查看分析') && vm.includes('业务负责人可以查看自己项目的分析'), vm.slice(0, 400));
  await shot(viewer, 'risk-5-viewer-zh');
  await go(viewer, srv.base, credit);
  t.ok('risk-5.2 the initiative page says analyses are not for the role', (await viewer.textContent('[data-testid=initiative-analyses]')).includes('看不到分析'));
  t.clean('risk-5.3 clean', viewer);

  // a risk officer runs a fairness audit from an uploaded CSV
  const risk = await pageAs(b, srv.base, USERS.risk);
  await go(risk, srv.base, '/risk/analyses');
  const csv = ['gender,label,prediction'];
  for (let i = 0; i < 200; i++) csv.push(`${i % 2 ? 'F' : 'M'},${i % 3 === 0 ? 1 : 0},${i % 2 ? (i % 5 === 0 ? 1 : 0) : (i % 5 < 3 ? 1 : 0)}`);
  const file = { name: 'loans.csv', mimeType: 'text/csv', buffer: Buffer.from(csv.join('\n') + '\n') };
  await risk.selectOption('[data-testid=run-kind]', 'fairness');
  const f = risk.locator('form.run-form');
  await f.locator('input[name=data]').setInputFiles(file);
  await f.locator('input[name=protected]').fill('sex');
  await f.locator('input[name=title]').fill('Loan model by gender');
  await f.locator('button[type=submit]').click();
  await f.locator('.field-error:not(:empty)').first().waitFor();
  const ferr = await f.locator('input[name=protected] ~ .field-error').textContent();
  t.ok('risk-6.1 a wrong column refused at its field, in words', ferr.includes('sex'), ferr);
  await f.locator('input[name=protected]').fill('gender');
  await f.locator('button[type=submit]').click();
  await risk.waitForSelector('.analysis-page[data-kind=fairness]');
  const rt = await risk.textContent('#main');
  t.ok('risk-6.2 the uploaded audit is computed and kept', rt.includes('Loan model by gender') && rt.includes('Fail'), rt.slice(0, 300));
  await shot(risk, 'risk-6-run-result');
  await go(risk, srv.base, '/risk/analyses');
  t.eq('risk-6.3 listed with the demo\'s', await risk.locator('[data-testid=analyses] tbody tr').count(), 5); // the demo's four (path 5 adds one) and the new one
  await risk.selectOption('[data-testid=run-kind]', 'abtest');
  t.ok('risk-6.4 the A/B form has the CLI\'s options', await risk.locator('form.run-form input[name=mde]').count() === 1 && await risk.locator('form.run-form input[name=sequential]').count() === 1);
  await shot(risk, 'risk-7-run-form');
  // a drift check from two files
  await risk.selectOption('[data-testid=run-kind]', 'drift');
  const ref = ['temp,line'], now = ['temp,line'];
  for (let i = 0; i < 300; i++) { ref.push(`${60 + (i % 7)},${'ABC'[i % 3]}`); now.push(`${66 + (i % 7)},${'ABC'[i % 3]}`); }
  const d = risk.locator('form.run-form');
  await d.locator('input[name=reference]').setInputFiles({ name: 'ref.csv', mimeType: 'text/csv', buffer: Buffer.from(ref.join('\n') + '\n') });
  await d.locator('input[name=current]').setInputFiles({ name: 'now.csv', mimeType: 'text/csv', buffer: Buffer.from(now.join('\n') + '\n') });
  await d.locator('button[type=submit]').click();
  await risk.waitForSelector('.analysis-page[data-kind=drift]');
  const dt = await risk.textContent('[data-testid=drift-columns]');
  t.ok('risk-6.8 a drift check from uploaded files, the shifted column flagged', /temp.*Drift/.test(dt) && /line.*(Stable|No drift)/.test(dt), dt);
  await shot(risk, 'risk-8-drift');
  t.clean('risk-6.5 clean', risk);
  const zrisk = await pageAs(b, srv.base, USERS.risk, { locale: 'zh-CN' });
  await go(zrisk, srv.base, '/risk/analyses');
  const zf = await zrisk.textContent('[data-testid=run-form]');
  t.ok('risk-6.6 the form in Chinese', zf.includes('受保护属性') && zf.includes('运行并保存'), zf.slice(0, 200));
  t.clean('risk-6.7 clean', zrisk);
});
