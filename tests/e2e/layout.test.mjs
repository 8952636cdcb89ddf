// SPDX-License-Identifier: GPL-3.0-or-later
// Layout and words of the business reader's pages (issue 15, item 7), in
// English and Chinese: the prioritisation table fits a 1440 px screen; the
// value/feasibility matrix spreads coincident initiatives, sizes bubbles by
// value and colours them by stage; score columns are headed by names, not
// e-mail addresses; the plan has a roadmap; the use-case catalogue is in
// Chinese; one period format on the pages.
import { startServer, launch, signIn, go, shot, run, USERS } from './harness.mjs';

await run('e2e layout', async (t, cleanup) => {
  const srv = await startServer();
  cleanup.push(() => srv.stop());
  const b = await launch();
  cleanup.push(() => b.close());

  for (const locale of ['en-GB', 'zh-CN']) {
    const L = locale.slice(0, 2);
    const p = await b.page({ locale, width: 1440, height: 900 });
    await signIn(p, srv.base, USERS.committee);

    // lay-1: the prioritisation table's last column is on screen
    await go(p, srv.base, '/alignment/priorities');
    const fit = await p.evaluate(() => {
      const s = document.querySelector('[data-testid=priorities] .scroll');
      const last = document.querySelector('[data-testid=priorities] thead th:last-child').getBoundingClientRect();
      return { sw: s.scrollWidth, cw: s.clientWidth, right: last.right, vw: window.innerWidth };
    });
    t.ok(`lay-1.1 ${L} the table fits at 1440 px`, fit.sw <= fit.cw && fit.right <= fit.vw, fit);
    // lay-2: the matrix: every scored initiative a bubble, coincident ones spread
    const m = await p.evaluate(() => ({ ...document.querySelector('[data-testid=matrix]').dataset }));
    t.ok(`lay-2.1 ${L} a bubble per scored initiative`, Number(m.points) === 24, m);
    t.ok(`lay-2.2 ${L} coincident initiatives spread apart`, Number(m.spread) >= 2, m);
    await shot(p, `95-priorities-${L}`);

    // lay-3: score columns headed by names
    const inits = await p.evaluate(async () => (await (await fetch('/api/v1/initiatives?limit=100')).json()).items);
    const aml = inits.find((i) => i.title === 'AML alert triage');
    await go(p, srv.base, '/alignment/initiatives/' + aml.id);
    const heads = await p.locator('[data-testid=scores] thead th').allTextContents();
    t.ok(`lay-3.1 ${L} scorers by name`, heads.some((x) => x.includes('Helena Marsh')) && !heads.some((x) => x.includes('@')), heads);
    // lay-4: a blocked move is shown disabled with the reason
    t.ok(`lay-4.1 ${L} approval disabled`, await p.isDisabled('button[data-to=approved]'));
    const why = await p.textContent('[data-testid=blocked-moves]');
    t.ok(`lay-4.2 ${L} the reason in words`, L === 'en' ? why.includes('sign-offs') : why.includes('签署'), why);

    // lay-5: the roadmap of the plan
    await go(p, srv.base, '/resources/plan');
    const rows = Number(await p.getAttribute('[data-testid=roadmap]', 'data-rows'));
    const funded = await p.locator('[data-testid=funded] tbody tr').count();
    t.ok(`lay-5.1 ${L} a roadmap bar per funded initiative`, rows === funded && rows > 0, [rows, funded]);
    t.ok(`lay-5.2 ${L} roadmap titled`, (await p.textContent('#main')).includes(L === 'en' ? 'Roadmap' : '路线图'));
    await shot(p, `96-plan-roadmap-${L}`);

    // lay-6: the catalogue in the reader's language
    await go(p, srv.base, '/alignment/catalogue');
    const cards = await p.locator('.cat-grid > section h2').allTextContents();
    t.eq(`lay-6.1 ${L} 34 entries`, cards.length, 34);
    if (L === 'zh') {
      t.ok('lay-6.2 zh every title in Chinese', cards.every((x) => /[\u4e00-\u9fff]/.test(x)), cards.filter((x) => !/[\u4e00-\u9fff]/.test(x)));
      const text = await p.textContent('.cat-grid');
      t.ok('lay-6.3 zh descriptions and KPIs in Chinese', text.includes('根据传感器数据预测设备故障') && text.includes('非计划停机时间（小时/月，') && !text.includes('Predict equipment failures'), text.slice(0, 300));
    } else {
      t.ok('lay-6.2 en titles in English', cards.includes('Predictive maintenance'), cards.slice(0, 5));
    }
    await shot(p, `97-catalogue-${L}`);

    // lay-7: one period format: the board pack's quarters as on the charts
    await go(p, srv.base, '/');
    const q = await p.locator('[data-testid=board-period] option').allTextContents();
    t.ok(`lay-7.1 ${L} quarters worded one way`, q.every((x) => (L === 'en' ? /^Q[1-4] FY\d{4}$/ : /^\d{4} 财年第 [1-4] 季度$/).test(x)), q);
    t.clean(`lay-8 ${L} clean`, p);
  }

  // lay-9: an initiative made from a Chinese entry takes its Chinese words
  const zh = await b.page({ locale: 'zh-CN', width: 1440, height: 900 });
  await signIn(zh, srv.base, USERS.committee);
  await go(zh, srv.base, '/alignment/catalogue');
  await zh.click('.cat-grid > section[data-key=energy-optimisation] button.primary');
  await zh.waitForFunction(() => /#\/alignment\/initiatives\/\d+$/.test(location.hash));
  await zh.waitForSelector('h1');
  t.eq('lay-9.1 the initiative titled in Chinese', (await zh.textContent('h1')).trim(), '能耗优化');
  t.clean('lay-9.2 clean', zh);
});
