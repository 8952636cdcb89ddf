// SPDX-License-Identifier: GPL-3.0-or-later
// Path 4's pilot, then scale, and training (issue 21): on the demo's store
// replenishment initiative the pilot's exit criteria with their computed
// result, the rollouts store by store with their dates and readings, the
// staggered comparison, and Milan's rollout refused in words because its
// people are below the AI literacy target — with the override by proposal
// that the committee then passes, after which Milan starts; the Training
// page with the coverage per unit and the translator short in two
// quarters; the risk officer as the fourth signatory of a charter whose
// system is of the high tier; in English and in Chinese.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, launch, signIn, go, shot, run, USERS } from './harness.mjs';

const SRC = process.env.KEEL_SOURCE_DIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const KEEL = process.env.KEEL_BIN || path.join(SRC, 'build/keel');

await run('e2e training', async (t, cleanup) => {
  const srv = await startServer();
  cleanup.push(() => srv.stop());
  const api = (method, p, data, as = USERS.admin) => {
    const args = ['api', '--db', srv.db, '--as', as, method, '/api/v1' + p];
    if (data) args.push('--data', JSON.stringify(data));
    return JSON.parse(execFileSync(KEEL, args, { env: { ...process.env, KEEL_FAST_PWHASH: '1' } }).toString());
  };
  const ini = api('GET', '/initiatives?limit=100').items.find((i) => i.title === 'Store replenishment forecasting');
  const ro = api('GET', `/initiatives/${ini.id}/rollouts`);
  const milan = ro.items.find((x) => x.unit_name === 'Store Milan Duomo');
  t.ok('trn-e-0.1 the demo: pilot met, Madrid rolling out, Milan blocked by training',
    ro.pilot_status === 'met' && ro.items.some((x) => x.unit_name === 'Store Madrid Sol' && x.status === 'in_progress')
      && milan.blocked && milan.blocked.code === 'training_below_target', JSON.stringify(ro.items).slice(0, 400));

  const b = await launch();
  cleanup.push(() => b.close());
  const owner = await b.page();
  await signIn(owner, srv.base, USERS.owner);
  await go(owner, srv.base, '/alignment/initiatives/' + ini.id);
  await owner.waitForSelector('[data-testid=pilot]');
  t.ok('trn-e-1.1 the pilot met its exit criteria', (await owner.textContent('[data-testid=pilot-status]')).includes('Met'));
  const crit = await owner.textContent('[data-testid=pilot-criteria]');
  t.ok('trn-e-1.2 the criterion with its target and measured change', crit.includes('Stock-out rate') && crit.includes('−20 %'.replace('−', '-')) && crit.includes('Met'), crit);
  const rows = await owner.textContent('[data-testid=rollouts]');
  t.ok('trn-e-1.3 rollouts store by store', rows.includes('Store Paris Opéra') && rows.includes('Live') && rows.includes('In progress') && rows.includes('Planned'), rows);
  const blocked = await owner.textContent('[data-testid=rollout-blocked]');
  t.ok('trn-e-1.4 Milan refused in words', blocked.includes('Store Milan Duomo') && blocked.includes('AI literacy') && blocked.includes('80%'), blocked);
  const st = await owner.textContent('[data-testid=stagger]');
  t.ok('trn-e-1.5 the staggered comparison with its interval', st.includes('95% interval') && st.includes('Rolled out'), st);
  await shot(owner, 'training-1-pilot');
  // start Milan: refused, the override offered
  await owner.click(`button[data-start="${milan.id}"]`);
  await owner.waitForSelector('[data-testid=rollout-result] .error, [data-testid=rollout-result] [role=alert]');
  const res = await owner.textContent('[data-testid=rollout-result]');
  t.ok('trn-e-1.6 the refusal with the override path', res.includes('cannot start') && res.includes('Propose an override'), res);
  t.eq('trn-e-1.7 Milan still planned', api('GET', `/initiatives/${ini.id}/rollouts`).items.find((x) => x.id === milan.id).status, 'planned');
  await owner.click('[data-testid=rollout-result] button');
  await owner.waitForSelector('.proposal-page');
  const pid = Number(owner.url().replace(/.*\//, ''));
  t.ok('trn-e-1.8 the override proposed', api('GET', '/proposals/' + pid).action_type === 'override_rollout');
  t.clean('trn-e-1.9 clean', owner);
  // the committee passes it (four members vote for; the owner is a member too)
  for (const who of ['helena.marsh@meridian.example', 'wei.zhang@meridian.example', 'kenji.sato@meridian.example', 'grace.kim@meridian.example'])
    api('POST', `/proposals/${pid}/votes`, { vote: 'for' }, who);
  const p = api('GET', '/proposals/' + pid);
  if (p.status === 'open') api('POST', `/proposals/${pid}/close`, null, USERS.committee);
  t.eq('trn-e-1.10 executed', api('GET', '/proposals/' + pid).decision.execution, 'executed');
  await go(owner, srv.base, '/alignment/initiatives/' + ini.id);
  await owner.waitForSelector('[data-testid=pilot]');
  t.ok('trn-e-1.11 overridden, may start', (await owner.textContent('[data-testid=rollouts]')).includes('Overridden by proposal ' + pid));
  await owner.click(`button[data-start="${milan.id}"]`);
  await owner.waitForFunction((id) => !document.querySelector(`button[data-start="${id}"]`), milan.id);
  t.eq('trn-e-1.12 Milan started', api('GET', `/initiatives/${ini.id}/rollouts`).items.find((x) => x.id === milan.id).status, 'in_progress');

  // the Training page, as a viewer
  const viewer = await b.page();
  await signIn(viewer, srv.base, USERS.viewer);
  await go(viewer, srv.base, '/organisation/training');
  await viewer.waitForSelector('[data-testid=coverage]');
  const below = await viewer.textContent('[data-testid=below]');
  t.ok('trn-e-2.1 Milan below its AI literacy target', below.includes('Store Milan Duomo') && below.includes('AI literacy: 1 of 4'), below);
  const short = await viewer.textContent('[data-testid=shortfalls]');
  const fc = api('GET', '/training/forecast');
  const pmShort = fc.short.filter((s) => s.skill === 'product_manager');
  t.eq('trn-e-2.2 the translator short in two quarters', pmShort.length, 2);
  t.ok('trn-e-2.3 named on the page', short.includes('Product manager (translator) short in'), short);
  t.ok('trn-e-2.4 flagged team members', (await viewer.textContent('[data-testid=flagged]')).includes('Ethics of automated decisions'));
  t.eq('trn-e-2.5 a viewer cannot add programmes', await viewer.locator('[data-testid=programme-add]').count(), 0);
  await shot(viewer, 'training-2-page');
  t.clean('trn-e-2.6 clean', viewer);

  // in Chinese
  for (const page of [viewer, owner]) {
    await page.selectOption('header select.locale', 'zh-CN');
    await page.waitForSelector('nav.mainnav a:text("资源")');
  }
  await go(viewer, srv.base, '/organisation/training');
  await viewer.waitForSelector('[data-testid=coverage]');
  const zs = await viewer.textContent('[data-testid=shortfalls]');
  t.ok('trn-e-3.1 the shortfall in Chinese', zs.includes('产品经理（翻译）') && zs.includes('短缺'), zs);
  t.ok('trn-e-3.2 coverage in Chinese', (await viewer.textContent('#main')).includes('各单元覆盖率'));
  await shot(viewer, 'training-3-page-zh');
  await go(owner, srv.base, '/alignment/initiatives/' + ini.id);
  await owner.waitForSelector('[data-testid=pilot]');
  const zp = await owner.textContent('[data-testid=pilot]');
  t.ok('trn-e-3.3 the pilot panel in Chinese', zp.includes('先试点，再推广') && zp.includes('已达成') && zp.includes('逐单元推广'), zp.slice(0, 300));
  await shot(owner, 'training-4-pilot-zh');
  t.clean('trn-e-3.4 clean', owner);
  t.clean('trn-e-3.5 clean', viewer);

  // the risk officer: a fourth signatory once a system of the high tier is registered
  const idea = api('GET', '/initiatives?stage=idea&sort=id').items[0];
  const grace = api('GET', '/people?email=grace.kim%40meridian.example').items[0];
  api('POST', '/systems', { name: 'e2e-high-tier', title: 'E2E high-tier model', initiative_id: idea.id, risk_tier: 'high', tier_reason: 'decides on credit', model_source: 'own' });
  api('PATCH', '/initiatives/' + idea.id, { risk_officer_id: grace.id });
  const risk = await b.page();
  await signIn(risk, srv.base, USERS.risk);
  await go(risk, srv.base, '/alignment/initiatives/' + idea.id);
  await risk.waitForSelector('ul.signoffs li[data-role=risk_officer]');
  const so = await risk.textContent('ul.signoffs');
  t.ok('trn-e-4.1 the fourth signatory shown', so.includes('Risk officer') && so.includes('Grace Kim'), so);
  t.ok('trn-e-4.2 the lead says why', (await risk.textContent('#main')).includes('because one of its AI systems is of the high risk tier'));
  await risk.click('button[data-sign=risk_officer]');
  await risk.waitForSelector('ul.signoffs li[data-role=risk_officer] .ok');
  t.eq('trn-e-4.3 signed', api('GET', '/initiatives/' + idea.id).signoffs.risk_officer.signed, true);
  await shot(risk, 'training-5-risk-officer');
  await risk.selectOption('header select.locale', 'zh-CN');
  await risk.waitForSelector('nav.mainnav a:text("资源")');
  t.ok('trn-e-4.4 in Chinese', (await risk.textContent('ul.signoffs')).includes('风险官'));
  t.clean('trn-e-4.5 clean', risk);
});
