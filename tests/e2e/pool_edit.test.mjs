// SPDX-License-Identifier: GPL-3.0-or-later
// Resource pools created and changed in the browser (issue 15, item 5):
// before saving, the page shows the utilisation the latest plan gives the
// pool, its break-even against renting, and warns below the idle threshold
// (and asks before saving such a pool); a refused value is named; capacity
// and usage are imported from CSV with every bad line listed; viewers get
// no forms; the same in Chinese and on a phone.
import { startServer, launch, signIn, go, settle, shot, run, USERS } from './harness.mjs';

const NEW = '[data-testid=new-pool]';

// Fill the new-pool form with an owned GPU cluster the plan does not use.
async function fillCluster(page, key, name) {
  await page.click(`${NEW} summary`);
  await page.fill(`${NEW} input[name=key]`, key);
  await page.fill(`${NEW} input[name=name]`, name);
  await page.selectOption(`${NEW} select[name=kind]`, 'compute');
  await page.selectOption(`${NEW} select[name=deployment]`, 'on_premises');
  await page.fill(`${NEW} input[name=capacity]`, '20000');
  await page.fill(`${NEW} input[name=price_per_hour]`, '9');
  await page.fill(`${NEW} input[name=capital_cost]`, '1200000');
  await page.waitForSelector(`${NEW} [data-testid=pool-preview] [data-advice=idle]`, { timeout: 10000 });
  // the preview is asked again as each field changes: wait for the one that
  // knows the prices (on a loaded machine an earlier answer can show first)
  await page.waitForFunction((sel) => (document.querySelector(sel)?.textContent || '').includes('Break-even utilisation'),
    `${NEW} [data-testid=preview-breakeven]`, { timeout: 10000 }).catch(() => {});
}

