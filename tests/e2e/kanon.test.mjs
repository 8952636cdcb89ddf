// SPDX-License-Identifier: GPL-3.0-or-later
// k-anonymity on the data-asset page (issue 25): the demo's loyalty members
// declare city, decade of birth and sex as quasi-identifiers and the panel
// shows what the API answers — k, the threshold, the groups below it, the
// smallest group — with a verdict in words; the committee checks a CSV
// file (k counted by hand here), a wrong column is refused at its field,
// and columns may be declared from the check; a viewer and an engineer
// who does not own the asset see no figures and are told who may check;
// the same in Chinese.
import { setUp, pageAs, go, settle, shot, run, USERS } from './harness.mjs';

const LOYAL = 'section.asset[aria-label="Loyalty members (China)"]';
const SHIP = 'section.asset[aria-label="Shipment event log"]';
const PANEL = (card) => `${card} [data-testid=kanon]`;

// The API's answer for the loyalty members, fetched in the page.
const apiKanon = (page) => page.evaluate(async () => {
  const a = (await (await fetch('/api/v1/data-assets?limit=100')).json()).items.find((x) => x.name === 'Loyalty members (China)');
  return (await fetch(`/api/v1/data-assets/${a.id}/k-anonymity`)).json();
});

// Wait for a card's k-anonymity figures (or its refusal) to arrive.
const figures = (page, card) => page.waitForSelector(`${PANEL(card)} [data-testid=kanon-result]:not([data-loading]) > *`, { timeout: 15000 });

