// SPDX-License-Identifier: GPL-3.0-or-later
// The plan page when the plan is infeasible (issue 15, item 1): after the
// AI budget is cut below what mandatory and under-way work needs, "Solve
// again" shows the conflicts in words (which pool, which quarter, how
// short) and on a chart, keeps the last plan that fit visible and marked
// stale, and no longer claims that every candidate is funded; in English
// and Chinese. A stage move that leaves the work that must run short of
// capacity carries a warning the initiative page shows. Then the dashboard, plan and initiative pages on a phone:
// nothing wider than the screen.
import { go, settle, shot, run, USERS, setUp, pageAs, apiSession } from './harness.mjs';

await run('e2e plan', async (t, cleanup) => {
  const { srv, b } = await setUp(cleanup);
  const s = await apiSession(srv.base, USERS.committee);
  const api = (method, path, body) => s.fetch(method, path, body).then((r) => r.json());
  const budget = (await api('GET', '/pools')).items.find((p) => p.key === 'budget');
  await api('PATCH', '/pools/' + budget.id, { capacity: 150000 });

  const chair = await pageAs(b, srv.base, USERS.committee);
  // a stage move that leaves the work that must run short carries a warning
  const inits0 = (await api('GET', '/initiatives?limit=100')).items;
  const ps = inits0.find((i) => i.title === 'Production scheduling');
  // the pilot gate wants a complete team: add its product manager
  const priya = (await api('GET', '/people?limit=100')).items.find((p) => p.name === 'Priya Nair');
  await api('POST', `/initiatives/${ps.id}/team`, { person_id: priya.id, skill: 'product_manager', fte: 0.1 });
  await go(chair, srv.base, '/alignment/initiatives/' + ps.id);
  await chair.click('button[data-to=pilot]');
  await chair.waitForSelector('[data-testid=move-warning]', { timeout: 20000 });
  const mw = await chair.textContent('[data-testid=move-warning]');
  t.ok('plan-0.1 the move warns that the work that must run no longer fits', mw.includes('no longer fits') && mw.includes('AI programme budget'), mw);
  await shot(chair, 'plan-0-move-warning');
  await go(chair, srv.base, '/resources/plan');
  await chair.click('[data-testid=solve]');
  await chair.waitForSelector('[data-testid=conflicts]', { timeout: 30000 });
  await settle(chair);
  const c = await chair.textContent('[data-testid=conflicts]');
  t.ok('plan-1.1 the conflicts in words: pool, quarter, shortfall', /AI programme budget in Q\d FY\d{4}: short by [\d,]+/.test(c) && c.includes('needed by'), c.slice(0, 300));
  t.ok('plan-1.2 the conflict on a chart', (await chair.locator('.plan-page .chart').count()) >= 1);
  const stale = await chair.textContent('[data-testid=stale-plan]');
  t.ok('plan-1.3 the last plan that fit kept, marked stale', stale.includes('Stale: the last plan that fit') && stale.includes('expected value of the plan'), stale.slice(0, 200));
  const main = await chair.textContent('#main');
  t.ok('plan-1.4 no claim that every candidate is funded', !main.includes('Every candidate is funded') && main.includes('found no plan'), main.slice(0, 300));
  await shot(chair, 'plan-1-infeasible');
  t.clean('plan-1.5 clean', chair);
  const zh = await pageAs(b, srv.base, USERS.committee, { locale: 'zh-CN' });
  await go(zh, srv.base, '/resources/plan');
  const zc = await zh.textContent('[data-testid=conflicts]');
  t.ok('plan-2.1 the conflicts in Chinese', zc.includes('缺口') && zc.includes('需要它的项目') && !zc.includes('short by'), zc.slice(0, 200));
  t.ok('plan-2.2 the stale plan in Chinese', (await zh.textContent('[data-testid=stale-plan]')).includes('已过时'));
  await shot(zh, 'plan-2-infeasible-zh');
  t.clean('plan-2.3 clean', zh);
  // the conflicts on the pools' charts too: the short pool says so in words
  for (const [page, words] of [[chair, 'No plan fits'], [zh, '没有可行计划']]) {
    await go(page, srv.base, '/resources/pools');
    const card = await page.textContent('.pool-card[data-pool=budget]');
    t.ok('plan-2.4 the pools page marks the short pool ' + words, card.includes(words) && (await page.locator('.pool-card[data-pool=budget] [data-kind=plan_conflict]').count()) >= 1, card.slice(0, 300));
  }
  await shot(chair, 'plan-2-pools-conflicts');
  t.clean('plan-2.5 clean', chair);

  // phones: the dashboard, the plan and an initiative fit the screen
  const inits = (await api('GET', '/initiatives?limit=100')).items;
  const credit = inits.find((i) => i.title === 'Credit scoring v2');
  for (const locale of ['en-GB', 'zh-CN']) {
    const phone = await pageAs(b, srv.base, USERS.committee, { locale, width: 390, height: 844 });
    for (const [name, hash] of [['home', '/'], ['plan', '/resources/plan'], ['initiative', '/alignment/initiatives/' + credit.id], ['priorities', '/alignment/priorities'], ['pools', '/resources/pools']]) {
      await go(phone, srv.base, hash);
      const w = await phone.evaluate(() => document.documentElement.scrollWidth);
      t.ok(`plan-3 ${locale} ${name} fits a phone (scroll width ${w})`, w <= 391, w);
      const head = await phone.evaluate(() => document.querySelector('header.top').getBoundingClientRect().height);
      t.ok(`plan-3 ${locale} ${name} header at most 120 px on a phone (${head})`, head <= 120, head);
      await shot(phone, `plan-3-phone-${locale}-${name}`);
    }
    t.clean(`plan-3 ${locale} clean`, phone);
  }
});
