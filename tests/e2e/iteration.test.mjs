// SPDX-License-Identifier: GPL-3.0-or-later
// Path 5 in the browser (issue 22): the committee reads the previous
// quarter's held review (decisions, the value shortfall of Delivery route
// optimisation), the current quarter's open review and the value chart,
// holds it with a decision per initiative, and it is frozen; the actions
// page marks the overdue action and shows the retraining chain 82% -> 95%;
// an action is closed with a note, and one that needs evidence is refused
// without it; the radar draws every technology and lists this quarter's moves; a
// viewer may read but not hold; all in English and Chinese.
import { startServer, launch, signIn, go, shot, run, USERS } from './harness.mjs';

await run('e2e iteration', async (t, cleanup) => {
  const srv = await startServer();
  cleanup.push(() => srv.stop());
  const b = await launch();
  cleanup.push(() => b.close());

  const chair = await b.page();
  await signIn(chair, srv.base, USERS.committee);
  t.ok('it-1.0 iteration in the navigation, built', !(await chair.getAttribute('nav.mainnav a[data-nav=iteration]', 'class') || '').includes('unbuilt'));
  await go(chair, srv.base, '/iteration/reviews');
  await chair.waitForSelector('[data-testid=review-initiatives]');
  await chair.waitForSelector('[data-testid=value-chart][data-ready="1"]');
  t.ok('it-1.1 the current quarter is open', (await chair.textContent('[data-testid=review-status]')).includes('Open'));
  t.ok('it-1.2 the hold form offers a decision per initiative', (await chair.locator('[data-testid=hold-form] select').count()) === (await chair.locator('[data-testid=review-initiatives] tbody tr').count()));
  // the previous quarter, held
  await chair.locator('nav.period-pick a').nth(1).click();
  await chair.waitForSelector('[data-testid=review-status]:has-text("Held")');
  const rows = chair.locator('[data-testid=review-initiatives] tbody tr');
  const rdo = await rows.filter({ hasText: 'Delivery route optimisation' }).textContent();
  t.ok('it-1.3 decision fix for route optimisation', rdo.includes('Fix'), rdo);
  const fnd = await chair.textContent('[data-testid=review-findings]');
  t.ok('it-1.4 the value shortfall named', fnd.includes('Delivery route optimisation delivers 50% of its promised value'), fnd);
  t.ok('it-1.5 no hold form on a held review', (await chair.locator('[data-testid=hold-form]').count()) === 0);
  t.ok('it-1.6 feedback shown', (await chair.textContent('[data-testid=review-feedback]')).includes('vans still come back empty'));
  t.ok('it-1.6b the strategy over time: KPIs per quarter', (await chair.locator('[data-testid=strategy] tbody tr').count()) > 10);
  t.ok('it-1.6c the plan versions', (await chair.textContent('[data-testid=plan-versions]')).includes('plan value'));
  await shot(chair, 'iteration-1-held-review');

  // hold the current quarter
  await go(chair, srv.base, '/iteration/reviews');
  await chair.waitForSelector('[data-testid=hold-form]');
  await chair.locator('[data-testid=hold-form] select').first().selectOption('scale');
  await chair.fill('#hold-summary', 'Held in the browser test');
  await chair.click('[data-testid=hold-form] button[type=submit]');
  await chair.waitForSelector('[data-testid=review-status]:has-text("Held")');
  t.ok('it-1.7 held: the summary shows', (await chair.textContent('#main')).includes('Held in the browser test'));
  t.ok('it-1.8 the first decision is scale', (await chair.locator('[data-testid=review-initiatives] tbody tr').first().textContent()).includes('Scale'));
  t.clean('it-1.9 clean', chair);

  // actions and the retraining chain
  await go(chair, srv.base, '/iteration/actions');
  await chair.waitForSelector('[data-testid=actions]');
  const over = await chair.textContent('[data-testid=actions]');
  t.ok('it-2.1 the overdue action is listed', over.includes('Plan back-hauls from the northern depots'), over);
  t.ok('it-2.2 overdue actions are findings', (await chair.locator('[data-testid=action-findings] li').count()) >= 1);
  const imp = await chair.textContent('[data-testid=improvement]');
  t.ok('it-2.3 the chain shows 82% -> 95%', imp.includes('82%') && imp.includes('95%') && imp.includes('Ship'), imp);
  t.ok('it-2.4 five steps done', (await chair.locator('.chain', { hasText: 'servo presses' }).locator('li[data-done="1"]').count()) === 5);
  await shot(chair, 'iteration-2-actions');

  // closing an action: a note always, the evidence where the action asks for it
  const rowOf = (page, text) => page.locator('[data-testid=actions] tbody tr', { hasText: text });
  await rowOf(chair, 'Plan back-hauls from the northern depots').locator('button[data-testid^=close-]').click();
  await chair.waitForSelector('form.close-action');
  await chair.click('form.close-action button[type=submit]');
  t.ok('it-2.5 the note is required', (await chair.textContent('form.close-action')).includes('Required'));
  await chair.fill('form.close-action textarea', 'Back-hauls planned from Hamburg and Bremen');
  await chair.click('form.close-action button[type=submit]');
  await chair.waitForSelector('[data-testid^=close-note-]:has-text("Back-hauls planned")');
  const closed = await rowOf(chair, 'Plan back-hauls from the northern depots').textContent();
  t.ok('it-2.6 closed as done with its note, no more to close', closed.includes('Done') && closed.includes('Back-hauls planned from Hamburg')
    && (await rowOf(chair, 'Plan back-hauls from the northern depots').locator('button').count()) === 0, closed);
  await rowOf(chair, 'Retrain product-recs 5.0: accuracy decay on segment web').locator('button[data-testid^=close-]').click();
  await chair.waitForSelector('form.close-action [name=evidence_analysis_id]');
  await chair.fill('form.close-action textarea', 'retrained, trust me');
  await chair.click('form.close-action button[type=submit]');
  await chair.waitForSelector('form.close-action .field-error:not(:empty)');
  const refusal = await chair.textContent('form.close-action');
  t.ok('it-2.7 no evidence, not done', refusal.includes('only with its evidence'), refusal);
  t.ok('it-2.8 the retraining action stays open', (await rowOf(chair, 'Retrain product-recs 5.0: accuracy decay on segment web').textContent()).includes('Open'));
  await shot(chair, 'iteration-2b-close-refused');
  await chair.click('form.close-action button:text("Cancel")');
  t.clean('it-2.9 clean', chair);

  // the radar
  await go(chair, srv.base, '/iteration/radar');
  await chair.waitForSelector('[data-testid=radar-chart][data-ready="1"]');
  const n = await chair.locator('[data-testid=technologies] tbody tr').count();
  t.ok('it-3.1 every technology drawn', Number(await chair.getAttribute('[data-testid=radar-chart]', 'data-points')) === n && n >= 8, n);
  const moves = await chair.textContent('[data-testid=radar-moves]');
  t.ok('it-3.2 this quarter\'s moves with reasons', moves.includes('Retrieval-augmented generation') && moves.includes('citations checked'), moves);
  await shot(chair, 'iteration-3-radar');

  // Chinese
  await chair.selectOption('header select.locale', 'zh-CN');
  await chair.waitForSelector('nav.mainnav a:text("持续迭代")');
  await go(chair, srv.base, '/iteration/radar');
  await chair.waitForSelector('[data-testid=radar-chart][data-ready="1"]');
  const zr = await chair.textContent('#main');
  t.ok('it-4.1 the radar in Chinese', zr.includes('技术雷达') && zr.includes('采用') && !zr.includes('radar.'), zr.slice(0, 300));
  await go(chair, srv.base, '/iteration/actions');
  await chair.waitForSelector('[data-testid=actions]');
  const za = await chair.textContent('#main');
  t.ok('it-4.2 actions in Chinese', za.includes('再训练闭环') && za.includes('已投产') && !za.includes('act.'), za.slice(0, 300));
  await rowOf(chair, 'Hand the conversation history to the agent').locator('button[data-testid^=close-]').click();
  await chair.waitForSelector('form.close-action');
  const zf = await chair.textContent('form.close-action');
  t.ok('it-4.2b the close dialog in Chinese', zf.includes('完成情况说明') && zf.includes('结果') && !zf.includes('act.'), zf);
  await chair.fill('form.close-action textarea', '已在交接时附上完整对话记录');
  await chair.click('form.close-action button[type=submit]');
  await chair.waitForSelector('[data-testid^=close-note-]:has-text("已在交接时")');
  t.ok('it-4.2c closed in Chinese', (await rowOf(chair, 'Hand the conversation history to the agent').textContent()).includes('已完成'));
  await rowOf(chair, 'Retrain product-recs 5.0: accuracy decay on segment app').locator('button[data-testid^=close-]').click();
  await chair.waitForSelector('form.close-action [name=evidence_analysis_id]');
  await chair.fill('form.close-action textarea', '已重新训练');
  await chair.click('form.close-action button[type=submit]');
  await chair.waitForSelector('form.close-action .field-error:not(:empty)');
  const zr2 = await chair.textContent('form.close-action');
  t.ok('it-4.2d the evidence refusal in Chinese', zr2.includes('须提供证据'), zr2);
  await shot(chair, 'iteration-4b-close-zh');
  await go(chair, srv.base, '/iteration/reviews');
  await chair.locator('nav.period-pick a').nth(1).click();
  await chair.waitForSelector('[data-testid=review-status]:has-text("已召开")');
  const zq = await chair.textContent('#main');
  t.ok('it-4.3 the held review in Chinese', zq.includes('季度复盘') && zq.includes('整改') && zq.includes('仅实现承诺价值的 50%') && !zq.includes('qr.'), zq.slice(0, 300));
  await shot(chair, 'iteration-4-zh');
  t.clean('it-4.4 clean', chair);

  // a viewer reads but does not hold
  const v = await b.page();
  await signIn(v, srv.base, USERS.viewer);
  await go(v, srv.base, '/iteration/reviews');
  await v.waitForSelector('[data-testid=review-initiatives]');
  t.ok('it-5.1 no hold or feedback form for a viewer', (await v.locator('form').count()) === 0);
  t.clean('it-5.2 clean', v);
});
