// SPDX-License-Identifier: GPL-3.0-or-later
// The demo keeps its age (issue 15, item 9): with keel's clock a year
// ahead (KEEL_NOW) for `keel demo` and `keel serve`, the dashboard and the
// pools page show the same findings as the demo loaded today — the idle
// private cluster, an over-committed pool, KPIs off track — and the
// plan starts in that clock's current quarter.
import { go, shot, run, USERS, setUp, pageAs } from './harness.mjs';

const now = new Date();
const ahead = `${now.getUTCFullYear() + 1}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-${String(Math.min(now.getUTCDate(), 28)).padStart(2, '0')}`;
const quarter = `${now.getUTCFullYear() + 1}Q${Math.floor(now.getUTCMonth() / 3) + 1}`;

await run('e2e demo clock', async (t, cleanup) => {
  const { srv, b } = await setUp(cleanup, { env: { KEEL_NOW: ahead } });
  const p = await pageAs(b, srv.base, USERS.committee);
  await go(p, srv.base, '/');
  const res = await p.textContent('[data-testid=resources-headline]');
  t.ok('clock-1.1 idle and over-committed pools on the dashboard a year ahead', /^1\s*idle.*2\s*over-committed/.test(res), res);
  const att = await p.textContent('.home .findings');
  t.ok('clock-1.2 KPIs off track a year ahead', /off track/i.test(att), att);
  await shot(p, 'clock-1-home');
  await go(p, srv.base, '/resources');
  const flags = await p.textContent('[data-testid=pool-flags]');
  t.ok('clock-1.3 the cluster idle a year ahead', flags.includes('Private GPU cluster, Suzhou data centre is idle'), flags);
  t.ok('clock-1.4 a pool over-committed a year ahead', flags.includes('is over-committed'), flags);
  await go(p, srv.base, '/resources/plan');
  const facts = await p.textContent('.plan-page');
  t.ok('clock-1.5 the plan starts in the clock\'s current quarter', facts.includes(`Q${quarter.slice(-1)} FY${quarter.slice(0, 4)} to`), facts.slice(0, 600));
  t.clean('clock-1.6 clean', p);
});
