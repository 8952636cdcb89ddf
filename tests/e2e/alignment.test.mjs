// SPDX-License-Identifier: GPL-3.0-or-later
// The strategic-alignment pages in the browser, as the demo's people would
// use them: the committee creates an objective, a KPI with actual values
// and an initiative, links them and moves it on; approval is refused until
// the sponsor, the business owner and the AI lead have each signed from
// their own accounts, then granted; an unaligned initiative's approval is
// refused in words; scores, the alignment map, prioritisation and the
// catalogue; every role walks the pages; and the same in Chinese.
import { go, settle, shot, run, USERS, setUp, pageAs } from './harness.mjs';

const OBJ = 'Fewer stock-outs in Retail EMEA';
const KPI = 'Stock-out rate';
const INIT = 'Demand forecasting for replenishment';
const LONE = 'Customer-profile platform';

const panelForm = (page, heading) => page.locator(`section.panel:has(h2:text-is("${heading}")) form`);

await run('e2e alignment', async (t, cleanup) => {
  const { srv, b } = await setUp(cleanup);

  const chair = await pageAs(b, srv.base, USERS.committee);

  // align-1: an objective
  await go(chair, srv.base, '/alignment/objectives');
  let f = panelForm(chair, 'New objective');
  await f.locator('button[type=submit]').click();
  t.ok('align-1.1 required fields checked in the browser', (await f.locator('.field-error', { hasText: 'Required.' }).count()) >= 2);
  await f.locator('input[name=title]').fill(OBJ);
  await f.locator('select[name=pain_point]').selectOption('revenue');
  await f.locator('select[name=owner_id]').selectOption({ label: 'Sofia Alvarez' });
  await f.locator('input[name=horizon_start]').fill('2026 Q1');
  await f.locator('button[type=submit]').click();
  await chair.waitForSelector('[aria-invalid=true][name=horizon_start]');
  const herr = await f.locator('.field-error').allTextContents();
  t.ok('align-1.2 server refusal at the period field, in words', herr.join(' ').includes('Enter a quarter such as 2026Q3'), herr);
  await f.locator('input[name=horizon_start]').fill('2026Q1');
  await f.locator('input[name=horizon_end]').fill('2027Q4');
  await f.locator('button[type=submit]').click();
  await chair.waitForFunction(() => /#\/alignment\/objectives\/\d+$/.test(location.hash));
  await settle(chair);
  t.eq('align-1.3 objective page', await chair.textContent('h1'), OBJ);

  // align-2: a KPI and its actual values; progress and the chart
  f = panelForm(chair, 'New KPI for this objective');
  await f.locator('input[name=name]').fill(KPI);
  await f.locator('input[name=unit]').fill('%');
  await f.locator('select[name=direction]').selectOption('down');
  await f.locator('input[name=baseline]').fill('8');
  await f.locator('input[name=target]').fill('4');
  await f.locator('input[name=target_period]').fill('2027Q4');
  await f.locator('button[type=submit]').click();
  await chair.waitForSelector(`h2:text-is("${KPI}")`);
  await settle(chair);
  for (const [period, value] of [['2026Q1', '7.5']]) {
    await chair.click('details.add-values summary');
    const vf = chair.locator('details.add-values form');
    await vf.locator('input[name=period]').fill(period);
    await vf.locator('input[name=value]').fill(value);
    await vf.locator('button[type=submit]').click();
    await chair.waitForFunction((v) => document.querySelector('.chart') && document.body.textContent.includes(v), value.replace('.', '.'));
    await settle(chair);
  }
  // CSV import: a bad line is named and nothing is stored; then the good one
  await chair.click('details.import-values summary');
  const cf = chair.locator('details.import-values form');
  await cf.locator('textarea[name=csv]').fill('period,value,note\n2026Q2,6.9,\n2026Q3,six,typo\n');
  await cf.locator('button[type=submit]').click();
  await chair.waitForSelector('.row-errors li');
  const rowErr = await chair.textContent('.row-errors');
  t.ok('align-2.0 bad CSV line named', rowErr.includes('Line 3') && rowErr.includes('Value'), rowErr);
  await cf.locator('textarea[name=csv]').fill('period,value,note\n2026Q2,6.9,\n2026Q3,6.1,promotion weeks\n');
  await cf.locator('button[type=submit]').click();
  await chair.waitForFunction(() => document.body.textContent.includes('6.1 %'));
  await settle(chair);
  const kpiFacts = await chair.textContent(`section.panel:has(h2:text-is("${KPI}")) .facts`);
  t.ok('align-2.1 latest value shown', kpiFacts.includes('6.1'), kpiFacts);
  t.ok('align-2.2 progress bar', (await chair.getAttribute('.progress', 'aria-valuenow')) === '48', await chair.getAttribute('.progress', 'aria-valuenow'));
  t.ok('align-2.3 line chart drawn', (await chair.locator('.chart canvas').count()) >= 1);
  // deleting a KPI that has values is refused, in words
  chair.once('dialog', (d) => d.accept());
  await chair.click(`section.panel:has(h2:text-is("${KPI}")) button.danger`);
  await chair.waitForSelector('#main .notice-error');
  const delErr = await chair.textContent('#main .notice-error');
  t.ok('align-2.5 referenced KPI not deleted', /value|referenced|still/i.test(delErr), delErr);
  await shot(chair, '20-objective');
  t.clean('align-2.4 clean', chair);

  // align-3: an initiative, linked to the KPI, assessed
  await go(chair, srv.base, '/alignment/initiatives');
  f = panelForm(chair, 'Propose an initiative');
  await f.locator('input[name=title]').fill(INIT);
  await f.locator('select[name=unit_id]').selectOption({ label: 'Retail EMEA' });
  await f.locator('select[name=sponsor_id]').selectOption({ label: 'Helena Marsh' });
  await f.locator('select[name=owner_id]').selectOption({ label: 'Sofia Alvarez' });
  await f.locator('select[name=ai_lead_id]').selectOption({ label: 'Kenji Sato' });
  await f.locator('input[name=expected_value]').fill('1200000');
  await f.locator('textarea[name=problem]').fill('Shelves run empty on promotions; buyers order by gut feeling.');
  await f.locator('button[type=submit]').click();
  await chair.waitForFunction(() => /#\/alignment\/initiatives\/\d+$/.test(location.hash));
  await settle(chair);
  const initUrl = chair.url();
  t.eq('align-3.1 initiative page', await chair.textContent('h1'), INIT);
  t.ok('align-3.2 unaligned said', (await chair.textContent('#main')).includes('moves no KPI'));
  const lf = chair.locator('details.add-link form');
  await lf.locator('select[name=kpi_id]').selectOption({ label: `${OBJ} › ${KPI} (%)` });
  await lf.locator('input[name=expected_impact]').fill('-2.5');
  await lf.locator('input[name=impact_period]').fill('2027Q2');
  await lf.locator('textarea[name=rationale]').fill('Forecast-driven orders cut stock-outs on promotions.');
  await lf.locator('button[type=submit]').click();
  await chair.waitForSelector('[data-testid=links] td:text-is("Stock-out rate")');
  await settle(chair);
  t.ok('align-3.3 aligned now', (await chair.textContent('.facts')).includes('Aligned'));
  await chair.fill('#transition-reason', 'Business case reviewed');
  await chair.click('button[data-to=assessed]');
  await chair.waitForSelector('[data-stage=assessed]');
  await settle(chair);
  t.ok('align-3.4 assessed', true);

  // align-4: approval without sign-offs is shown disabled, the reason in words
  t.ok('align-4.0 approval disabled', await chair.isDisabled('button[data-to=approved]'));
  const refusal = await chair.textContent('[data-testid=blocked-moves] li[data-to=approved]');
  t.ok('align-4.1 reason in words', /sign-off/i.test(refusal) && refusal.includes('business owner'), refusal);
  await shot(chair, '21-initiative-refused');
  await chair.click('button[data-sign=sponsor]');
  await chair.waitForSelector('li[data-role=sponsor] .ok');
  t.ok('align-4.2 sponsor signed', true);
  t.eq('align-4.3 only one own sign-off offered', await chair.locator('button[data-sign]').count(), 0);

  for (const [role, sig] of [['owner', 'owner'], ['engineer', 'ai_lead']]) {
    const p = await pageAs(b, srv.base, USERS[role]);
    await p.goto(initUrl);
    await settle(p);
    t.eq(`align-4.4 ${role} offered to sign`, await p.locator('button[data-sign]').count(), 1);
    await p.click(`button[data-sign=${sig}]`);
    await p.waitForSelector(`li[data-role=${sig}] .ok`);
    t.eq(`align-4.5 ${role} not offered approval (committee only)`, await p.locator('button[data-to=approved]').count(), 0);
    t.clean(`align-4.6 ${role} clean`, p);
    await p.context().close();
  }
  await chair.reload();
  await settle(chair);
  await chair.fill('#transition-reason', 'Committee meeting 2026-11');
  await chair.click('button[data-to=approved]');
  await chair.waitForSelector('[data-stage=approved]');
  await settle(chair);
  t.ok('align-4.7 approved', (await chair.textContent('.history')).includes('Committee meeting 2026-11'));
  await shot(chair, '22-initiative-approved');

  // align-5: scores
  await chair.click('details:has(summary:text("Your scores")) summary');
  const sf = chair.locator('details:has(summary:text("Your scores")) form');
  for (const [k, v] of [['business_value', '5'], ['feasibility', '4'], ['data_readiness', '3'], ['risk', '2'], ['strategic_fit', '4']])
    await sf.locator(`select[name=${k}]`).selectOption(v);
  await sf.locator('button[type=submit]').click();
  await chair.waitForSelector('[data-testid=scores] tbody tr');
  await settle(chair);
  t.ok('align-5.1 scores shown', (await chair.locator('[data-testid=scores] tbody tr').count()) === 5);
  t.clean('align-5.2 clean', chair);

  // align-6: an unaligned initiative cannot be approved
  await go(chair, srv.base, '/alignment/initiatives');
  f = panelForm(chair, 'Propose an initiative');
  await f.locator('input[name=title]').fill(LONE);
  await f.locator('input[name=expected_value]').fill('1000000');
  await f.locator('button[type=submit]').click();
  await chair.waitForFunction(() => /#\/alignment\/initiatives\/\d+$/.test(location.hash));
  await settle(chair);
  const loneUrl = chair.url();
  await chair.click('button[data-to=assessed]');
  await chair.waitForSelector('[data-stage=assessed]');
  await settle(chair);
  t.ok('align-6.0 approval disabled', await chair.isDisabled('button[data-to=approved]'));
  const unaligned = await chair.textContent('[data-testid=blocked-moves] li[data-to=approved]');
  t.ok('align-6.1 unaligned reason in words', unaligned.includes('unaligned') && unaligned.includes('KPI'), unaligned);
  await shot(chair, '23-unaligned-refused');

  // align-7: table sorting and filtering; the map; priorities; catalogue
  await go(chair, srv.base, '/alignment/initiatives');
  await chair.selectOption('[data-testid=initiatives] select[data-key=aligned]', 'no');
  const titles = await chair.locator('[data-testid=initiatives] tbody td:first-child').allTextContents();
  t.ok('align-7.1 filter unaligned', titles.includes(LONE) && !titles.includes(INIT), titles);
  await chair.selectOption('[data-testid=initiatives] select[data-key=aligned]', '');
  await chair.click('[data-testid=initiatives] th button:has-text("Expected value per year")');
  await chair.click('[data-testid=initiatives] th button:has-text("Expected value per year")');
  const money = (await chair.locator('[data-testid=initiatives] tbody td:last-child').allTextContents())
    .map((x) => Number(x.replace(/[^\d.]/g, '')) || 0);
  t.ok('align-7.2 sort by value, descending', money.length > 2 && money.every((v, i) => i === 0 || money[i - 1] >= v), money);
  await shot(chair, '24-initiatives');
  // a KPI that fell 20% in its last quarter while its long trend still
  // reads on track (issue 14): the map shows a sudden-drop badge and the
  // kpi_recent_drop finding in the reader's words
  await chair.evaluate(async (obj) => {
    const base = document.querySelector('script[type=module]').src.replace(/app\.js$/, '');
    const { get, post } = await import(base + 'lib/api.js');
    const o = (await get('/objectives?limit=200')).items.find((x) => x.title === obj);
    const k = await post('/kpis', { objective_id: o.id, name: 'Weekly active buyers', unit: 'k', direction: 'up', baseline: 18, target: 26, target_period: '2027Q4' });
    const ys = [21.8, 23.4, 23.6, 25.0, 25.3, 26.4, 27.0, 21.6];
    await post(`/kpis/${k.id}/values`, { values: ys.map((value, i) => ({ period: `${2025 + Math.floor(i / 4)}Q${(i % 4) + 1}`, value })) });
  }, OBJ);
  await go(chair, srv.base, '/alignment/map');
  const findings = await chair.textContent('[data-testid=findings]');
  t.ok('align-7.3b sudden drop found', findings.includes('The KPI Weekly active buyers moved suddenly the wrong way'), findings);
  const node = await chair.textContent('.map-kpi .node:has-text("Weekly active buyers")');
  t.ok('align-7.3c sudden-drop badge beside the status', node.includes('Sudden drop') && node.includes('On track'), node);
  t.ok('align-7.3 map finds the unaligned initiative', findings.includes(`${LONE} moves no KPI`), findings);
  t.ok('align-7.4 map lists it', (await chair.textContent('[data-testid=unaligned]')).includes(LONE));
  await shot(chair, '25-map');
  await go(chair, srv.base, '/alignment/priorities');
  const ranks = (await chair.locator('[data-testid=priorities] tbody td:first-child').allTextContents()).filter((x) => x !== '–').map(Number);
  t.ok('align-7.5 ranked list in order', ranks.length > 1 && ranks.every((v, i) => i === 0 || ranks[i - 1] <= v), ranks);
  t.ok('align-7.5b a quick win', (await chair.textContent(`[data-testid=priorities] tr:has(a:text-is("${INIT}"))`)).includes('Quick win'));
  t.ok('align-7.6 scatter chart', (await chair.locator('.chart canvas').count()) === 1);
  await chair.click('details:has(summary:text("Change the weights")) summary');
  await chair.locator('details:has(summary:text("Change the weights")) input').first().fill('0.5');
  await chair.locator('details:has(summary:text("Change the weights")) button[type=submit]').click();
  await chair.waitForSelector('[data-testid=criteria] td:text-is("0.5")');
  t.ok('align-7.7 weight changed', true);
  await settle(chair);
  await shot(chair, '26-priorities');
  await go(chair, srv.base, '/alignment/catalogue');
  t.ok('align-7.8 catalogue', (await chair.locator('.cat-grid > section').count()) >= 10);
  await chair.selectOption('select[name=industry]', 'manufacturing');
  await settle(chair);
  await shot(chair, '27-catalogue');
  await chair.click('section[data-key=predictive-maintenance] button:has-text("Create initiative from this")');
  await chair.waitForFunction(() => /#\/alignment\/initiatives\/\d+$/.test(location.hash));
  await settle(chair);
  t.eq('align-7.9 initiative from the catalogue', await chair.textContent('h1'), 'Predictive maintenance');
  await go(chair, srv.base, '/');
  const head = await chair.textContent('[data-testid=headline]');
  t.ok('align-7.10 dashboard headline', /\d+ \/ \d+objectives on track/.test(head) && head.includes('not tied to any KPI'), head);
  await shot(chair, '28-home');
  t.clean('align-7.11 clean', chair);

  // align-8: every role walks the alignment pages; only allowed actions offered
  for (const role of Object.keys(USERS)) {
    const p = await pageAs(b, srv.base, USERS[role]);
    for (const path of ['/', '/alignment/objectives', '/alignment/initiatives', '/alignment/map', '/alignment/priorities', '/alignment/catalogue']) {
      await go(p, srv.base, path);
      t.ok(`align-8.1 ${role} ${path}`, (await p.locator('#main .notice-error').count()) === 0, await p.textContent('#main'));
    }
    await go(p, srv.base, '/alignment/objectives');
    t.eq(`align-8.2 ${role} new objective offered`, await p.locator('section.panel:has(h2:text-is("New objective"))').count(), ['admin', 'committee', 'owner'].includes(role) ? 1 : 0);
    await go(p, srv.base, '/alignment/priorities');
    t.eq(`align-8.3 ${role} weights editable`, await p.locator('summary:text("Change the weights")').count(), ['admin', 'committee'].includes(role) ? 1 : 0);
    await p.goto(loneUrl);
    await settle(p);
    t.eq(`align-8.4 ${role} approve offered`, await p.locator('button[data-to=approved]').count(), ['admin', 'committee'].includes(role) ? 1 : 0);
    t.clean(`align-8.5 ${role} clean`, p);
    await p.context().close();
  }

  // align-10: an owner is not offered changes to someone else's initiative
  // (the server says so per caller in "you"; it would refuse with not_owner)
  const own = await pageAs(b, srv.base, USERS.owner);
  await own.goto(loneUrl);
  await settle(own);
  t.eq('align-10.1 no edit of another owner\'s charter', await own.locator('#edit-charter').count(), 0);
  t.eq('align-10.2 no stage moves on it', await own.locator('button[data-to]').count(), 0);
  await shot(own, '29-owner-not-offered');
  t.clean('align-10.3 clean', own);
  await own.context().close();

  // align-9: Chinese
  await chair.selectOption('header select.locale', 'zh-CN');
  await chair.waitForSelector('nav.mainnav a:text("战略对齐")');
  await chair.goto(loneUrl);
  await settle(chair);
  const zhText = await chair.textContent('#main');
  t.ok('align-9.1 Chinese labels', zhText.includes('阶段') && zhText.includes('已评估') && zhText.includes('签署'), zhText.slice(0, 300));
  t.ok('align-9.2a approval disabled', await chair.isDisabled('button[data-to=approved]'));
  const zr = await chair.textContent('[data-testid=blocked-moves] li[data-to=approved]');
  t.ok('align-9.2 reason translated', zr.includes('未对齐') && zr.includes('暂不能转入'), zr);
  await shot(chair, '30-initiative-zh');
  await go(chair, srv.base, '/');
  t.ok('align-9.3 dashboard in Chinese', (await chair.textContent('[data-testid=headline]')).includes('个目标进展正常'));
  t.ok('align-9.4 money in Chinese format', /€|EUR/.test(await chair.textContent('[data-testid=headline]')));
  await shot(chair, '31-home-zh');
  await go(chair, srv.base, '/alignment/objectives');
  await shot(chair, '32-objectives-zh');
  await go(chair, srv.base, '/alignment/priorities');
  await shot(chair, '33-priorities-zh');
  t.clean('align-9.5 clean', chair);
});
