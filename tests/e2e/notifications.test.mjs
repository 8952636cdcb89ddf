// SPDX-License-Identifier: GPL-3.0-or-later
// Notifications in the browser (issue 23): the unread count in the
// header; the inbox lists what needs the person, opening an item marks it
// read and goes to it; preferences (a must-reach kind offers no "off");
// the inbox in Chinese for a person whose browser is Chinese; the admin's
// e-mail settings and a test send to a real local SMTP server
// (python3 -m aiosmtpd) with the conversation shown.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { startServer, launch, signIn, go, shot, run, USERS, settle } from './harness.mjs';

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function waitPort(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((r) => {
      const c = net.connect(port, '127.0.0.1', () => { c.end(); r(true); });
      c.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the SMTP server did not start');
}

await run('e2e notifications', async (t, cleanup) => {
  const srv = await startServer();
  cleanup.push(() => srv.stop());
  const b = await launch();
  cleanup.push(() => b.close());

  // ---- the chair's inbox ----
  const chair = await b.page();
  await signIn(chair, srv.base, USERS.committee);
  await go(chair, srv.base, '/');
  await chair.waitForFunction(() => { const c = document.getElementById('inbox-count'); return c && !c.hidden; });
  const n0 = Number(await chair.textContent('#inbox-count'));
  t.ok('notif-ui-1.1 the header counts unread items', n0 >= 1, n0);
  await go(chair, srv.base, '/inbox');
  const items = chair.locator('.inbox-item.unread');
  t.eq('notif-ui-1.2 one entry per unread item', await items.count(), n0);
  // (the chair's inbox also holds the votes due, such as the dispute over a definition keel sent)
  const charter = items.filter({ hasText: 'Sign the charter of' }).first();
  const first = await charter.textContent();
  t.ok('notif-ui-1.3 an entry says what to do', first.includes('Sign the charter of') && first.includes('Charter signature'), first);
  await shot(chair, '80-inbox-en');
  await charter.locator('a').click();
  await chair.waitForURL(/#\/alignment\/initiatives\/\d+/);
  await settle(chair);
  await chair.waitForFunction((n) => document.getElementById('inbox-count').textContent === String(n - 1) ||
    (n === 1 && document.getElementById('inbox-count').hidden), n0);
  t.ok('notif-ui-1.4 opening it marked it read', true);
  await go(chair, srv.base, '/inbox');
  t.eq('notif-ui-1.5 one read entry now', await chair.locator('.inbox-item.read').count(), 1);
  t.clean('notif-ui-1.6 clean', chair);

  // ---- preferences ----
  await go(chair, srv.base, '/me');
  const labels = await chair.locator('#main label').allTextContents();
  t.ok('notif-ui-2.1 a choice per kind', labels.some((l) => l.includes('Ethics review overdue')) && labels.some((l) => l.includes('Language of e-mail')), labels);
  const must = chair.locator('select[name=ethics_review_overdue] option');
  const mustModes = await must.evaluateAll((os) => os.map((o) => o.value));
  t.ok('notif-ui-2.2 a must-reach kind cannot be off', !mustModes.includes('off') && mustModes.includes('digest'), mustModes);
  await chair.selectOption('select[name=risk_overdue]', 'off');
  await chair.selectOption('select[name=locale]', 'zh-CN');
  await chair.click('#main form button[type=submit]');
  await chair.waitForSelector('#main .form-note:has-text("Saved")');
  const prefs = await chair.evaluate(async () => (await fetch('/api/v1/me/preferences')).json());
  t.ok('notif-ui-2.3 saved', prefs.locale === 'zh-CN' && prefs.kinds.find((k) => k.kind === 'risk_overdue').mode === 'off', prefs);
  t.clean('notif-ui-2.4 clean', chair);

  // ---- Chinese ----
  const zh = await b.page({ locale: 'zh-CN' });
  await signIn(zh, srv.base, 'wei.zhang@meridian.example');
  await go(zh, srv.base, '/inbox');
  const page = await zh.textContent('#main');
  t.ok('notif-ui-3.1 the inbox in Chinese', page.includes('收件箱') && page.includes('请签署') && page.includes('章程签署'), page.slice(0, 300));
  t.ok('notif-ui-3.2 the header link in Chinese', (await zh.textContent('#inbox-link')).includes('收件箱'));
  await shot(zh, '81-inbox-zh');
  await go(zh, srv.base, '/me');
  t.ok('notif-ui-3.3 preferences in Chinese', (await zh.textContent('#main')).includes('每日摘要'));
  t.clean('notif-ui-3.4 clean', zh);

  // ---- the viewer has nothing to do ----
  const viewer = await b.page();
  await signIn(viewer, srv.base, USERS.viewer);
  await go(viewer, srv.base, '/inbox');
  t.ok('notif-ui-4.1 an empty inbox says so', (await viewer.textContent('#main')).includes('Nothing needs you right now'));
  t.clean('notif-ui-4.2 clean', viewer);

  // ---- the admin's e-mail settings and a test send ----
  const port = await freePort();
  const smtp = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`], { stdio: 'ignore' });
  cleanup.push(async () => { smtp.kill(); });
  await waitPort(port);
  const admin = await b.page();
  await signIn(admin, srv.base, USERS.admin);
  await go(admin, srv.base, '/admin/settings');
  await admin.fill('input[name=smtp_url]', `smtp://127.0.0.1:${port}`);
  await admin.selectOption('select[name=smtp_tls]', 'off');
  await admin.fill('input[name=smtp_from]', 'keel@meridian.example');
  const mailForm = admin.locator('form').filter({ has: admin.locator('input[name=smtp_url]') });
  await mailForm.locator('button[type=submit]').click();
  await mailForm.locator('.form-note:has-text("Saved")').waitFor();
  const testForm = admin.locator('form').filter({ has: admin.locator('input[name=to]') });
  await testForm.locator('button[type=submit]').click();
  await admin.waitForSelector('[data-testid=smtp-test-out] .notice');
  const out = await admin.textContent('[data-testid=smtp-test-out]');
  t.ok('notif-ui-5.1 the test send and its conversation', out.includes('the server accepted it') && out.includes('250') && out.includes('RCPT TO:<admin@meridian.example>'), out.slice(0, 600));
  await shot(admin, '82-settings-mail');
  t.clean('notif-ui-5.2 clean', admin);
});
