// SPDX-License-Identifier: GPL-3.0-or-later
// Data assets and teams edited in the browser (issue 15, item 5): a data
// asset registered (the consent rule refused at its field), changed, and
// profiled from an uploaded CSV sample (its readiness score follows; a bad
// file refused at the file); a team member added and removed on the
// initiative page (a skill the person lacks refused in words); viewers get
// no forms; the forms in Chinese.
import { startServer, launch, signIn, go, settle, shot, run, USERS } from './harness.mjs';

const NEW = '[data-testid=new-asset]';

await run('e2e resource forms', async (t, cleanup) => {
  const srv = await startServer();
  cleanup.push(() => srv.stop());
  const b = await launch();
  cleanup.push(() => b.close());
  const chair = await b.page({ width: 1440, height: 900 });
  chair.on('dialog', (d) => d.accept());
  await signIn(chair, srv.base, USERS.committee);

  // rf-1: register an asset; personal data without a legal basis is refused at its field
  await go(chair, srv.base, '/resources/data');
  await chair.click(`${NEW} summary`);
  await chair.waitForSelector(`${NEW} input[name=name]`);
  await chair.fill(`${NEW} input[name=name]`, 'Call-centre transcripts');
  await chair.fill(`${NEW} input[name=source_system]`, 'Genesys');
  await chair.check(`${NEW} input[name=personal_data]`);
  await chair.click(`${NEW} button[type=submit]`);
  await chair.waitForSelector(`${NEW} .field-error:not(:empty)`);
  const err = await chair.textContent(`${NEW} .field:has(select[name=consent_basis]) .field-error`);
  t.ok('rf-1.1 the consent rule at its field', err.length > 10, err);
  await chair.selectOption(`${NEW} select[name=consent_basis]`, 'contract');
  await chair.click(`${NEW} button[type=submit]`);
  await chair.waitForSelector('section.asset[aria-label="Call-centre transcripts"]');
  await settle(chair);
  const card = 'section.asset[aria-label="Call-centre transcripts"]';
  t.ok('rf-1.2 registered, not profiled yet', (await chair.textContent(card)).includes('Not profiled yet'));

  // rf-2: a sample uploaded and profiled: the score follows
  await chair.click(`${card} [data-testid=asset-profile] summary`);
  await chair.waitForSelector(`${card} input[name=file]`);
  const rows = ['id,channel,minutes,resolved'];
  for (let i = 1; i <= 60; i++) rows.push(`${i},${i % 3 ? 'phone' : 'chat'},${(i * 7) % 23},${i % 4 ? 'yes' : 'no'}`);
  await chair.setInputFiles(`${card} input[name=file]`, { name: 'sample.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n') + '\n') });
  await chair.fill(`${card} input[name=label]`, 'resolved');
  await chair.click(`${card} [data-testid=asset-profile] button[type=submit]`);
  await chair.waitForFunction((c) => { const x = document.querySelector(c + ' .score'); return x && /\d/.test(x.textContent); }, card, { timeout: 20000 });
  await settle(chair);
  t.ok('rf-2.1 profiled: a readiness score', /Readiness \d+ of 100/.test(await chair.textContent(card)), await chair.textContent(card));
  // a label column that is not in the file is refused in words
  await chair.click(`${card} [data-testid=asset-profile] summary`);
  await chair.waitForSelector(`${card} input[name=file]`);
  await chair.setInputFiles(`${card} input[name=file]`, { name: 'sample.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n') + '\n') });
  await chair.fill(`${card} input[name=label]`, 'no_such_column');
  await chair.click(`${card} [data-testid=asset-profile] button[type=submit]`);
  await chair.waitForSelector(`${card} [data-testid=asset-profile] .field-error:not(:empty), ${card} [data-testid=asset-profile] .form-error:not([hidden])`);
  const perr = await chair.textContent(`${card} [data-testid=asset-profile] form`);
  t.ok('rf-2.2 a wrong label column refused in words', perr.includes('no_such_column'), perr.slice(0, 300));
  await shot(chair, '98-asset-forms-en');

  // rf-3: change the asset: link it to an initiative
  await chair.click(`${card} [data-testid=asset-edit] summary`);
  await chair.waitForSelector(`${card} [data-testid=asset-edit] input[name=initiative_ids]`);
  await chair.check(`${card} [data-testid=asset-edit] label.check:has-text("Agent assist") input`);
  await chair.click(`${card} [data-testid=asset-edit] button[type=submit]`);
  await chair.waitForFunction((c) => document.querySelector(c) && document.querySelector(c).textContent.includes('Agent assist'), card, { timeout: 10000 });
  t.ok('rf-3.1 linked to the initiative', true);
  t.clean('rf-3.2 clean', chair);

  // rf-4: a team member added and removed on the initiative page
  const inits = await chair.evaluate(async () => (await (await fetch('/api/v1/initiatives?limit=100')).json()).items);
  const ps = inits.find((i) => i.title === 'Production scheduling');
  await go(chair, srv.base, '/alignment/initiatives/' + ps.id);
  t.ok('rf-4.1 the missing role said', (await chair.textContent('[data-testid=team]')).includes('Still missing: Product manager'));
  await chair.click('[data-testid=team-add] summary');
  await chair.selectOption('[data-testid=team-add] select[name=person_id]', { label: 'Helena Marsh' });
  await chair.selectOption('[data-testid=team-add] select[name=skill]', 'product_manager');
  await chair.fill('[data-testid=team-add] input[name=fte]', '0.1');
  await chair.click('[data-testid=team-add] button[type=submit]');
  await chair.waitForSelector('[data-testid=team-add] .field-error:not(:empty), [data-testid=team-add] .form-error:not([hidden])');
  const terr = await chair.textContent('[data-testid=team-add] form');
  t.ok('rf-4.2 a role the person lacks refused in words', /skill/i.test(terr), terr.slice(0, 300));
  await chair.selectOption('[data-testid=team-add] select[name=person_id]', { label: 'Priya Nair' });
  await chair.click('[data-testid=team-add] button[type=submit]');
  await chair.waitForFunction(() => { const x = document.querySelector('[data-testid=team]'); return x && x.textContent.includes('Priya Nair'); }, null, { timeout: 10000 });
  await settle(chair);
  t.ok('rf-4.3 added; nothing missing now', !(await chair.textContent('[data-testid=team]')).includes('Still missing'));
  await shot(chair, '99-team-en');
  await chair.click('[data-testid=team] li:has-text("Priya Nair") > button.danger');
  const gone = await chair.waitForFunction(() => { const x = document.querySelector('[data-testid=team] ul'); return x && !x.textContent.includes('Priya Nair'); }, null, { timeout: 10000 }).then(() => true, () => false);
  t.ok('rf-4.4 removed', gone, gone || await chair.textContent('[data-testid=team]'));
  t.clean('rf-4.5 clean', chair);

  // rf-5: a viewer reads but gets no forms
  const viewer = await b.page();
  await signIn(viewer, srv.base, USERS.viewer);
  await go(viewer, srv.base, '/resources/data');
  t.eq('rf-5.1 no asset forms', await viewer.locator(`${NEW}, [data-testid=asset-edit], [data-testid=asset-profile]`).count(), 0);
  await go(viewer, srv.base, '/alignment/initiatives/' + ps.id);
  t.eq('rf-5.2 no team form', await viewer.locator('[data-testid=team-add]').count(), 0);
  t.clean('rf-5.3 clean', viewer);

  // rf-6: in Chinese
  const zh = await b.page({ locale: 'zh-CN', width: 1440, height: 900 });
  await signIn(zh, srv.base, USERS.committee);
  await go(zh, srv.base, '/resources/data');
  await zh.click(`${NEW} summary`);
  await zh.waitForSelector(`${NEW} input[name=name]`);
  t.ok('rf-6.1 the asset form in Chinese', (await zh.textContent(NEW)).includes('个人数据的合法依据'));
  await go(zh, srv.base, '/alignment/initiatives/' + ps.id);
  t.ok('rf-6.2 the team in Chinese', (await zh.textContent('[data-testid=team]')).includes('团队'));
  await shot(zh, '99-team-zh');
  t.clean('rf-6.3 clean', zh);
});