await run('e2e kanon', async (t, cleanup) => {
  const { srv, b } = await setUp(cleanup);
  const chair = await pageAs(b, srv.base, USERS.committee, { width: 1440, height: 900 });
  await go(chair, srv.base, '/resources/data');
  await chair.waitForSelector(PANEL(LOYAL));
  await figures(chair, LOYAL);
  await settle(chair);

  // ka-1: the demo's finding, as the API answers it
  const api = await apiKanon(chair);
  const text = await chair.textContent(PANEL(LOYAL));
  t.ok('ka-1.1 the declared quasi-identifiers', text.includes('Quasi-identifiers declared: city_code, birth_decade, gender.'), text.slice(0, 400));
  const res = await chair.$eval(`${PANEL(LOYAL)} .kanon-result`, (e) => ({ ...e.dataset }));
  t.ok('ka-1.2 k and threshold are the API\'s', api.k === 1 && res.k === String(api.k) && res.threshold === '5' && res.verdict === 'below',
    JSON.stringify({ api, res }));
  t.eq('ka-1.3 k shown', (await chair.textContent(`${PANEL(LOYAL)} [data-testid=kanon-k]`)).trim(), String(api.k));
  const rare = Object.entries(api.rarest.values).map(([c, v]) => `${c} = ${v}`).join(' · ');
  const rareText = await chair.textContent(`${PANEL(LOYAL)} [data-testid=kanon-rarest]`);
  t.eq('ka-1.4 the smallest group\'s values and size', rareText, `${rare} (one row)`);
  const share = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 }).format(api.rows_below / api.rows);
  t.ok('ka-1.5 the verdict in words', text.includes(`Below the threshold: ${api.rows_below} of ${api.rows} people (${share}) are in groups smaller than 5`)
    && text.includes('a single person') && text.includes('coarsen these columns'), text.slice(0, 900));
  t.ok('ka-1.6 the groups below the threshold', text.includes(`${api.classes} groups over ${api.rows} rows`)
    && text.includes(`${api.classes_below} groups holding ${api.rows_below} rows`), text.slice(0, 900));
  t.ok('ka-1.7 an exact count, what it does not say', text.includes('no false alarm') && text.includes('the sample kept on'), text.slice(-400));
  await shot(chair, '96-kanon-en');

  // ka-2: the committee checks a file on the shipment log (no columns declared)
  t.ok('ka-2.1 none declared: only the tool, folded', !(await chair.isVisible(`${PANEL(SHIP)} [data-testid=kanon-declared]`))
    && (await chair.textContent(`${PANEL(SHIP)} [data-testid=kanon-check] summary`)) === 'Check a CSV file');
  await chair.click(`${PANEL(SHIP)} [data-testid=kanon-check] summary`);
  await chair.waitForSelector(`${PANEL(SHIP)} input[name=file]`);
  const ship = await chair.textContent(PANEL(SHIP));
  t.ok('ka-2.2 none declared, how to declare', ship.includes('No quasi-identifiers are declared') && ship.includes('Change this asset'), ship.slice(0, 300));
  // by hand: depot,band -> (Lyon,a) x3, (Lyon,b) x4, (Milan,a) x6: k = 3, no group below 3
  const rows = ['id,depot,band', ...[...Array(3)].map((_, i) => `${i},Lyon,a`), ...[...Array(4)].map((_, i) => `${10 + i},Lyon,b`),
    ...[...Array(6)].map((_, i) => `${20 + i},Milan,a`)];
  const file = { name: 'sample.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n') + '\n') };
  await chair.setInputFiles(`${PANEL(SHIP)} input[name=file]`, file);
  await chair.fill(`${PANEL(SHIP)} input[name=columns]`, 'depot,band');
  await chair.fill(`${PANEL(SHIP)} input[name=threshold]`, '3');
  await chair.click(`${PANEL(SHIP)} button[type=submit]`);
  await chair.waitForSelector(`${PANEL(SHIP)} .kanon-result`, { timeout: 15000 });
  const met = await chair.textContent(PANEL(SHIP));
  t.ok('ka-2.3 the file checked: k = 3 met', met.includes('No one stands out') && met.includes('at least 2 other people (k = 3; the threshold is 3)')
    && met.includes('3 groups over 13 rows') && met.includes('depot = Lyon · band = a (3 rows)') && met.includes('the file you sent (not kept)'), met.slice(0, 900));
  // threshold 5: two groups (7 rows) below
  await chair.setInputFiles(`${PANEL(SHIP)} input[name=file]`, file);
  await chair.fill(`${PANEL(SHIP)} input[name=threshold]`, '5');
  await chair.click(`${PANEL(SHIP)} button[type=submit]`);
  await chair.waitForFunction((p) => document.querySelector(p + ' .kanon-result[data-threshold="5"]'), PANEL(SHIP), { timeout: 15000 });
  const below = await chair.textContent(PANEL(SHIP));
  t.ok('ka-2.4 threshold 5: 7 of 13 people below', below.includes('7 of 13 people (53.8%) are in groups smaller than 5')
    && below.includes('2 groups holding 7 rows') && !below.includes('a single person'), below.slice(0, 900));
  // a column the file lacks: refused at its field, in words
  await chair.setInputFiles(`${PANEL(SHIP)} input[name=file]`, file);
  await chair.fill(`${PANEL(SHIP)} input[name=columns]`, 'depot,shoe_size');
  await chair.click(`${PANEL(SHIP)} button[type=submit]`);
  await chair.waitForSelector(`${PANEL(SHIP)} .field:has(input[name=columns]) .field-error:not(:empty)`, { timeout: 15000 });
  t.ok('ka-2.5 the wrong column refused at its field', (await chair.textContent(`${PANEL(SHIP)} .field:has(input[name=columns]) .field-error`)).includes('shoe_size'));
  // declared from the check
  await chair.setInputFiles(`${PANEL(SHIP)} input[name=file]`, file);
  await chair.fill(`${PANEL(SHIP)} input[name=columns]`, 'depot,band');
  await chair.check(`${PANEL(SHIP)} input[name=declare]`);
  await chair.click(`${PANEL(SHIP)} button[type=submit]`);
  await chair.waitForFunction((p) => document.querySelector(p + ' [data-testid=kanon-declared]').textContent.includes('depot, band'), PANEL(SHIP), { timeout: 15000 });
  const stored = await chair.evaluate(async () => (await (await fetch('/api/v1/data-assets?limit=100')).json()).items.find((x) => x.name === 'Shipment event log').quasi_identifiers);
  t.eq('ka-2.6 declared on the asset', stored, 'depot,band');
  await shot(chair, '96-kanon-check-en');
  t.clean('ka-2.7 clean', chair);

  // ka-3: a viewer and an engineer who does not own the asset: told who may
  for (const [id, who] of [['ka-3.1', USERS.viewer], ['ka-3.2', USERS.engineer]]) {
    const p = await pageAs(b, srv.base, who, { width: 1280, height: 900 });
    await go(p, srv.base, '/resources/data');
    await p.waitForFunction((c) => { const x = document.querySelector(c + ' [data-testid=kanon-who]'); return x && !x.textContent.includes('…'); }, LOYAL, { timeout: 15000 });
    const w = await p.textContent(PANEL(LOYAL));
    t.ok(id + ' told who may check, no figures', w.includes('checked by the asset’s owner (Sofia Alvarez), the AI committee and admins')
      && !(await p.$(`${PANEL(LOYAL)} .kanon-result`)) && !(await p.$(`${PANEL(LOYAL)} [data-testid=kanon-check]`)), w.slice(0, 500));
    t.clean(id + ' clean', p);
    await p.close();
  }
  // the owner sees the figures
  const owner = await pageAs(b, srv.base, USERS.owner, { width: 1280, height: 900 });
  await go(owner, srv.base, '/resources/data');
  await figures(owner, LOYAL);
  t.eq('ka-3.3 the owner sees k', (await owner.textContent(`${PANEL(LOYAL)} [data-testid=kanon-k]`)).trim(), String(api.k));
  t.clean('ka-3.4 clean', owner);

  // ka-4: in Chinese
  const zh = await pageAs(b, srv.base, USERS.committee, { locale: 'zh-CN', width: 1440, height: 900 });
  await go(zh, srv.base, '/resources/data');
  await figures(zh, LOYAL);
  await settle(zh);
  const ztext = await zh.textContent(PANEL(LOYAL));
  t.ok('ka-4.1 the panel in Chinese', ztext.includes('能否从数据中认出具体的人') && ztext.includes('已声明的准标识符：city_code、birth_decade、gender')
    && ztext.includes(`低于阈值：${api.rows} 人中有 ${api.rows_below} 人`) && ztext.includes('最小的分组只有一个人') && ztext.includes('不会误报'), ztext.slice(0, 700));
  await shot(zh, '96-kanon-zh');
  t.clean('ka-4.2 clean', zh);
  const zv = await pageAs(b, srv.base, USERS.viewer, { locale: 'zh-CN', width: 1280, height: 900 });
  await go(zv, srv.base, '/resources/data');
  await zv.waitForFunction((c) => { const x = document.querySelector(c + ' [data-testid=kanon-who]'); return x && !x.textContent.includes('…'); }, LOYAL, { timeout: 15000 });
  const zw = await zv.textContent(PANEL(LOYAL));
  t.ok('ka-4.3 who may, in Chinese', zw.includes('k-匿名性由资产负责人（Sofia Alvarez）、AI 委员会和管理员检查'), zw.slice(0, 400));
  t.clean('ka-4.4 clean', zv);
});
