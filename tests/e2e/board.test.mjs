// SPDX-License-Identifier: GPL-3.0-or-later
// The board pack from the browser: the committee's home page offers the
// current quarter and the three before, both languages, and downloads the
// pack as PDF (a click that saves a file) and as HTML; the words are
// Chinese when the UI is; a viewer is not offered the pack.
import fs from 'node:fs';
import { go, shot, run, USERS, setUp, pageAs } from './harness.mjs';

await run('e2e board', async (t, cleanup) => {
  const { srv, b } = await setUp(cleanup);

  const chair = await pageAs(b, srv.base, USERS.committee);
  await go(chair, srv.base, '/');
  const panel = chair.locator('[data-testid=board-pack]');
  t.eq('board-ui-1.1 the panel is there', await panel.count(), 1);
  const periods = await chair.locator('[data-testid=board-period] option').evaluateAll((os) => os.map((o) => o.value));
  const labels = await chair.locator('[data-testid=board-period] option').allTextContents();
  t.ok('board-ui-1.2 four quarters, newest first', periods.length === 4 && /^\d{4}Q[1-4]$/.test(periods[0]) && periods[0] > periods[3], periods);
  // one period format across pages: "Q3 FY2026", as the charts and tables say
  t.ok('board-ui-1.2b quarters worded as on every page', labels.every((l) => /^Q[1-4] FY\d{4}$/.test(l)), labels);
  const [download] = await Promise.all([chair.waitForEvent('download'), chair.click('[data-testid=board-pdf]')]);
  const file = await download.path();
  const head = fs.readFileSync(file).subarray(0, 5).toString();
  t.ok('board-ui-1.3 the PDF downloads', head === '%PDF-' && download.suggestedFilename() === `board-${periods[0]}-en.pdf`,
    [head, download.suggestedFilename()]);
  await chair.selectOption('[data-testid=board-lang]', 'zh-CN');
  await chair.selectOption('[data-testid=board-period]', periods[1]);
  const href = await chair.getAttribute('[data-testid=board-html]', 'href');
  t.ok('board-ui-1.4 the link follows the choices', href.includes(`period=${periods[1]}`) && href.includes('lang=zh-CN') && href.includes('format=html'), href);
  const r = await chair.context().request.get(srv.base + href);
  const body = await r.text();
  t.ok('board-ui-1.5 the HTML pack in Chinese', r.status() === 200 && body.includes('战略计分卡') && body.includes(periods[1]), r.status());
  await shot(chair, '70-board-panel');
  t.clean('board-ui-1.6 clean', chair);

  const zh = await pageAs(b, srv.base, USERS.admin, { locale: 'zh-CN' });
  await go(zh, srv.base, '/');
  const words = await zh.textContent('[data-testid=board-pack]');
  t.ok('board-ui-2.1 the panel in Chinese', words.includes('下载 PDF') && words.includes('季度'), words);
  t.eq('board-ui-2.2 the language defaults to the UI\'s', await zh.inputValue('[data-testid=board-lang]'), 'zh-CN');
  t.clean('board-ui-2.3 clean', zh);

  const viewer = await pageAs(b, srv.base, USERS.viewer);
  await go(viewer, srv.base, '/');
  t.eq('board-ui-3.1 no pack for a viewer', await viewer.locator('[data-testid=board-pack]').count(), 0);
  t.clean('board-ui-3.2 clean', viewer);
});
