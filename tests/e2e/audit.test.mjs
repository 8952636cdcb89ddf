// SPDX-License-Identifier: GPL-3.0-or-later
// The audit log in words (issue 15, item 6): who did what to which named
// record, linked to it; paging through every entry; filters by person,
// kind, action and day; a change's before and after as a diff; CSV export;
// in English and Chinese.
import { go, shot, run, USERS, setUp, pageAs } from './harness.mjs';

await run('e2e audit', async (t, cleanup) => {
  const { srv, b } = await setUp(cleanup);
  const p = await pageAs(b, srv.base, USERS.committee);
  await go(p, srv.base, '/admin/audit?entity=initiative');
  const first = await p.textContent('[data-testid=audit]');
  t.ok('audit-1.1 entries in words, no raw action names', /created the|changed the|scored|signed the charter/.test(first) && !/\bdata_asset_link \d/.test(first), first.slice(0, 300));
  const pager = await p.textContent('[data-testid=audit-pager]');
  const total = Number((/of ([\d,]+)/.exec(pager) || [])[1]?.replace(/,/g, ''));
  t.ok('audit-1.2 a page of 50 of every entry', pager.includes('1–50 of') && total > 100, pager);
  t.ok('audit-1.3 records linked', (await p.locator('[data-testid=audit] a[href^="#/"]').count()) > 0);
  await p.locator('[data-testid=audit-pager] button', { hasText: 'Older' }).first().click();
  await p.waitForFunction(() => /51–100 of/.test((document.querySelector('[data-testid=audit-pager]')?.textContent || '')));
  t.ok('audit-1.4 paging to older entries', true);
  // filters: a person and a kind of record
  await go(p, srv.base, '/admin/audit');
  await p.selectOption('[data-testid=audit-filters] select[name=actor]', { label: 'Grace Kim' });
  await p.selectOption('[data-testid=audit-filters] select[name=entity]', 'analysis');
  await p.click('[data-testid=audit-filters] button[type=submit]');
  await p.waitForFunction(() => /actor=/.test(location.hash) && document.querySelectorAll('[data-testid=audit] li').length === 1);
  const one = await p.textContent('[data-testid=audit]');
  t.ok('audit-2.1 filtered to Grace Kim\'s analysis, named and linked', one.includes('Grace Kim created the analysis') && one.includes('Fairness audit of Credit scoring v2')
    && (await p.locator('[data-testid=audit] a[href^="#/risk/analyses/"]').count()) === 1, one);
  // a change with its diff
  await go(p, srv.base, '/admin/audit?action=update&entity=initiative');
  await p.locator('[data-testid=audit] details.audit-diff summary').first().click();
  const d = await p.textContent('[data-testid=audit] details.audit-diff');
  t.ok('audit-3.1 before and after as a diff', d.includes('Before') && d.includes('After') && /changed/.test(d), d.slice(0, 300));
  await shot(p, 'audit-1-diff');
  // CSV of the filtered log
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid=audit-csv]')]);
  const csv = await (await import('node:fs')).promises.readFile(await download.path(), 'utf8');
  const lines = csv.trim().split(/\r\n/);
  t.ok('audit-4.1 CSV of the filtered entries', lines[0].startsWith('id,at,actor,action,entity') && lines.length > 1 && lines.slice(1).every((l) => l.includes(',update,initiative,')), lines.slice(0, 3));
  t.clean('audit-4.2 clean', p);
  // Chinese, and a day filter
  const z = await pageAs(b, srv.base, USERS.committee, { locale: 'zh-CN' });
  const today = new Date().toISOString().slice(0, 10);
  await go(z, srv.base, `/admin/audit?from=${today}&to=${today}`);
  const zt = await z.textContent('#main');
  t.ok('audit-5.1 the log in Chinese, filtered to today', zt.includes('创建了') && zt.includes('共') && !zt.includes('created the'), zt.slice(0, 300));
  await shot(z, 'audit-2-zh');
  t.clean('audit-5.2 clean', z);
});
