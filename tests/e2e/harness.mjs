// SPDX-License-Identifier: GPL-3.0-or-later
// Harness for keel's browser tests: a real `keel serve` on a free loopback
// port over a fresh demo database (keel init + keel demo, KEEL_FAST_PWHASH
// for speed), Debian's chromium driven by playwright-core (never a
// downloaded browser), a page that fails the test on any console error,
// CSP violation or uncaught exception, screenshots in the build directory
// (or $KEEL_SHOTS), and numbered checks in the style of the API tests.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const SRC = process.env.KEEL_SOURCE_DIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const KEEL = process.env.KEEL_BIN || path.join(SRC, 'build/keel');
const require = createRequire(path.join(SRC, 'package.json'));
const { chromium } = require('playwright-core');

export const PASSWORD = 'keel-demo-2026';
export const USERS = {
  admin: 'admin@meridian.example',
  committee: 'helena.marsh@meridian.example',
  owner: 'sofia.alvarez@meridian.example',
  engineer: 'kenji.sato@meridian.example',
  risk: 'grace.kim@meridian.example',
  viewer: 'olivia.brown@meridian.example',
};

export const SHOTS = process.env.KEEL_SHOTS || path.join(path.dirname(KEEL), 'e2e-shots');

// Start keel over a fresh demo database (extra environment in opts.env,
// e.g. KEEL_NOW to set keel's clock). Returns {base, stop()}.
export async function startServer(opts = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-e2e-'));
  const db = path.join(dir, 'keel.db');
  const env = { ...process.env, KEEL_FAST_PWHASH: '1', ...(opts.env || {}) };
  execFileSync(KEEL, ['init', '--db', db], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  // keel demo generates a password unless given one; the tests give theirs
  const pwFile = path.join(dir, 'demo-password');
  fs.writeFileSync(pwFile, PASSWORD + '\n');
  execFileSync(KEEL, ['demo', '--db', db, '--password-file', pwFile], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const log = fs.openSync(path.join(dir, 'serve.log'), 'w');
  const proc = spawn(KEEL, ['serve', '--db', db, '--listen', '127.0.0.1:0'], { env, stdio: ['ignore', 'pipe', log] });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('keel serve did not start: ' + out)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`keel serve exited ${code}: ${fs.readFileSync(path.join(dir, 'serve.log'), 'utf8')}`)); });
  });
  proc.removeAllListeners('exit');
  return {
    base, dir, db,
    async stop() {
      if (proc.exitCode !== null) return;
      const done = new Promise((r) => proc.on('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([done, new Promise((r) => setTimeout(r, 10000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Debian's chromium, headless, with a fresh profile.
export async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-chromium-'));
  const args = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args,
    env: { ...process.env, HOME: profile } });
  const contexts = [];
  return {
    browser,
    // A new page (own cookies) in the given locale; problems[] collects
    // console errors, CSP violations and page errors.
    async page({ locale = 'en-GB', width = 1366, height = 900 } = {}) {
      const ctx = await browser.newContext({ locale, viewport: { width, height } });
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.problems = [];
      // Refused API calls (401 before sign-in, 409 shown in a form) are
      // logged by the browser as failed loads: expected, not problems.
      page.on('console', (m) => {
        if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) page.problems.push('console: ' + m.text());
      });
      page.on('pageerror', (e) => page.problems.push('pageerror: ' + e.message));
      return page;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function signIn(page, base, email, password = PASSWORD) {
  await page.goto(base + '/');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('form.signin-form button[type=submit]');
  try {
    await page.waitForSelector('header.top .who-name', { timeout: 15000 });
  } catch (e) {
    throw new Error(`sign-in as ${email} failed: ${page.problems.join('; ')} | ${(await page.textContent('body')).slice(0, 400)}`);
  }
}

// The start of a browser test: keel over a fresh demo (opts as startServer)
// and a browser, both stopped by cleanup. Returns {srv, b}.
export async function setUp(cleanup, opts = {}) {
  const srv = await startServer(opts);
  cleanup.push(() => srv.stop());
  const b = await launch();
  cleanup.push(() => b.close());
  return { srv, b };
}

// A new page of browser b (page options as b.page) signed in as email.
export async function pageAs(b, base, email, pageOpts = {}) {
  const page = await b.page(pageOpts);
  await signIn(page, base, email);
  return page;
}

// Sign in through the API, for setting up data the pages under test do not
// create. Returns {base, cookie, csrf, account, fetch(method, path, body,
// csv)}: fetch sends body (JSON, or CSV text when csv) to /api/v1 + path
// with the session's cookie and CSRF token and returns the Response.
export async function apiSession(base, email, password = PASSWORD) {
  const r = await fetch(base + '/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }) });
  const j = await r.json();
  const s = { base, cookie: (r.headers.get('set-cookie') || '').split(';')[0], csrf: j.csrf_token, account: j.account_id };
  s.fetch = (method, apiPath, body, csv) => fetch(base + '/api/v1' + apiPath, { method, headers: {
    'Content-Type': csv ? 'text/csv' : 'application/json', Cookie: s.cookie, 'X-CSRF-Token': s.csrf },
  body: body === undefined ? undefined : csv ? body : JSON.stringify(body) });
  return s;
}

export async function signOut(page) {
  await page.click('header.top button.signout');
  await page.waitForSelector('form.signin-form');
}

// Go to a hash route and wait until the page has rendered (no "Loading").
export async function go(page, base, hash) {
  await page.goto(base + '/#' + hash);
  await settle(page);
}

export async function settle(page) {
  await page.waitForSelector('#main .page > :not(.loading)', { timeout: 15000 });
  await page.waitForFunction(() => [...document.querySelectorAll('.chart')].every((c) => c.dataset.ready === '1'), null, { timeout: 15000 });
}

export async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: true });
}

// Numbered checks; done() exits non-zero when any failed.
export class Checks {
  constructor(name) { this.name = name; this.failed = 0; this.n = 0; this.t0 = Date.now(); }
  ok(id, cond, detail) {
    this.n++;
    if (cond) return true;
    this.failed++;
    console.log(`FAIL ${id}: ${detail === undefined ? '' : typeof detail === 'string' ? detail : JSON.stringify(detail)}`);
    return false;
  }
  eq(id, got, want) { return this.ok(id, got === want, `got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`); }
  // No console errors, CSP violations or exceptions on the page so far.
  clean(id, page) {
    const p = page.problems.splice(0);
    return this.ok(id, p.length === 0, p.join('\n'));
  }
  done() {
    console.log(`${this.name}: ${this.n - this.failed}/${this.n} checks passed in ${((Date.now() - this.t0) / 1000).toFixed(1)} s; screenshots in ${SHOTS}`);
    process.exit(this.failed ? 1 : 0);
  }
}

// Run fn(checks) and always clean up; an exception is a failure.
export async function run(name, fn) {
  const t = new Checks(name);
  const cleanup = [];
  try {
    await fn(t, cleanup);
  } catch (e) {
    t.ok('exception', false, e && e.stack ? e.stack : String(e));
  } finally {
    for (const f of cleanup.reverse()) await f().catch(() => {});
  }
  t.done();
}
