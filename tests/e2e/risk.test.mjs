// SPDX-License-Identifier: GPL-3.0-or-later
// The risk pages alive in the demo (issue 15, item 4): the committee reads
// the demo's analyses — the failed fairness audit of Credit scoring v2 with
// the group and its false-positive gap named, the A/B verdict, the
// explanation — in English and Chinese; the initiative page shows the
// analyses that concern it; a business owner reads those of her own
// initiatives and is told why not the others; a viewer is told what the
// role allows; and an analysis is run from an uploaded CSV.
import { startServer, launch, signIn, go, shot, run, USERS } from './harness.mjs';

await run('e2e risk', async (t, cleanup) => {
  const srv = await startServer();
  cleanup.push(() => srv.stop());
  const b = await launch();
  cleanup.push(() => b.close());

  const chair = await b.page();
  await signIn(chair, srv.base, USERS.committee);
  await go(chair, srv.base, '/risk/analyses');
  const rows = chair.locator('[data-testid=analyses] tbody tr');
  t.eq('risk-1.1 the demo ships three analyses', await rows.count(), 3);
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
  const owner = await b.page();
  await signIn(owner, srv.base, USERS.owner);
  await go(owner, srv.base, '/risk/analyses');
  const om = await owner.textContent('#main');
  t.ok('risk-4.1 an owner reads the analyses page (no 403)', om.includes('You see the analyses of the initiatives you own') && om.includes('None of your initiatives has an analysis yet'), om.slice(0, 400));
  await go(owner, srv.base, credit);
  t.ok('risk-4.2 told why not another initiative\'s', (await owner.textContent('[data-testid=initiative-analyses]')).includes('this one is not yours'));
  t.clean('risk-4.3 clean', owner);

  // a viewer: what the role allows, explained
  const viewer = await b.page({ locale: 'zh-CN' });
  await signIn(viewer, srv.base, USERS.viewer);
  await go(viewer, srv.base, '/risk/analyses');
  const vm = await viewer.textContent('#main');
  t.ok('risk-5.1 a viewer told in Chinese what the role allows', vm.includes('您的角色（只读用户）不能查看分析') && vm.includes('业务负责人可以查看自己项目的分析'), vm.slice(0, 400));
  await shot(viewer, 'risk-5-viewer-zh');
  await go(viewer, srv.base, credit);
  t.ok('risk-5.2 the initiative page says analyses are not for the role', (await viewer.textContent('[data-testid=initiative-analyses]')).includes('看不到分析'));
  t.clean('risk-5.3 clean', viewer);
});
