// SPDX-License-Identifier: GPL-3.0-or-later
// The AI committee's pages (issue 21, path 4): a proposal made on the
// committee page, voted on by its members, one member conflicted out,
// carried through to its executed decision — in English, then again in
// Chinese — and the decision log that shows it to every role.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, launch, signIn, go, shot, run, USERS } from './harness.mjs';

const SRC = process.env.KEEL_SOURCE_DIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const KEEL = process.env.KEEL_BIN || path.join(SRC, 'build/keel');

await run('e2e committee', async (t, cleanup) => {
  const srv = await startServer();
  cleanup.push(() => srv.stop());
  const api = (method, p, data, as = USERS.admin) => {
    const args = ['api', '--db', srv.db, '--as', as, method, '/api/v1' + p];
    if (data) args.push('--data', JSON.stringify(data));
    return JSON.parse(execFileSync(KEEL, args, { env: { ...process.env, KEEL_FAST_PWHASH: '1' } }).toString());
  };
  // the demo's committee: Helena Marsh (chair), Wei Zhang, Kenji Sato, Grace Kim, Sofia Alvarez
  const CFO = 'wei.zhang@meridian.example';
  t.eq('com-0.1 the demo has its committee', api('GET', '/committee').members.length, 5);
  // (the other open proposal is the dispute over "high-value customer", sent by keel)
  const pending = api('GET', '/proposals?status=open').items.filter((p) => p.action_type !== 'resolve_definition');
  t.ok('com-0.2 a pending proposal with two votes and one member conflicted out',
    pending.length === 1 && pending[0].tally.present === 2 && pending[0].tally.conflicted === 1, JSON.stringify(pending).slice(0, 300));
  const ideas = api('GET', '/initiatives?stage=idea&sort=id').items;
  const [i1, i2] = ideas;

  const b = await launch();
  cleanup.push(() => b.close());
  const chair = await b.page();
  await signIn(chair, srv.base, USERS.committee);
  await go(chair, srv.base, '/organisation/committee');
  const members = await chair.textContent('[data-testid=members]');
  t.ok('com-1.1 the members and the chair', members.includes('Helena Marsh') && members.includes('Chair') && members.includes('Kenji Sato'), members);
  const log0 = await chair.locator('[data-testid=proposals] tbody tr').count();
  t.eq('com-1.1b the demo\'s proposals listed (with the escalated dispute)', log0, 4);
  t.ok('com-1.1c the agenda names the pending proposal', (await chair.textContent('[data-testid=agenda]')).includes('Fund a camera pilot for shelf monitoring'));
  const mt = await chair.textContent('[data-testid=meetings]');
  t.ok('com-1.1d the held meeting with its documents', mt.includes('AI committee, quarterly meeting') && mt.includes('Held'), mt);
  const doc = await chair.evaluate(async () => { const r = await fetch('/api/v1/meetings/1/document?lang=zh-CN'); return (r.headers.get('content-type') || '') + ' ' + (await r.text()); });
  t.ok('com-1.1e the minutes document in Chinese', doc.startsWith('text/html') && doc.includes('会议纪要') && doc.includes('Approve AML alert triage'), doc.slice(0, 300));
  t.ok('com-1.2 the rule in words', (await chair.textContent('[data-testid=rule]')).includes('more than half of the eligible members'));

  // propose on the committee page
  const f = 'form[aria-label="Propose a decision"]';
  await chair.fill(f + ' input[name=title]', 'Assess ' + i1.title);
  await chair.selectOption(f + ' select[name=action_type]', 'move_stage');
  await chair.selectOption(f + ' select[name=initiative_id]', String(i1.id));
  await chair.selectOption(f + ' select[name=to]', 'assessed');
  await chair.click(f + ' button[type=submit]');
  await chair.waitForSelector('.proposal-page');
  const pid = Number(chair.url().replace(/.*\//, ''));
  t.ok('com-1.3 the proposal page', (await chair.textContent('[data-testid=action]')).includes('Move a stage → Assessed'), await chair.textContent('[data-testid=action]'));
  t.ok('com-1.4 open, no quorum yet', (await chair.textContent('[data-testid=tally]')).includes('no quorum yet'));

  // the chair votes for, with a comment
  await chair.selectOption('form[aria-label="Your vote"] select[name=vote]', 'for');
  await chair.fill('form[aria-label="Your vote"] textarea[name=comment]', 'the case is made');
  await chair.click('form[aria-label="Your vote"] button[type=submit]');
  await chair.waitForSelector('[data-testid=votes] li[data-vote=for]');
  t.ok('com-1.5 the vote with its comment', (await chair.textContent('[data-testid=votes]')).includes('the case is made'));
  await shot(chair, 'committee-1-proposal');
  t.clean('com-1.6 clean', chair);

  // the risk officer declares a conflict
  const risk = await b.page();
  await signIn(risk, srv.base, USERS.risk);
  await go(risk, srv.base, '/organisation/proposals/' + pid);
  await risk.click('form[aria-label="Declare a conflict of interest"] summary, form[aria-label="Declare a conflict of interest"] h3').catch(() => {});
  await risk.fill('form[aria-label="Declare a conflict of interest"] textarea[name=reason], form[aria-label="Declare a conflict of interest"] input[name=reason]', 'my team built the model');
  await risk.click('form[aria-label="Declare a conflict of interest"] button[type=submit]');
  await risk.waitForSelector('[data-testid=conflicts]');
  t.ok('com-1.7 conflicted out', (await risk.textContent('#main')).includes('excluded from this vote'));
  t.clean('com-1.8 clean', risk);

  // two more members vote through the API; the last eligible one on the page
  api('POST', '/proposals/' + pid + '/votes', { vote: 'for' }, CFO);
  api('POST', '/proposals/' + pid + '/votes', { vote: 'abstain' }, USERS.owner);
  // the last eligible member votes: decided and executed
  const eng = await b.page();
  await signIn(eng, srv.base, USERS.engineer);
  await go(eng, srv.base, '/organisation/proposals/' + pid);
  await eng.selectOption('form[aria-label="Your vote"] select[name=vote]', 'for');
  await eng.click('form[aria-label="Your vote"] button[type=submit]');
  await eng.waitForSelector('[data-testid=decision]');
  t.eq('com-1.9 executed', await eng.getAttribute('[data-testid=decision]', 'data-execution'), 'executed');
  t.ok('com-1.10 in words', (await eng.textContent('[data-testid=decision]')).includes('Carried out'));
  t.eq('com-1.11 the initiative moved', api('GET', '/initiatives/' + i1.id).stage, 'assessed');
  await shot(eng, 'committee-2-decided');
  t.clean('com-1.12 clean', eng);

  // the decision log, read by a viewer
  const viewer = await b.page();
  await signIn(viewer, srv.base, USERS.viewer);
  await go(viewer, srv.base, '/organisation/decisions');
  const log = viewer.locator('[data-testid=decisions] tbody tr', { hasText: 'Proposal ' + pid });
  t.eq('com-1.13 the log lists it', await log.count(), 1);
  const row = (await log.textContent()) || '';
  t.ok('com-1.14 passed, 3 · 0 · 1, executed', row.includes('Passed') && row.includes('3 · 0 · 1') && row.includes('Executed'), row);
  t.clean('com-1.15 clean', viewer);

  // again in Chinese: a budget change proposed by the API, voted on the pages
  const p2 = api('POST', '/proposals', { title: '调整预算 ' + i2.title, action_type: 'change_budget', action: { initiative_id: i2.id, cost_estimate: 123456 }, due_date: new Date(Date.now() + 7 * 86400e3).toISOString().slice(0, 10) }).id;
  for (const [page, name] of [[chair, 'chair'], [eng, 'engineer']]) {
    await page.selectOption('header select.locale', 'zh-CN');
    await page.waitForSelector('nav.mainnav a:text("资源")');
    await go(page, srv.base, '/organisation/proposals/' + p2);
    t.ok(`com-2.1 ${name} reads it in Chinese`, (await page.textContent('[data-testid=action]')).includes('调整预算'));
    await page.selectOption('form[aria-label="您的投票"] select[name=vote]', name === 'chair' ? 'for' : 'abstain');
    await page.click('form[aria-label="您的投票"] button[type=submit]');
    await page.waitForSelector(name === 'chair' ? '[data-testid=votes] li[data-vote=for]' : '[data-testid=votes] li[data-vote=abstain]');
  }
  // the CFO votes too; the others have not voted: the chair closes the vote
  api('POST', '/proposals/' + p2 + '/votes', { vote: 'for' }, CFO);
  let tally = await chair.textContent('[data-testid=tally]');
  t.ok('com-2.2 the count in Chinese', tally.includes('法定人数') && tally.includes('赞成'), tally);
  chair.once('dialog', (d) => d.accept());
  await chair.click('[data-testid=close-vote]');
  await chair.waitForSelector('[data-testid=decision]');
  const dz = await chair.textContent('[data-testid=decision]');
  t.ok('com-2.3 executed, in Chinese', dz.includes('已执行') && dz.includes('通过'), dz);
  t.eq('com-2.4 the budget changed', api('GET', '/initiatives/' + i2.id).cost_estimate, 123456);
  await shot(chair, 'committee-3-decided-zh');
  await go(chair, srv.base, '/organisation/decisions');
  const zrow = (await chair.locator('[data-testid=decisions] tbody tr', { hasText: '提案 ' + p2 }).textContent()) || '';
  t.ok('com-2.5 the log in Chinese', zrow.includes('调整预算') && zrow.includes('已执行'), zrow);
  t.clean('com-2.6 clean', chair);
  t.clean('com-2.7 clean', eng);
});
