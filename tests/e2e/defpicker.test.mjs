// SPDX-License-Identifier: GPL-3.0-or-later
// Linking a KPI to a shared definition by its term, not its id (issue 21,
// item 4, the picker): on the objective's page a committee member types a
// part of the term in the KPI's combobox, moves with ↓, reads the option's
// status (and that linking a definition not agreed raises a finding)
// before choosing, links with Enter, sees the linked definition by its
// term with its status and the finding, finds the finding in the glossary
// too, and unlinks it — keyboard only, in English, then in Chinese (a
// definition with a Chinese term found by a part of it); then at phone
// width.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, launch, signIn, go, shot, run, USERS } from './harness.mjs';

const SRC = process.env.KEEL_SOURCE_DIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const KEEL = process.env.KEEL_BIN || path.join(SRC, 'build/keel');

await run('e2e defpicker', async (t, cleanup) => {
  const srv = await startServer();
  cleanup.push(() => srv.stop());
  const api = (method, p, data, as = USERS.admin) => {
    const args = ['api', '--db', srv.db, '--as', as, method, '/api/v1' + p];
    if (data) args.push('--data', JSON.stringify(data));
    const out = execFileSync(KEEL, args, { env: { ...process.env, KEEL_FAST_PWHASH: '1' } }).toString();
    return out.trim() ? JSON.parse(out) : null;
  };
  const all = api('GET', '/definitions');
  const linkedKpis = new Set(all.items.flatMap((d) => d.links.filter((l) => l.entity === 'kpi').map((l) => l.entity_id)));
  const kpis = api('GET', '/kpis?limit=1000').items.filter((k) => !linkedKpis.has(k.id));
  t.ok('pick-0.1 the demo has KPIs linked to no definition', kpis.length >= 2, kpis.length);
  const unit = api('GET', '/units?limit=1000').items.find((u) => u.name === 'Marketing') || api('GET', '/units?limit=1000').items[0];
  // one unagreed definition per language; the Chinese one found by a part of its Chinese term
  const target = {
    en: api('POST', '/definitions', { name: 'Repeat-purchase rate', kind: 'kpi_formula', body: 'Customers with two or more orders in 90 days / customers with an order.', departments: [unit.id] }),
    'zh-CN': api('POST', '/definitions', { name: '复购率（季度）', kind: 'kpi_formula', body: '九十天内下单两次及以上的客户 / 下单客户。', departments: [unit.id] }),
  };
  const agreed = all.items.find((d) => d.status === 'agreed');

  const b = await launch();
  cleanup.push(() => b.close());
  for (const [n, lang] of [[1, 'en'], [2, 'zh-CN']]) {
    const zh = lang === 'zh-CN';
    const def = target[lang];
    const kpi = kpis[n - 1];
    const TX = zh ? { query: '购率', unagreed: '未达成一致', finding: '此关联是一项发现', none: '未依赖任何共享定义', dept: unit.name, glossary: '依赖的定义尚未获得所有部门签署' }
      : { query: 'REPEAT-pur', unagreed: 'Not agreed', finding: 'the link is a finding', none: 'Relies on no shared definition', dept: unit.name, glossary: 'relies on a definition that not every department has signed' };
    const pg = await b.page();
    await signIn(pg, srv.base, USERS.committee);
    if (zh) {
      await pg.selectOption('header select.locale', 'zh-CN');
      await pg.waitForSelector('nav.mainnav a:text("资源")');
    }
    await go(pg, srv.base, '/alignment/objectives/' + kpi.objective_id);
    const sec = `[data-testid=definitions-of][data-entity=kpi][data-id="${kpi.id}"]`;
    t.ok(`pick-${n}.1 the KPI relies on no definition yet`, (await pg.textContent(sec)).includes(TX.none), await pg.textContent(sec));
    const input = pg.locator(`${sec} input[role=combobox]`);
    t.ok(`pick-${n}.2 a labelled combobox, closed`, (await input.getAttribute('aria-expanded')) === 'false'
      && (await pg.locator(`${sec} label[for="${await input.getAttribute('id')}"]`).count()) === 1
      && (await pg.locator('#' + (await input.getAttribute('aria-controls')) + '[role=listbox]').count()) === 1);
    // keyboard only: focus the field, type a part of the term (another case in English)
    await input.focus();
    await pg.keyboard.type(TX.query);
    const list = pg.locator(`${sec} [role=listbox]`);
    await pg.waitForFunction((s) => { const l = document.querySelector(s + ' [role=listbox]'); return l && !l.hidden && l.querySelectorAll('[role=option]').length === 1; }, sec);
    t.ok(`pick-${n}.3 the search finds the definition by a part of its term`, (await list.textContent()).includes(def.name)
      && (await input.getAttribute('aria-expanded')) === 'true', await list.textContent());
    t.ok(`pick-${n}.4 the option shows the status`, (await list.locator('[role=option]').first().textContent()).includes(TX.unagreed));
    await pg.keyboard.press('ArrowDown');
    const opt = list.locator('[role=option][aria-selected=true]');
    t.ok(`pick-${n}.5 ↓ makes it the active option`, (await opt.count()) === 1
      && (await input.getAttribute('aria-activedescendant')) === (await opt.getAttribute('id')));
    const hint = await pg.textContent(`${sec} [data-testid=defpick-hint]`);
    t.ok(`pick-${n}.6 before linking: not agreed, a finding, who has not signed`, hint.includes(TX.unagreed) && hint.includes(TX.finding) && hint.includes(TX.dept), hint);
    // Escape closes the list, ↓ opens it again
    await pg.keyboard.press('Escape');
    t.ok(`pick-${n}.7 Escape closes the list`, (await input.getAttribute('aria-expanded')) === 'false' && await list.isHidden());
    await pg.keyboard.press('ArrowDown');
    await pg.waitForFunction((s) => !document.querySelector(s + ' [role=listbox]').hidden, sec);
    await pg.keyboard.press('ArrowDown');
    await pg.keyboard.press('Enter');
    const row = pg.locator(`${sec} li[data-definition="${def.id}"]`);
    await row.waitFor({ timeout: 10000 });
    const linked = await row.textContent();
    t.ok(`pick-${n}.8 linked: the term, its status and the finding`, linked.includes(def.name) && linked.includes(TX.unagreed) && linked.includes(TX.finding), linked);
    t.ok(`pick-${n}.9 the term links to the definition`, (await row.locator(`a[href$="/organisation/definitions/${def.id}"]`).count()) === 1);
    t.ok(`pick-${n}.10 the focus stays in the picker`, await pg.evaluate((s) => document.activeElement && document.activeElement.matches(s + ' input[role=combobox]'), sec));
    const server = api('GET', '/definitions/' + def.id);
    t.ok(`pick-${n}.11 the API has the link`, server.links.some((l) => l.entity === 'kpi' && l.entity_id === kpi.id), JSON.stringify(server.links));
    await shot(pg, `defpicker-linked-${lang}`);
    // the finding in the glossary, naming the KPI
    await go(pg, srv.base, '/organisation/definitions');
    const fl = await pg.textContent('[data-testid=definition-findings]');
    t.ok(`pick-${n}.12 the glossary's finding names the KPI`, fl.includes(kpi.name) && fl.includes(TX.glossary) && fl.includes(def.name), fl.slice(0, 600));
    // an agreed definition raises none: its hint says so
    if (agreed) {
      await go(pg, srv.base, '/alignment/objectives/' + kpi.objective_id);
      await pg.locator(`${sec} input[role=combobox]`).focus();
      await pg.keyboard.type(agreed.name.slice(0, 6));
      await pg.waitForFunction((s) => { const l = document.querySelector(s + ' [role=listbox]'); return l && !l.hidden && l.querySelector('[role=option]'); }, sec);
      const i = await pg.locator(`${sec} [role=option]`).evaluateAll((els, id) => els.findIndex((e) => e.dataset.id === String(id)), agreed.id);
      for (let k = 0; k <= i; k++) await pg.keyboard.press('ArrowDown');
      const h2 = await pg.textContent(`${sec} [data-testid=defpick-hint]`);
      t.ok(`pick-${n}.13 an agreed definition: no finding`, i >= 0 && !h2.includes(TX.finding) && h2.includes(agreed.name), h2);
      await pg.keyboard.press('Escape');
    }
    // unlink with the keyboard: Tab from the link to its button, Enter
    await go(pg, srv.base, '/alignment/objectives/' + kpi.objective_id);
    await pg.locator(`${sec} li[data-definition="${def.id}"] a`).focus();
    await pg.keyboard.press('Tab');
    await pg.keyboard.press('Enter');
    await pg.waitForFunction((s) => !document.querySelector(s + ' li[data-definition]'), sec);
    t.ok(`pick-${n}.14 unlinked`, !api('GET', '/definitions/' + def.id).links.some((l) => l.entity === 'kpi' && l.entity_id === kpi.id));
    t.clean(`pick-${n}.15 no console errors`, pg);
    await pg.close();
  }

  // phone width: the list fits the screen
  const ph = await b.page({ width: 390, height: 844 });
  await signIn(ph, srv.base, USERS.committee);
  const kpi = kpis[0];
  await go(ph, srv.base, '/alignment/objectives/' + kpi.objective_id);
  const sec = `[data-testid=definitions-of][data-entity=kpi][data-id="${kpi.id}"]`;
  await ph.locator(`${sec} input[role=combobox]`).focus();
  await ph.keyboard.type('rate');
  await ph.waitForFunction((s) => { const l = document.querySelector(s + ' [role=listbox]'); return l && !l.hidden && l.querySelector('[role=option]'); }, sec);
  const box = await ph.locator(`${sec} [role=listbox]`).boundingBox();
  t.ok('pick-3.1 at 390 px the list fits the screen', box && box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));
  const wide = await ph.evaluate(() => document.documentElement.scrollWidth);
  t.ok('pick-3.2 no sideways scrolling', wide <= 390, wide);
  await shot(ph, 'defpicker-phone');
  t.clean('pick-3.3 no console errors', ph);
});