await run('e2e pool editing', async (t, cleanup) => {
  const srv = await startServer();
  cleanup.push(() => srv.stop());
  const b = await launch();
  cleanup.push(() => b.close());

  // pe-1: a new cluster the plan leaves idle is caught before it is saved
  const chair = await b.page({ width: 1440, height: 900 });
  await signIn(chair, srv.base, USERS.committee);
  await go(chair, srv.base, '/resources/pools');
  await fillCluster(chair, 'gpu_lead', 'Leadership cluster');
  const pv = await chair.textContent(`${NEW} [data-testid=pool-preview]`);
  t.ok('pe-1.1 planned utilisation before saving', pv.includes('The latest plan would use') && (await chair.textContent(`${NEW} [data-testid=preview-use]`)) === '0%', pv);
  t.ok('pe-1.2 idle warning in words', pv.includes('Below the idle threshold (40%)') && pv.includes('Plan work onto it before buying'), pv);
  t.ok('pe-1.3 break-even against renting', (await chair.textContent(`${NEW} [data-testid=preview-breakeven]`)).includes('Break-even utilisation'), pv);
  t.eq('pe-1.4 four quarters ahead', await chair.locator(`${NEW} [data-testid=preview-periods] tbody tr`).count(), 4);
  await shot(chair, '90-pool-new-en');
  // saving asks first; declined, nothing is stored
  let asked = '';
  chair.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await chair.click(`${NEW} button[type=submit]`);
  await chair.waitForFunction((s) => document.querySelector(s + ' .form-note').textContent !== '', NEW);
  t.ok('pe-1.5 asked before saving an idle pool', asked.includes('below the idle threshold of 40%'), asked);
  t.eq('pe-1.6 declined: not saved', await chair.locator('.pool-card[data-pool=gpu_lead]').count(), 0);
  chair.once('dialog', (d) => d.accept());
  await chair.click(`${NEW} button[type=submit]`);
  await chair.waitForSelector('.pool-card[data-pool=gpu_lead]');
  await settle(chair);
  t.ok('pe-1.7 accepted: the pool is created', (await chair.textContent('.pool-card[data-pool=gpu_lead] h2')).includes('Leadership cluster'));
  t.clean('pe-1.8 clean', chair);

  // pe-2: enlarging the demo's cluster: the plan's load over the new capacity
  const card = '.pool-card[data-pool=gpu_onprem]';
  await chair.click(`${card} [data-testid=pool-edit] summary`);
  await chair.waitForSelector(`${card} [data-testid=pool-edit] input[name=capacity]`);
  await chair.fill(`${card} [data-testid=pool-edit] input[name=capacity]`, '80000');
  await chair.waitForFunction((s) => { const x = document.querySelector(s + ' [data-testid=preview-use]'); return x && x.textContent !== '0%'; }, card, { timeout: 10000 });
  const use = await chair.textContent(`${card} [data-testid=preview-use]`);
  const rep = await chair.evaluate(async () => (await fetch('/api/v1/pools/report?from=2026Q1&periods=1')).status);
  t.eq('pe-2.0 report readable', rep, 200);
  t.ok('pe-2.1 planned utilisation of the enlarged cluster', /^\d{1,2}%$/.test(use) && Number(use.slice(0, -1)) < 40, use);
  t.ok('pe-2.2 warned: idle', (await chair.textContent(`${card} [data-testid=pool-preview]`)).includes('Below the idle threshold'));
  // a refused value: the preview says so, the form names the field
  await chair.fill(`${card} [data-testid=pool-edit] input[name=capacity]`, '-5');
  await chair.waitForFunction((s) => document.querySelector(s + ' [data-testid=pool-preview]').textContent.includes('Not yet possible'), card, { timeout: 10000 });
  await chair.click(`${card} [data-testid=pool-edit] button[type=submit]`);
  const err = await chair.textContent(`${card} [data-testid=pool-edit] .field-error:not(:empty)`);
  t.ok('pe-2.3 the field is named', err.includes('0'), err);
  await shot(chair, '91-pool-edit-en');

  // pe-3: usage from CSV, all or nothing, every bad line listed
  await chair.click(`${card} [data-testid=import-usage] summary`);
  const area = `${card} [data-testid=import-usage] textarea`;
  await chair.fill(area, 'period,amount\n2026Q1,abc\n2026Q2,-3\n');
  await chair.click(`${card} [data-testid=import-usage] button[type=submit]`);
  await chair.waitForSelector(`${card} [data-testid=import-usage] .row-errors li`);
  const rows = await chair.textContent(`${card} [data-testid=import-usage] .row-errors`);
  t.ok('pe-3.1 bad lines listed by number', rows.includes('Line 2') && rows.includes('Line 3'), rows);
  await chair.fill(area, 'period,amount\n2025Q1,1000\n');
  await chair.click(`${card} [data-testid=import-usage] button[type=submit]`);
  await chair.waitForFunction(async () => {
    const r = await fetch('/api/v1/pools/2/usage'); const j = await r.json(); return (j.items || []).some((x) => x.period === '2025Q1');
  }, null, { timeout: 10000 });
  t.ok('pe-3.2 a good import is stored', true);
  t.clean('pe-3.3 clean', chair);

  // pe-4: viewers read pools but get no forms
  const viewer = await b.page();
  await signIn(viewer, srv.base, USERS.viewer);
  await go(viewer, srv.base, '/resources/pools');
  t.eq('pe-4.1 no new-pool form', await viewer.locator(NEW).count(), 0);
  t.eq('pe-4.2 no change form', await viewer.locator('[data-testid=pool-edit]').count(), 0);
  t.clean('pe-4.3 clean', viewer);

  // pe-5: in Chinese
  const zh = await b.page({ locale: 'zh-CN', width: 1440, height: 900 });
  await signIn(zh, srv.base, USERS.committee);
  await go(zh, srv.base, '/resources/pools');
  await fillCluster(zh, 'gpu_lead2', '领先集群');
  const zpv = await zh.textContent(`${NEW} [data-testid=pool-preview]`);
  t.ok('pe-5.1 preview in Chinese', zpv.includes('低于闲置阈值') && zpv.includes('保存之前') && !/idle|latest plan/i.test(zpv), zpv);
  t.ok('pe-5.2 form labels in Chinese', (await zh.textContent(NEW)).includes('每季度容量'));
  await shot(zh, '92-pool-new-zh');
  t.clean('pe-5.3 clean', zh);

  // pe-6: a phone: the pools page and its forms fit the width
  for (const locale of ['en-GB', 'zh-CN']) {
    const ph = await b.page({ locale, width: 390, height: 844 });
    await signIn(ph, srv.base, USERS.committee);
    await go(ph, srv.base, '/resources/pools');
    await ph.click(`${NEW} summary`);
    await ph.waitForSelector(`${NEW} input[name=capacity]`);
    const w = await ph.evaluate(() => document.scrollingElement.scrollWidth);
    t.ok(`pe-6 ${locale} phone: no sideways scroll`, w <= 390, w);
    await shot(ph, '93-pool-phone-' + locale);
    t.clean(`pe-6 ${locale} clean`, ph);
  }
});
