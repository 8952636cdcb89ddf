// SPDX-License-Identifier: GPL-3.0-or-later
// Values in the user's words (issue 15, items 2 and 3): on the demo's
// objective page a KPI value outside the KPI's possible values is refused
// at its field, a value far outside its usual range is recorded only after
// the page asks, a horizon ending before it starts is refused at the end
// field; a huge number and a text over its length are stopped in the
// browser before sending; a malformed quarter is explained; in English and
// Chinese.
import { signIn, go, shot, run, USERS, setUp, apiSession } from './harness.mjs';

const KPI = 'Stock-out rate (top 500 items)';

await run('e2e validation', async (t, cleanup) => {
  const { srv, b } = await setUp(cleanup);
  // the objective the KPI measures
  const { cookie } = await apiSession(srv.base, USERS.committee);
  const kpis = (await (await fetch(srv.base + '/api/v1/kpis?limit=100', { headers: { Cookie: cookie } })).json()).items;
  const kpi = kpis.find((k) => k.name === KPI);
  const count = async () => (await (await fetch(`${srv.base}/api/v1/kpis/${kpi.id}/values`, { headers: { Cookie: cookie } })).json()).total;

  for (const [locale, words] of [['en-GB', {
    impossible: 'impossible for this KPI', big: 'This number is too large', order: 'comes before the start',
    period: 'Enter a quarter such as 2026Q3', long: 'Too long: at most 8000 bytes' }], ['zh-CN', {
    impossible: '此数值对该 KPI 不可能出现', big: '数值过大', order: '结束早于开始', period: '请输入季度', long: '内容过长：最多 8000 字节' }]]) {
    const p = await b.page({ locale });
    const L = locale.slice(0, 2);
    await signIn(p, srv.base, USERS.committee);
    await go(p, srv.base, '/alignment/objectives/' + kpi.objective_id);
    const card = p.locator('section.panel', { has: p.locator(`h2:text-is("${KPI}")`) });
    await card.locator('details.add-values summary').click();
    const vf = card.locator('details.add-values form');
    const n0 = await count();
    await vf.locator('input[name=period]').fill('2030Q1');
    await vf.locator('input[name=value]').fill('-99999');
    await vf.locator('button[type=submit]').click();
    await vf.locator('[name=value][aria-invalid=true]').waitFor();
    const e1 = await vf.locator('input[name=value] ~ .field-error').textContent();
    t.ok(`valid-${L}-1 an impossible KPI value refused at its field in words`, e1.includes(words.impossible), e1);
    await vf.locator('input[name=value]').fill('1e20');
    await vf.locator('button[type=submit]').click();
    const e2 = await vf.locator('input[name=value] ~ .field-error').textContent();
    t.ok(`valid-${L}-2 a huge number stopped in the browser`, e2.includes(words.big), e2);
    await shot(p, `valid-${L}-1-kpi`);
    t.eq(`valid-${L}-3 nothing recorded`, await count(), n0);
    // far outside the usual range: the page asks, then records it
    let asked = '';
    p.once('dialog', (d) => { asked = d.message(); d.accept(); });
    await vf.locator('input[name=period]').fill(L === 'en' ? '2030Q2' : '2030Q3');
    await vf.locator('input[name=value]').fill('60');
    await vf.locator('button[type=submit]').click();
    await p.waitForFunction(async () => true);
    for (let i = 0; i < 50 && (await count()) === n0; i++) await p.waitForTimeout(100);
    t.ok(`valid-${L}-4 the page asks before recording an unusual value`, asked.includes('60'), asked);
    t.eq(`valid-${L}-5 recorded once confirmed`, await count(), n0 + 1);
    // the objective's horizon out of order, a malformed quarter, a long text
    await go(p, srv.base, '/alignment/objectives/' + kpi.objective_id);
    await p.locator('.page-actions button', { hasText: L === 'en' ? 'Edit' : '编辑' }).first().click();
    const of = p.locator('form', { has: p.locator('input[name=horizon_end]') });
    await of.locator('input[name=horizon_end]').fill('2020Q1');
    await of.locator('button[type=submit]').click();
    await of.locator('[name=horizon_end][aria-invalid=true]').waitFor();
    const e3 = await of.locator('input[name=horizon_end] ~ .field-error').textContent();
    t.ok(`valid-${L}-6 an end before the start refused at the end field`, e3.includes(words.order), e3);
    await of.locator('input[name=horizon_end]').fill('Q4 2027');
    await of.locator('button[type=submit]').click();
    // wait for the new refusal itself (the old one, or an empty error
    // cleared on submit, may still be there for a moment)
    await p.waitForFunction((want) => {
      const el = document.querySelector('[name=horizon_end] ~ .field-error');
      return !!el && el.textContent.includes(want);
    }, words.period, { timeout: 10000 }).catch(() => {});
    const e4 = await of.locator('input[name=horizon_end] ~ .field-error').textContent();
    t.ok(`valid-${L}-7 a malformed quarter explained`, e4.includes(words.period), e4);
    await of.locator('input[name=horizon_end]').fill('2027Q4');
    await of.locator('textarea[name=description]').fill('长'.repeat(3000));
    await of.locator('button[type=submit]').click();
    const e5 = await of.locator('textarea[name=description] ~ .field-error').textContent();
    t.ok(`valid-${L}-8 a text over its length stopped in the browser`, e5.includes(words.long), e5);
    await shot(p, `valid-${L}-2-objective`);
    t.clean(`valid-${L}-9 clean`, p);
  }
});
