// SPDX-License-Identifier: GPL-3.0-or-later
// The README's tour of the demo (tour-N): every page name it gives in
// bold is a page or tab of the English UI and every name in Chinese
// brackets one of the Chinese UI; each page of the tour opens on the demo,
// signed in as the CEO, in en and zh-CN at a phone's 390 px, with its
// heading, no console error, and nothing wider than the screen.
import fs from 'node:fs';
import path from 'node:path';
import { run, setUp, pageAs, go, shot, USERS } from './harness.mjs';

const SRC = process.env.KEEL_SOURCE_DIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const en = (await import(path.join(SRC, 'web/i18n/en.js'))).default;
const zh = (await import(path.join(SRC, 'web/i18n/zh-CN.js'))).default;

// the pages of the tour: route, English heading, Chinese heading
const PAGES = [
  ['/', 'page.home'], ['/alignment/map', 'page.map'], ['/alignment/priorities', 'page.priorities'],
  ['/resources/pools', 'page.pools'], ['/resources/plan', 'page.plan'], ['/resources/teams', 'page.teams'],
  ['/resources/data', 'page.assets'], ['/risk/systems', 'page.systems'], ['/risk/register', 'page.riskmap'],
  ['/risk/reviews', 'page.reviews'], ['/risk/switches', 'page.switches'], ['/risk/production', 'page.production'],
  ['/risk/compliance', 'page.compliance'], ['/risk/calendar', 'page.calendar'], ['/risk/soa', 'page.soa'],
  ['/organisation/committee', 'page.committee'], ['/organisation/decisions', 'page.decisions'],
  ['/organisation/training', 'page.training'], ['/organisation/definitions', 'page.definitions'],
  ['/organisation/slips', 'page.slips'], ['/iteration/reviews', 'page.qreviews'], ['/iteration/actions', 'page.actions'],
  ['/iteration/radar', 'page.radar'], ['/inbox', 'page.inbox'],
];

await run('e2e tour', async (t, cleanup) => {
  // tour-1: the README's names are the UI's
  const readme = fs.readFileSync(path.join(SRC, 'README.md'), 'utf8');
  const section = readme.split('## The demo, path by path')[1].split('\n## ')[0];
  const rows = section.split('\n').filter((l) => /^\| \d+ \|/.test(l));
  t.ok('tour-1.0 the tour has its steps', rows.length >= 7, rows.length);
  const enNames = new Set(Object.values(en).map((s) => String(s).trim()));
  const zhNames = new Set(Object.values(zh).map((s) => String(s).trim()));
  for (const row of rows) {
    const where = row.split(' | ')[1];
    for (const m of where.matchAll(/\*\*([^*]+)\*\*/g)) {
      for (const name of m[1].split(' → ')) t.ok('tour-1.1 ' + name, enNames.has(name), `README names "${name}", not a UI word`);
    }
    for (const m of where.matchAll(/\(([^)]*[\u4e00-\u9fff][^)]*)\)/g)) {
      for (const name of m[1].split(/ → |, /)) t.ok('tour-1.2 ' + name, zhNames.has(name), `README names "${name}", not a zh-CN UI word`);
    }
  }

  // tour-2: each page in both languages on a phone
  const { srv, b } = await setUp(cleanup);
  for (const locale of ['en-GB', 'zh-CN']) {
    const cat = locale === 'en-GB' ? en : zh;
    const page = await pageAs(b, srv.base, USERS.committee, { locale, width: 390, height: 844 });
    for (const [route, key] of PAGES) {
      await go(page, srv.base, route);
      const h1 = (await page.textContent('#main h1')) || '';
      t.ok(`tour-2.1 ${locale} ${route} heading`, route === '/' ? h1.length > 0 : h1.trim() === cat[key], `${h1} vs ${cat[key]}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      t.ok(`tour-2.2 ${locale} ${route} fits 390 px`, wide <= 1, `${wide} px wider than the screen`);
      t.clean(`tour-2.3 ${locale} ${route}`, page);
    }
    await shot(page, `tour-${locale}-committee`);
  }
});
