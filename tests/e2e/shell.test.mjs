// SPDX-License-Identifier: GPL-3.0-or-later
// The UI's frame: how index.html and the assets are served (CSP, caching,
// content types, 404s), signing in and out, each role's name and
// navigation, the paths not built yet, the organisation and admin pages
// (forms showing the server's errors field by field), tokens, settings,
// and switching to Chinese.
import { signIn, signOut, go, settle, shot, run, USERS, setUp, pageAs } from './harness.mjs';

await run('e2e shell', async (t, cleanup) => {
  const { srv, b } = await setUp(cleanup);

  // shell-1: serving
  let r = await fetch(srv.base + '/');
  const html = await r.text();
  t.eq('shell-1.1 / status', r.status, 200);
  t.ok('shell-1.2 / type', (r.headers.get('content-type') || '').startsWith('text/html'), r.headers.get('content-type'));
  t.eq('shell-1.3 / no-store', r.headers.get('cache-control'), 'no-store');
  const csp = r.headers.get('content-security-policy') || '';
  t.ok('shell-1.4 CSP', /script-src 'self'/.test(csp) && /style-src 'self'/.test(csp) && !/unsafe/.test(csp) && /default-src 'none'/.test(csp), csp);
  const m = /\/assets\/([0-9a-f]{16})\/app\.js/.exec(html);
  t.ok('shell-1.5 hashed asset path', !!m, html);
  t.ok('shell-1.6 no inline script or style', !/<script(?![^>]*\bsrc=)[^>]*>/.test(html) && !/<style|style=/.test(html), html);
  const hash = m ? m[1] : 'x';
  r = await fetch(`${srv.base}/assets/${hash}/app.js`);
  t.eq('shell-1.7 asset status', r.status, 200);
  t.ok('shell-1.8 asset type', (r.headers.get('content-type') || '').startsWith('text/javascript'), r.headers.get('content-type'));
  t.eq('shell-1.9 immutable', r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  r = await fetch(`${srv.base}/assets/${hash}/css/app.css`);
  t.ok('shell-1.10 css type', (r.headers.get('content-type') || '').startsWith('text/css'), r.headers.get('content-type'));
  r = await fetch(`${srv.base}/assets/${hash}/vendor/echarts.esm.min.js`);
  t.ok('shell-1.11 echarts embedded', r.status === 200 && (await r.arrayBuffer()).byteLength > 500000, r.status);
  for (const [i, p] of [`/assets/0000000000000000/app.js`, `/assets/${hash}/nope.js`, `/assets/${hash}/../app.js`,
    `/assets/${hash}/%2e%2e/app.js`, `/assets/${hash}/index.html`, `/assets/${hash}`, '/index.html', '/app.js', '/etc/passwd'].entries()) {
    r = await fetch(srv.base + p);
    t.eq(`shell-1.12.${i} 404 ${p}`, r.status, 404);
  }
  r = await fetch(srv.base + '/', { method: 'POST' });
  t.eq('shell-1.13 POST / is 405', r.status, 405);

  // shell-2: sign-in page, wrong password, each role
  const page = await b.page();
  await page.goto(srv.base + '/');
  await page.waitForSelector('form.signin-form');
  t.ok('shell-2.1 sign-in page', (await page.textContent('h1')) === 'Sign in', await page.textContent('h1'));
  await shot(page, '01-signin');
  await page.click('form.signin-form button[type=submit]');
  t.ok('shell-2.2 client-side required', (await page.locator('.field-error').first().textContent()).includes('Required'));
  await page.fill('input[name=email]', USERS.admin);
  await page.fill('input[name=password]', 'not-the-password');
  await page.click('form.signin-form button[type=submit]');
  await page.waitForSelector('.form-error:not([hidden])');
  t.ok('shell-2.3 wrong password in words', (await page.textContent('.form-error')).includes('Wrong e-mail address or password'), await page.textContent('.form-error'));
  t.clean('shell-2.4 clean', page);

  const names = { admin: 'Meridian Admin', committee: 'Helena Marsh', owner: 'Sofia Alvarez', engineer: 'Kenji Sato', risk: 'Grace Kim', viewer: 'Olivia Brown' };
  const roleLabel = { admin: 'Administrator', committee: 'AI committee', owner: 'Business owner', engineer: 'ML engineer', risk: 'Risk & compliance', viewer: 'Viewer' };
  for (const [role, email] of Object.entries(USERS)) {
    const p = await pageAs(b, srv.base, email);
    await settle(p);
    const who = await p.textContent('#who');
    t.ok(`shell-3.1 ${role} name and role`, who.includes(roleLabel[role]) && (role === 'admin' || who.includes(names[role])), who);
    const nav = await p.locator('nav.mainnav a').allTextContents();
    t.ok(`shell-3.2 ${role} five paths`, ['Alignment', 'Resources', 'Risk', 'Organisation', 'Iteration'].every((x) => nav.includes(x)), nav);
    t.eq(`shell-3.3 ${role} admin menu`, nav.includes('Administration'), role === 'admin' || role === 'committee');
    if (role === 'committee') {
      await go(p, srv.base, '/admin/accounts');
      const tabs = await p.locator('nav.tabs a').allTextContents();
      t.ok('shell-3.4 committee sees audit, not accounts', tabs.includes('Audit log') && !tabs.includes('Accounts'), tabs);
    }
    await go(p, srv.base, '/organisation/people');
    const rows = await p.locator('[data-testid=people] tbody tr').count();
    t.ok(`shell-3.5 ${role} people`, rows >= 10, rows);
    const canEdit = await p.locator('[data-testid=people] button', { hasText: 'Edit' }).count();
    t.eq(`shell-3.6 ${role} edit offered only to admins`, canEdit > 0, role === 'admin');
    t.clean(`shell-3.7 ${role} clean`, p);
    if (role === 'owner') {
      await go(p, srv.base, '/');
      await shot(p, '02-home-owner');
    }
    await signOut(p);
    t.ok(`shell-3.8 ${role} signed out`, await p.isVisible('form.signin-form'));
    await p.reload();
    await p.waitForSelector('form.signin-form');
  }

  // shell-4: every path is built now (the committee was the last, issue 21)
  await signIn(page, srv.base, USERS.admin);
  await go(page, srv.base, '/organisation/committee');
  t.ok('shell-4.1 organisation/committee built', (await page.textContent('#main')).includes('How the committee decides'));
  await go(page, srv.base, '/risk/analyses');
  t.ok('shell-4.1 analyses: no "still to come" for parts that are built', !(await page.textContent('#main')).includes('still to come'));
  await go(page, srv.base, '/');
  t.ok('shell-4.1 home: no path "partly built"', !(await page.textContent('#main')).includes('partly built'));
  await go(page, srv.base, '/organisation/units');
  t.ok('shell-4.2 units', (await page.locator('[data-testid=units] tbody tr').count()) >= 10);
  await page.fill('[data-testid=units] input[type=search]', 'Plant');
  t.eq('shell-4.3 filter', await page.locator('[data-testid=units] tbody tr').count(), 2);
  await shot(page, '04-units');

  // shell-5: admin accounts: the server's error shown at its field, then create
  await go(page, srv.base, '/admin/accounts');
  await shot(page, '05-accounts');
  const f = page.locator('section.panel form');
  await f.locator('input[name=email]').fill('sofia.alvarez@meridian.example');
  await f.locator('input[name=name]').fill('Sofia again');
  await f.locator('select[name=role]').selectOption('viewer');
  await f.locator('input[name=password]').fill('short');
  await f.locator('button[type=submit]').click();
  t.ok('shell-5.1 client check of length', (await f.locator('.field-error').allTextContents()).join(' ').includes('At least 10 characters'));
  await f.locator('input[name=password]').fill('a-long-enough-password');
  await f.locator('button[type=submit]').click();
  await page.waitForSelector('section.panel form [aria-invalid=true]');
  const err = await f.locator('.field-error').allTextContents();
  t.ok('shell-5.2 server conflict at the email field', await f.locator('input[name=email][aria-invalid=true]').count() === 1 && err.join(' ').length > 0, err);
  await f.locator('input[name=email]').fill('new.viewer@meridian.example');
  await f.locator('button[type=submit]').click();
  await page.waitForSelector('[data-testid=accounts] td:text("new.viewer@meridian.example")');
  t.ok('shell-5.3 account created', true);
  const row = page.locator('[data-testid=accounts] tr', { hasText: 'new.viewer@meridian.example' });
  await row.locator('button', { hasText: 'Disable' }).click();
  await page.waitForSelector('[data-testid=accounts] tr:has-text("new.viewer@meridian.example") .pill-off');
  t.ok('shell-5.4 account disabled', true);
  t.clean('shell-5.5 clean', page);

  // shell-6: tokens: shown once
  await go(page, srv.base, '/admin/tokens');
  const tf = page.locator('section.panel form');
  await tf.locator('input[name=name]').fill('e2e script');
  await tf.locator('button[type=submit]').click();
  await page.waitForSelector('#new-token');
  t.ok('shell-6.1 token shown once', /^kt_/.test(await page.textContent('#new-token')));
  await shot(page, '06-tokens');

  // shell-7: settings
  await go(page, srv.base, '/admin/settings');
  await page.selectOption('select[name=currency]', 'CNY');
  await page.click('main form button[type=submit]');
  await page.waitForSelector('.form-note:text("Saved.")');
  t.ok('shell-7.1 settings saved', true);
  await page.fill('input[name=name]', '');
  await page.click('main form button[type=submit]');
  t.ok('shell-7.2 required name', (await page.locator('.field-error').first().textContent()).includes('Required'));

  // shell-8: Chinese via the switch; kept across reloads; errors translated
  await go(page, srv.base, '/organisation/units');
  await page.selectOption('header select.locale', 'zh-CN');
  await page.waitForSelector('nav.mainnav a:text("战略对齐")');
  const nav = await page.locator('nav.mainnav a').allTextContents();
  t.ok('shell-8.1 Chinese navigation', ['战略对齐', '资源配置', '风险控制', '组织协同', '持续迭代'].every((x) => nav.includes(x)), nav);
  t.eq('shell-8.2 lang attribute', await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.reload();
  await settle(page);
  t.ok('shell-8.3 choice kept', (await page.textContent('h1')) === '业务单元', await page.textContent('h1'));
  const uf = page.locator('section.panel form');
  await uf.locator('input[name=name]').fill('Marketing');
  await uf.locator('select[name=kind]').selectOption('department');
  await uf.locator('button[type=submit]').click();
  await page.waitForSelector('section.panel form [aria-invalid=true]');
  const zerr = await uf.locator('.field-error').first().textContent();
  t.ok('shell-8.4 server error translated by code', zerr.includes('冲突') && zerr.includes("already has name 'Marketing'"), zerr);
  await shot(page, '07-units-zh');
  await go(page, srv.base, '/organisation/committee');
  t.ok('shell-8.5 the committee in Chinese', (await page.textContent('#main')).includes('委员会如何决策'));
  t.clean('shell-8.6 clean', page);

  // shell-9: a browser whose language is Chinese starts in Chinese
  const zp = await b.page({ locale: 'zh-CN' });
  await zp.goto(srv.base + '/');
  await zp.waitForSelector('form.signin-form');
  t.eq('shell-9.1 zh-CN browser', await zp.textContent('h1'), '登录');
  await shot(zp, '08-signin-zh');

  // shell-10: tablet width, keyboard
  const tp = await pageAs(b, srv.base, USERS.committee, { width: 820, height: 1180 });
  await settle(tp);
  await shot(tp, '09-home-tablet');
  await tp.keyboard.press('Tab');
  const focused = await tp.evaluate(() => document.activeElement && document.activeElement.textContent);
  t.ok('shell-10.1 skip link first', focused && focused.includes('Skip'), focused);
  t.clean('shell-10.2 clean', tp);

  // shell-11: a session that ends (cookie gone) returns to sign-in, saying so
  await tp.context().clearCookies();
  await tp.click('nav.mainnav a[data-nav=organisation]');
  await tp.waitForSelector('form.signin-form');
  t.ok('shell-11.1 session ended said', (await tp.textContent('.signin-card')).includes('Your session has ended'));
  await tp.fill('input[name=email]', USERS.committee);
  await tp.fill('input[name=password]', 'keel-demo-2026');
  await tp.click('form.signin-form button[type=submit]');
  await tp.waitForSelector('header.top .who-name');
  await settle(tp);
  t.eq('shell-11.2 back where the user was', await tp.textContent('h1'), 'Business units');
  t.clean('shell-11.3 clean', tp);
});
