// SPDX-License-Identifier: GPL-3.0-or-later
// Shared definitions (issue 21, path 4, item 4): the demo's glossary with
// "high-value customer" disputed by Marketing for 40 days and sent to the
// committee; the findings of what relies on it; a head of department signs
// a definition on its page, an owner writes a new version and the diff
// shows what changed, the signatures start again — in English, then in
// Chinese.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, launch, signIn, go, shot, run, USERS } from './harness.mjs';

const SRC = process.env.KEEL_SOURCE_DIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const KEEL = process.env.KEEL_BIN || path.join(SRC, 'build/keel');

await run('e2e definitions', async (t, cleanup) => {
  const srv = await startServer();
  cleanup.push(() => srv.stop());
  const api = (method, p, data, as = USERS.admin) => {
    const args = ['api', '--db', srv.db, '--as', as, method, '/api/v1' + p];
    if (data) args.push('--data', JSON.stringify(data));
    return JSON.parse(execFileSync(KEEL, args, { env: { ...process.env, KEEL_FAST_PWHASH: '1' } }).toString());
  };
  const defs = api('GET', '/definitions').items;
  const hv = defs.find((d) => d.name === 'high-value customer');
  const fcr = defs.find((d) => d.name === 'First-contact resolution');
  t.ok('defs-0.1 the demo: high-value customer disputed by Marketing for 40 days, escalated',
    hv && hv.status === 'disputed' && hv.disputed_by[0].name === 'Marketing' && hv.disputed_by[0].days === 40 && hv.escalated_proposal_id > 0,
    JSON.stringify(hv).slice(0, 400));

  const b = await launch();
  cleanup.push(() => b.close());
  for (const [n, lang] of [[1, 'en'], [2, 'zh-CN']]) {
    const zh = lang === 'zh-CN';
    const TX = zh ? { disputed: '有异议', escalated: '已提交 AI 委员会', signed: '已签署', missing: '未签署', findings: '依赖的定义有部门提出异议' }
      : { disputed: 'Disputed', escalated: 'before the AI committee', signed: 'Signed', missing: 'Not signed', findings: 'relies on a definition a department disputes' };
    // the AI lead (head of the AI Center) reads the glossary
    const pg = await b.page();
    await signIn(pg, srv.base, 'kenji.sato@meridian.example');
    if (zh) {
      await pg.selectOption('header select.locale', 'zh-CN');
      await pg.waitForSelector('nav.mainnav a:text("资源")');
    }
    await go(pg, srv.base, '/organisation/definitions');
    const rows = await pg.textContent('[data-testid=definitions]');
    t.ok(`defs-${n}.1 the glossary with each status`, rows.includes('high-value customer') && rows.includes(TX.disputed), rows.slice(0, 300));
    const fl = await pg.textContent('[data-testid=definition-findings]');
    t.ok(`defs-${n}.2 the findings name what relies on it`, fl.includes('Customer 360 profile platform') && fl.includes(TX.findings), fl.slice(0, 400));
    await shot(pg, `definitions-list-${lang}`);

    await go(pg, srv.base, '/organisation/definitions/' + hv.id);
    const esc = await pg.textContent('.definition-page');
    t.ok(`defs-${n}.3 the dispute and its proposal`, esc.includes(TX.escalated) && (await pg.locator('[data-testid=escalation]').count()) === 1, esc.slice(0, 300));
    await shot(pg, `definition-disputed-${lang}`);
    await pg.click('[data-testid=escalation]');
    await pg.waitForSelector('.proposal-page');
    const act = await pg.textContent('[data-testid=action]');
    t.ok(`defs-${n}.3b the committee's proposal names the definition`, act.includes(zh ? '裁决有异议的定义' : 'Resolve a disputed definition') && (await pg.locator(`[data-testid=action] a[href$="/organisation/definitions/${hv.id}"]`).count()) === 1, act);

    // a definition of the demo the AI Center has not yet signed: Kenji signs it on its page
    const target = n === 1 ? fcr : api('POST', '/definitions', { name: 'churned customer', kind: 'customer_segment', body: 'No purchase in 180 days.', departments: [fcr.departments.find((d) => d.name === 'AI Center of Excellence').unit_id] });
    await go(pg, srv.base, '/organisation/definitions/' + target.id);
    t.ok(`defs-${n}.4 not yet signed`, (await pg.textContent('[data-testid=departments]')).includes(TX.missing));
    const f = 'form[aria-label="' + (zh ? '您所在部门的立场' : 'Your department’s stance') + '"]';
    await pg.selectOption(`${f} select[name=stance]`, 'signed');
    await pg.click(`${f} button[type=submit]`);
    await pg.waitForSelector('.definition-page[data-status=agreed]');
    t.ok(`defs-${n}.5 signed: agreed`, (await pg.textContent('[data-testid=departments]')).includes(TX.signed));
    // the owner writes a new version: the signatures start again, the diff shows the change
    api('POST', `/definitions/${target.id}/versions`, { body: (n === 1 ? 'Share of customer contacts closed without a second contact on the same subject within 14 days.' : 'No purchase in 365 days.'), note: 'longer window' });
    await pg.reload();
    await pg.waitForSelector('.definition-page[data-status=unagreed]');
    const diff = await pg.locator('[data-testid=diff] del').allTextContents();
    const ins = await pg.locator('[data-testid=diff] ins').allTextContents();
    t.ok(`defs-${n}.6 the diff of the two versions`, diff.includes(n === 1 ? '7' : '180') && ins.includes(n === 1 ? '14' : '365'), JSON.stringify([diff, ins]));
    await shot(pg, `definition-diff-${lang}`);
    await pg.close();
  }
});
