// SPDX-License-Identifier: GPL-3.0-or-later
// The initiative page in the reader's words (issue 15, leftovers), in
// English and Chinese: the stage history names people (the account's
// e-mail only on hover); a team member's share of time is changed in place
// under the API's rules (1.5 FTE at most, said at the field before
// sending); "From the catalogue" gives the entry's translated title, not
// its key. The analyses kept for it say who ran them by name. The system
// page and the switches board say who flipped a switch by name too.
import { setUp, pageAs, go, settle, shot, run, USERS } from './harness.mjs';

await run('e2e initiative words', async (t, cleanup) => {
  const { srv, b } = await setUp(cleanup);
  const en = await pageAs(b, srv.base, USERS.committee, { width: 1440, height: 900 });
  const inits = await en.evaluate(async () => (await (await fetch('/api/v1/initiatives?limit=200')).json()).items);
  const pm = inits.find((i) => i.title === 'Predictive maintenance for presses');
  const ps = inits.find((i) => i.title === 'Production scheduling');

  // iw-1: the history names the chair who approved, her e-mail on hover
  await go(en, srv.base, '/alignment/initiatives/' + pm.id);
  const hist = await en.$$eval('ul.history li .actor', (xs) => xs.map((x) => ({ text: x.textContent, title: x.title })));
  t.ok('iw-1.1 the history has moves', hist.length >= 3, hist);
  t.ok('iw-1.2 no e-mail shown in the history', hist.every((x) => !x.text.includes('@')), hist);
  const helena = hist.find((x) => x.text === 'Helena Marsh');
  t.ok('iw-1.3 the chair by name, e-mail on hover', helena && helena.title === USERS.committee, hist);
  t.ok("iw-1.4 keel's own moves said in words", hist.some((x) => x.text === 'the system') && hist.every((x) => x.text !== 'system'), hist);

  const ana = await en.$$eval('[data-testid=initiative-analyses] .actor', (xs) => xs.map((x) => ({ text: x.textContent, title: x.title })));
  t.ok('iw-1.5 the analyses by who ran them, by name', ana.length >= 1 && ana.every((x) => !x.text.includes('@') && x.title.includes('@')), ana);

  // iw-2: "From the catalogue" is the entry's title, linked to the catalogue
  const from = await en.textContent('[data-testid=from-catalogue]').catch(() => null);
  t.eq('iw-2.1 the catalogue entry by its title', from, 'Predictive maintenance');
  t.ok('iw-2.2 not its key', !(await en.textContent('#main')).includes('predictive-maintenance'));
  await shot(en, 'iw-initiative-en');

  // iw-3: a member's FTE changed in place; beyond 1.5 refused at the field
  await go(en, srv.base, '/alignment/initiatives/' + ps.id);
  const team0 = (await en.evaluate(async (id) => (await (await fetch(`/api/v1/initiatives/${id}/team`)).json()).items, ps.id));
  const m = team0[0];
  const li = `[data-testid=team] li[data-member="${m.id}"]`;
  await en.click(`${li} [data-testid=team-edit] summary`);
  await en.fill(`${li} [data-testid=team-edit] input[name=fte]`, '2');
  await en.click(`${li} [data-testid=team-edit] button[type=submit]`);
  await en.waitForSelector(`${li} [data-testid=team-edit] .field-error:not(:empty)`);
  const ferr = await en.textContent(`${li} [data-testid=team-edit] .field-error`);
  t.ok('iw-3.1 2 FTE refused at the field, in words', /1\.5/.test(ferr), ferr);
  await shot(en, 'iw-team-edit-en');
  await en.fill(`${li} [data-testid=team-edit] input[name=fte]`, '0.3');
  await en.click(`${li} [data-testid=team-edit] button[type=submit]`);
  await en.waitForFunction((sel) => { const x = document.querySelector(sel); return x && x.textContent.includes('0.3 FTE'); }, li, { timeout: 10000 });
  await settle(en);
  const team1 = (await en.evaluate(async (id) => (await (await fetch(`/api/v1/initiatives/${id}/team`)).json()).items, ps.id));
  t.eq('iw-3.2 saved: 0.3 FTE', team1.find((x) => x.id === m.id).fte, 0.3);
  t.clean('iw-3.3 clean', en);

  // iw-4: a viewer reads the team but changes nothing
  const viewer = await pageAs(b, srv.base, USERS.viewer);
  await go(viewer, srv.base, '/alignment/initiatives/' + ps.id);
  t.eq('iw-4.1 no change form for a viewer', await viewer.locator('[data-testid=team-edit]').count(), 0);
  t.clean('iw-4.2 clean', viewer);

  // iw-5: in Chinese
  const zh = await pageAs(b, srv.base, USERS.committee, { locale: 'zh-CN', width: 1440, height: 900 });
  await go(zh, srv.base, '/alignment/initiatives/' + pm.id);
  t.eq('iw-5.1 the catalogue entry by its Chinese title', await zh.textContent('[data-testid=from-catalogue]').catch(() => null), '预测性维护');
  const zhist = await zh.$$eval('ul.history li .actor', (xs) => xs.map((x) => x.textContent));
  t.ok('iw-5.2 names, no e-mail, in the Chinese history', zhist.includes('Helena Marsh') && zhist.includes('系统') && zhist.every((x) => !x.includes('@') && x !== 'system'), zhist);
  await shot(zh, 'iw-initiative-zh');
  await go(zh, srv.base, '/alignment/initiatives/' + ps.id);
  t.eq('iw-5.3 the change in Chinese', (await zh.textContent(`${li} [data-testid=team-edit] summary`)).trim(), '修改');
  await zh.click(`${li} [data-testid=team-edit] summary`);
  await zh.fill(`${li} [data-testid=team-edit] input[name=fte]`, '1.6');
  await zh.click(`${li} [data-testid=team-edit] button[type=submit]`);
  await zh.waitForSelector(`${li} [data-testid=team-edit] .field-error:not(:empty)`);
  const zerr = await zh.textContent(`${li} [data-testid=team-edit] .field-error`);
  t.ok('iw-5.4 refused at the field, in Chinese', /1\.5/.test(zerr) && /[\u4e00-\u9fff]/.test(zerr), zerr);
  await zh.fill(`${li} [data-testid=team-edit] input[name=fte]`, '0.4');
  await zh.click(`${li} [data-testid=team-edit] button[type=submit]`);
  await zh.waitForFunction((sel) => { const x = document.querySelector(sel); return x && x.textContent.includes('0.4'); }, li, { timeout: 10000 });
  await settle(zh);
  await shot(zh, 'iw-team-zh');
  const team2 = (await zh.evaluate(async (id) => (await (await fetch(`/api/v1/initiatives/${id}/team`)).json()).items, ps.id));
  t.eq('iw-5.5 saved from the Chinese page: 0.4 FTE', team2.find((x) => x.id === m.id).fte, 0.4);
  t.clean('iw-5.6 clean', zh);

  // iw-6: the system page and the switches board say who flipped by name
  // (the e-mail on hover), in English and Chinese, for a viewer too
  for (const [pg, lang] of [[en, 'en'], [zh, 'zh'], [viewer, 'viewer']]) {
    await go(pg, srv.base, '/risk/systems/service-chatbot');
    const flips = await pg.$$eval('[data-testid=switch-history] .actor', (xs) => xs.map((x) => ({ text: x.textContent, title: x.title })));
    t.ok(`iw-6.1 ${lang}: the switch history names Grace Kim, e-mail on hover`, flips.length >= 1 && flips.some((x) => x.text === 'Grace Kim' && x.title === 'grace.kim@meridian.example'), flips);
    const panelText = await pg.textContent('[data-testid=switch-panel]');
    t.ok(`iw-6.2 ${lang}: no e-mail on the switch panel`, !panelText.includes('@') && panelText.includes('Grace Kim'), panelText);
    const gates = await pg.textContent('[data-testid=gate-board]').catch(() => '');
    t.ok(`iw-6.6 ${lang}: the gate overrides by name`, gates.includes('Helena Marsh') && !gates.includes('@'), gates.slice(0, 400));
    if (lang !== 'viewer') await shot(pg, 'iw-system-' + lang);
    await go(pg, srv.base, '/risk/switches');
    const board = await pg.textContent('[data-testid=switches]');
    t.ok(`iw-6.3 ${lang}: the switches board names who changed, no e-mail`, board.includes('Grace Kim') && !board.includes('@'), board);
    await pg.click('[data-testid=switch-open][data-system=service-chatbot]');
    await pg.waitForSelector('[data-testid=switch-history]');
    const hist = await pg.textContent('[data-testid=switch-history]');
    t.ok(`iw-6.4 ${lang}: the board's history by name`, hist.includes('Grace Kim') && !hist.includes('@'), hist);
    t.clean(`iw-6.5 ${lang}: clean`, pg);
  }

  // iw-7: the analyses list and page, a proposal's header and the plan say
  // who by name (no e-mail shown)
  await go(en, srv.base, '/risk/analyses');
  const runs = await en.$$eval('[data-testid=analyses] .actor', (xs) => xs.map((x) => ({ text: x.textContent, title: x.title })));
  t.ok('iw-7.1 the analyses list: run by name, e-mail on hover', runs.length >= 1 && runs.every((x) => !x.text.includes('@')) && runs.some((x) => x.title.includes('@')), runs);
  const first = await en.getAttribute('[data-testid=analyses] a[href*="/risk/analyses/"]', 'href');
  await go(en, srv.base, first.replace(/^.*#/, '').replace(/^\/?/, '/'));
  const who = await en.textContent('.analysis-page .actor');
  t.ok('iw-7.2 the analysis page: run by name', who && !who.includes('@'), who);
  const props = await en.evaluate(async () => (await (await fetch('/api/v1/proposals?limit=5')).json()).items || []);
  if (props.length) {
    await go(en, srv.base, '/organisation/proposals/' + props[0].id);
    const head = await en.textContent('.page-head .sub');
    t.ok('iw-7.3 the proposal header: proposed by name', head && !head.includes('@'), head);
  }
  await go(en, srv.base, '/resources/plan');
  t.ok('iw-7.4 the plan: no e-mail', !(await en.textContent('#main')).includes('@'));
  t.clean('iw-7.5 clean', en);
});
