// SPDX-License-Identifier: GPL-3.0-or-later
// The production pages alive in the demo (issue 20, item 4): the
// committee's overview shows the recommender decaying and the maintenance
// model switched off by an alert, with the trip awaiting a decision; the
// maintenance model's page names the failing segment (servo-transfer,
// 82 % against 95 %) and the input that moved, the alert rules with their
// history and the webhook's deliveries; the recommender's page names
// traffic_source; the same in Chinese; a viewer has no confirm button; a
// risk officer confirms the trip.
import { startServer, launch, signIn, go, shot, run, USERS } from './harness.mjs';

await run('e2e production', async (t, cleanup) => {
  const srv = await startServer();
  cleanup.push(() => srv.stop());
  const b = await launch();
  cleanup.push(() => b.close());

  const chair = await b.page();
  await signIn(chair, srv.base, USERS.committee);
  await go(chair, srv.base, '/risk/production');
  await chair.waitForSelector('[data-testid=prod-systems]');
  const st = async (name) => chair.getAttribute(`[data-testid=prod-systems] tr[data-system="${name}"]`, 'data-status');
  t.eq('prod-1.1 the recommender decays', await st('product-recs'), 'decaying');
  t.eq('prod-1.2 the maintenance model was switched off', await st('maintenance-model'), 'switched_off');
  const trips = await chair.textContent('[data-testid=trips]');
  t.ok('prod-1.3 the trip awaits a decision', trips.includes('maintenance-model') && trips.includes('new equipment failing'), trips);
  await shot(chair, 'prod-1-overview');
  t.clean('prod-1.4 clean', chair);

  await chair.click('[data-testid=prod-systems] a:text-is("maintenance-model")');
  await chair.waitForSelector('[data-testid=findings]');
  const f = await chair.textContent('[data-testid=findings] li[data-segment="servo-transfer"]');
  t.ok('prod-2.1 the failing segment named with its figures', f.includes('Segment failing') && /8[0-4](\.\d)?\s?%/.test(f) && /9[3-6](\.\d)?\s?%/.test(f), f);
  t.ok('prod-2.2 the input that moved', f.includes('vibration_rms'), f);
  const rules = await chair.textContent('[data-testid=rules]');
  t.ok('prod-2.3 the rule fired', rules.includes('new equipment failing') && rules.includes('Firing') && rules.includes('trips the switch'), rules);
  const del = await chair.textContent('[data-testid=deliveries]');
  t.ok('prod-2.4 the webhook deliveries', del.includes('ops-pager'), del);
  await chair.waitForSelector('.chart[data-ready="1"]');
  t.ok('prod-2.5 the baseline stated', (await chair.textContent('[data-testid=baseline]')).includes('Baseline frozen'));
  await shot(chair, 'prod-2-maintenance');
  t.clean('prod-2.6 clean', chair);

  await go(chair, srv.base, '/risk/systems/product-recs/production');
  await chair.waitForSelector('[data-testid=findings]');
  const rf = await chair.textContent('[data-testid=findings]');
  t.ok('prod-3.1 the recommender decays, traffic_source named', rf.includes('Decay') && rf.includes('traffic_source'), rf);

  // Chinese
  await chair.selectOption('header select.locale', 'zh-CN');
  await chair.waitForSelector('nav.mainnav a:text("资源")');
  await go(chair, srv.base, '/risk/production');
  await chair.waitForSelector('[data-testid=prod-systems]');
  const zh = await chair.textContent('#main');
  t.ok('prod-4.1 the overview in Chinese', zh.includes('生产概览') && zh.includes('衰退') && zh.includes('已关闭'), zh.slice(0, 300));
  await go(chair, srv.base, '/risk/systems/maintenance-model/production');
  await chair.waitForSelector('[data-testid=findings]');
  const zf = await chair.textContent('[data-testid=findings]');
  const zal = await chair.textContent('[data-testid=history]');
  t.ok('prod-4.2.1 the alert history in Chinese', zal.includes('（分段：servo-transfer）') && zal.includes('满足 > 0') && !/holding|decay findings of/.test(zal), zal);
  t.ok('prod-4.2 the finding in Chinese', zf.includes('分段失效') && zf.includes('vibration_rms') && !zf.includes('Segment failing'), zf);
  await shot(chair, 'prod-3-maintenance-zh');
  t.clean('prod-4.3 clean', chair);

  // a viewer reads, without the buttons
  const viewer = await b.page();
  await signIn(viewer, srv.base, USERS.viewer);
  await go(viewer, srv.base, '/risk/production');
  await viewer.waitForSelector('[data-testid=trips]');
  t.eq('prod-5.1 no confirm button for a viewer', await viewer.locator('[data-testid=trip-confirm]').count(), 0);
  t.clean('prod-5.2 clean', viewer);

  // a risk officer confirms the trip
  const risk = await b.page();
  await signIn(risk, srv.base, USERS.risk);
  await go(risk, srv.base, '/risk/production');
  await risk.click('[data-testid=trip-confirm]');
  await risk.waitForSelector('[data-testid=prod-systems]');
  await go(risk, srv.base, '/risk/systems/maintenance-model/production');
  await risk.waitForSelector('[data-testid=trips] li[data-status=confirmed]');
  t.ok('prod-5.3 confirmed, by whom', (await risk.textContent('[data-testid=trips]')).includes('Confirmed'));
  t.clean('prod-5.4 clean', risk);
});
