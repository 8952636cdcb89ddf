// SPDX-License-Identifier: GPL-3.0-or-later
// The human-override switch in the browser (issue 18), numbered (sw-e2e-N.M):
// the production board shows the demo's switches (the chatbot switched to
// human review with its reason, the maintenance model put at 20 % and then
// tripped off by monitoring's alert (issue 20), product-recs
// off by its suspending ethics review) with who, when and why; a risk
// officer flips one from the board through the confirmation dialog, which
// refuses an empty reason and a cancel leaves the switch as it was; in
// Chinese a flip from the system's page, and a refused flip (the launch
// gate not passed) shown in the dialog with the state unchanged; a viewer
// sees the switches but no flip.
import { startServer, launch, signIn, go, shot, run, USERS } from './harness.mjs';

const readSwitch = (page, name) => page.evaluate(async (n) => (await fetch('/api/v1/switch/' + n)).json(), name);

await run('e2e switch', async (t, cleanup) => {
  const srv = await startServer();
  cleanup.push(() => srv.stop());
  const b = await launch();
  cleanup.push(() => b.close());

  // ---- the board, in English ----
  const risk = await b.page();
  await signIn(risk, srv.base, USERS.risk);
  await go(risk, srv.base, '/risk/switches');
  const row = (name) => risk.locator('[data-testid=switches] tbody tr', { has: risk.locator(`code:text-is("${name}")`) });
  const chat = await row('service-chatbot').textContent();
  t.ok('sw-e2e-1.1 the chatbot switched to human review, with who and why', chat.includes('Off') && chat.includes('Human review')
    && chat.includes('refund policy') && chat.includes('Grace Kim') && !chat.includes('@'), chat);
  const mm = await row('maintenance-model').textContent();
  const mm0 = await readSwitch(risk, 'maintenance-model');
  t.ok('sw-e2e-1.2 the maintenance model tripped off by its alert', mm.includes('Off') && mm.includes('Rules')
    && mm.includes('alert rule') && mm0.state === 'off', mm);
  const pr = await row('product-recs').textContent();
  t.ok('sw-e2e-1.3 product-recs off by its ethics review', pr.includes('Off') && pr.includes("ethics review's suspension"), pr);
  t.ok('sw-e2e-1.4 the board is in the Risk navigation', await risk.locator('nav a[href="#/risk/switches"]').count() >= 1);
  await shot(risk, 'switch-1-board');

  // ---- a flip from the board: the dialog asks for the reason ----
  await row('maintenance-model').locator('[data-testid=switch-open]').click();
  await risk.waitForSelector('[data-testid=switch-detail] [data-testid=switch-history]');
  const hist0 = await risk.textContent('[data-testid=switch-detail] [data-testid=switch-history]');
  t.ok('sw-e2e-2.1 the history: who, when, why', hist0.includes('Partial rollout') && hist0.includes('Grace Kim') && !hist0.includes('@'), hist0);
  const detail = risk.locator('[data-testid=switch-detail]');
  await detail.locator('[data-testid=flip-state]').selectOption('percent');
  await detail.locator('[data-testid=flip-percent]').fill('50');
  await detail.locator('[data-testid=flip]').click();
  await risk.waitForSelector('dialog[open] [data-testid=flip-summary]');
  const summary = await risk.textContent('[data-testid=flip-summary]');
  t.ok('sw-e2e-2.2 the confirmation says what changes', summary.includes('maintenance-model') && summary.includes('from Off') && summary.includes('50 % to the model'), summary);
  await risk.click('[data-testid=flip-confirm]');
  await risk.waitForSelector('[data-testid=flip-error] [role=alert]');
  t.ok('sw-e2e-2.3 an empty reason is refused in the dialog', (await risk.textContent('[data-testid=flip-error]')).includes('needs its reason'));
  t.eq('sw-e2e-2.4 ... and the switch is unchanged', (await readSwitch(risk, 'maintenance-model')).version, mm0.version);
  await shot(risk, 'switch-2-dialog');
  await risk.click('[data-testid=flip-cancel]');
  t.eq('sw-e2e-2.5 cancel closes the dialog', await risk.locator('dialog[open]').count(), 0);
  t.eq('sw-e2e-2.6 ... the switch unchanged', (await readSwitch(risk, 'maintenance-model')).version, mm0.version);
  await detail.locator('[data-testid=flip]').click();
  await risk.fill('[data-testid=flip-reason]', 'Downtime on the model-planned presses is 30 % lower: half the presses now');
  await risk.click('[data-testid=flip-confirm]');
  await risk.waitForFunction(() => !document.querySelector('dialog[open]'));
  await risk.waitForSelector('[data-testid=switches]');
  await risk.waitForFunction(() => [...document.querySelectorAll('[data-testid=switches] tbody tr')].some((r) => r.textContent.includes('maintenance-model') && r.textContent.includes('50 % to the model')));
  const sw = await readSwitch(risk, 'maintenance-model');
  t.ok('sw-e2e-2.7 the flip took effect on the read path', sw.state === 'percent' && sw.percent === 50 && sw.version === mm0.version + 1, sw);
  t.ok('sw-e2e-2.8 the board shows its reason', (await row('maintenance-model').textContent()).includes('30 % lower'));
  t.clean('sw-e2e-2.9 clean', risk);

  // ---- Chinese: the system's page ----
  await risk.selectOption('header select.locale', 'zh-CN');
  await risk.waitForSelector('nav.mainnav a:text("资源")');
  await go(risk, srv.base, '/risk/systems/maintenance-model');
  const panel = risk.locator('[data-testid=switch-panel]');
  const zp = await panel.textContent();
  t.ok('sw-e2e-3.1 the switch panel in Chinese', zp.includes('人工接管开关') && zp.includes('50% 流量给模型') && zp.includes('规则') && zp.includes('30 % lower'), zp);
  await panel.locator('[data-testid=flip-state]').selectOption('on');
  await panel.locator('[data-testid=flip]').click();
  await risk.waitForSelector('dialog[open] [data-testid=flip-summary]');
  t.ok('sw-e2e-3.2 the confirmation in Chinese', (await risk.textContent('[data-testid=flip-summary]')).includes('开启'));
  await risk.fill('[data-testid=flip-reason]', '全部压机改由模型排程');
  await risk.click('[data-testid=flip-confirm]');
  await risk.waitForFunction(() => !document.querySelector('dialog[open]'));
  await risk.waitForFunction(() => (document.querySelector('[data-testid=switch-panel]') || {}).textContent?.includes('全部压机改由模型排程'));
  t.ok('sw-e2e-3.3 flipped on, the reason in the history', (await panel.locator('[data-testid=switch-history] li').first().textContent()).includes('开启'));
  t.eq('sw-e2e-3.4 ... and on the read path', (await readSwitch(risk, 'maintenance-model')).state, 'on');
  await shot(risk, 'switch-3-system-zh');
  // a refused flip: the chatbot has not passed its launch gate
  await go(risk, srv.base, '/risk/systems/service-chatbot');
  const cp = risk.locator('[data-testid=switch-panel]');
  await cp.locator('[data-testid=flip-state]').selectOption('on');
  await cp.locator('[data-testid=flip]').click();
  await risk.fill('[data-testid=flip-reason]', '试点');
  await risk.click('[data-testid=flip-confirm]');
  await risk.waitForSelector('[data-testid=flip-error] [role=alert]');
  t.ok('sw-e2e-3.5 a refusal is shown in the dialog', (await risk.locator('dialog[open]').count()) === 1);
  const cs = await readSwitch(risk, 'service-chatbot');
  t.ok('sw-e2e-3.6 ... the switch unchanged', cs.state === 'off' && cs.fallback === 'human_review', cs);
  await shot(risk, 'switch-4-refused-zh');
  await risk.click('[data-testid=flip-cancel]');
  // the flips keel made itself (an ethics review's suspension, an alert
  // rule's trip): their reasons and actor in Chinese, not as stored
  await go(risk, srv.base, '/risk/switches');
  const zb = await risk.textContent('#main');
  t.ok('sw-e2e-3.6.1 a suspension\'s reason in Chinese', zb.includes('被 AI ethics board 于') && zb.includes('举行的伦理审查暂停')
    && !/suspended by the ethics review/.test(zb), zb.slice(0, 800));
  await go(risk, srv.base, '/risk/systems/maintenance-model');
  const zhist = await risk.textContent('[data-testid=switch-history]');
  t.ok('sw-e2e-3.6.2 an alert rule\'s trip in Chinese', zhist.includes('告警规则“new equipment failing”触发：maintenance-model（分段：servo-transfer）')
    && zhist.includes('满足 > 0') && !/fired:|holding/.test(zhist), zhist);
  t.clean('sw-e2e-3.7 clean', risk);

  // ---- a viewer: sees, does not flip ----
  const viewer = await b.page();
  await signIn(viewer, srv.base, USERS.viewer);
  await go(viewer, srv.base, '/risk/systems/service-chatbot');
  t.ok('sw-e2e-4.1 a viewer sees the switch', (await viewer.textContent('[data-testid=switch-panel]')).includes('refund policy'));
  t.eq('sw-e2e-4.2 ... without the flip', await viewer.locator('[data-testid=flip-controls]').count(), 0);
  await go(viewer, srv.base, '/risk/switches');
  await viewer.locator('[data-testid=switch-open]').first().click();
  await viewer.waitForSelector('[data-testid=switch-detail] h2');
  t.eq('sw-e2e-4.3 the board: history, no flip', await viewer.locator('[data-testid=flip-controls]').count(), 0);
  t.clean('sw-e2e-4.4 clean', viewer);
});
