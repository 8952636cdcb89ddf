// SPDX-License-Identifier: GPL-3.0-or-later
// Path 3 (risk control) in the browser: the AI system register; a gate
// board where a risk officer runs the missing fairness audit from an
// uploaded CSV and an engineer's move to launch is refused with its
// reasons (the failing group and its FPR gap); the committee overrides the
// gate with a reason and an expiry and the board says so; the heatmap and
// its overdue mitigation; the ethics review schedule; the initiative page
// lists its systems and gates; the same pages in Chinese.
import { go, shot, run, USERS, setUp, pageAs, apiSession } from './harness.mjs';
import crypto from 'node:crypto';

async function call(s, method, path, body, csv) {
  const r = await s.fetch(method, path, body, csv);
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

// predictions where group B's good customers are flagged high risk
function predictions(fpB) {
  let x = 12345;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  const rows = ['label,prediction,group'];
  for (let i = 0; i < 2000; i++) {
    const g = i % 2 ? 'A' : 'B';
    const label = rnd() < 0.3 ? 1 : 0;
    const pred = (label === 1 && rnd() < 0.8) || (label === 0 && rnd() < (g === 'A' ? 0.05 : fpB)) ? 1 : 0;
    rows.push(`${label},${pred},${g}`);
  }
  return rows.join('\n') + '\n';
}

await run('e2e gates', async (t, cleanup) => {
  const { srv, b } = await setUp(cleanup);

  // set-up through the API: a system at pre_launch with its evaluation file declared
  const admin = await apiSession(srv.base, USERS.admin);
  const eng = await apiSession(srv.base, USERS.engineer);
  const risk = await apiSession(srv.base, USERS.risk);
  const inits = await call(admin, 'GET', '/initiatives?limit=1000');
  const ini = inits.items.find((i) => i.title === 'Credit scoring v2');
  const biased = predictions(0.35);
  const sha = crypto.createHash('sha256').update(biased).digest('hex');
  const asset = await call(admin, 'POST', '/data-assets', { name: 'E2E loan book', personal_data: true, consent_basis: 'contract' });
  const clean = 'x,y,label\n' + Array.from({ length: 300 }, (_, i) => `${i},${(i * 7) % 13},${i % 2 ? 'yes' : 'no'}`).join('\n') + '\n';
  await call(admin, 'POST', `/data-assets/${asset.id}/profile?label=label`, clean, true);
  await call(eng, 'POST', '/systems', { name: 'e2e-credit', title: 'E2E credit model', initiative_id: ini.id, risk_tier: 'high',
    tier_reason: 'creditworthiness of people', personal_data: true, automated_decisions: true, ethics_domain: 'credit' });
  await call(eng, 'POST', '/systems/e2e-credit/versions', { version: '1.0', training_asset_id: asset.id, evaluation_sha256: sha,
    algorithm: 'gradient boosted trees', purpose: 'score loan applications' });
  await call(eng, 'POST', '/systems/e2e-credit/transition', { to: 'training', reason: 'data ready' });
  const ia = await call(eng, 'POST', '/systems/e2e-credit/evidence', { kind: 'impact_assessment', title: 'DPIA', reviewer_id: risk.account });
  await call(risk, 'POST', `/evidence/${ia.id}/attest`);
  await call(eng, 'POST', '/systems/e2e-credit/transition', { to: 'pre_launch', reason: 'assessed' });

  // risk-1: the register
  const officer = await pageAs(b, srv.base, USERS.risk);
  await go(officer, srv.base, '/risk/systems');
  const reg = await officer.textContent('[data-testid=systems]');
  t.ok('risk-1.1 the register lists the system with tier and stage', reg.includes('e2e-credit') && reg.includes('High') && reg.includes('Pre-launch'), reg.slice(0, 400));
  await shot(officer, '60-systems');

  // risk-2: the gate board; the fairness audit run from an uploaded CSV
  await go(officer, srv.base, '/risk/systems/e2e-credit');
  t.eq('risk-2.1 launch gate refuses', await officer.getAttribute('[data-testid=gate-launch]', 'data-verdict'), 'refuse');
  t.eq('risk-2.2 fairness missing', await officer.getAttribute('[data-testid=gate-launch] tr[data-req=fairness]', 'data-state'), 'missing');
  await officer.click('[data-testid=gate-launch] [data-testid=run-fairness]');
  await officer.setInputFiles('[data-testid=gate-launch] [data-testid=run-file]', { name: 'validation.csv', mimeType: 'text/csv', buffer: Buffer.from(biased) });
  await officer.click('[data-testid=gate-launch] [data-testid=run-fairness] button[type=submit]');
  await officer.waitForSelector('[data-testid=gate-launch] tr[data-req=fairness][data-state=failing]', { timeout: 20000 });
  const fx = await officer.textContent('[data-testid=gate-launch] tr[data-req=fairness]');
  t.ok('risk-2.3 failing, naming the group and the FPR gap', fx.includes("'B'") && fx.includes('FPR'), fx);
  await shot(officer, '61-gate-board');
  t.clean('risk-2.4 clean', officer);

  // risk-3: the engineer's move to launch is refused with its reasons
  const engineer = await pageAs(b, srv.base, USERS.engineer);
  await go(engineer, srv.base, '/risk/systems/e2e-credit');
  await engineer.fill('[data-testid=move-reason]', 'ready to launch');
  await engineer.click('[data-testid=move]');
  await engineer.waitForSelector('[data-testid=move-result] .refused');
  const refused = await engineer.textContent('[data-testid=move-result]');
  t.ok('risk-3.1 refusal with reasons', refused.includes('Failing') && refused.includes('FPR') && refused.includes('Missing'), refused);
  const st = await call(admin, 'GET', '/systems/e2e-credit');
  t.eq('risk-3.2 state unchanged', st.versions[0].stage, 'pre_launch');
  await shot(engineer, '62-refused-launch');

  // risk-4: the committee overrides the gate with a reason and an expiry
  const chair = await pageAs(b, srv.base, USERS.committee);
  await go(chair, srv.base, '/risk/systems/e2e-credit');
  await chair.selectOption('form[aria-label="Override a gate (committee)"] select[name=stage]', 'launch');
  await chair.fill('form[aria-label="Override a gate (committee)"] textarea[name=reason]', 'pilot in one branch while the model is retrained');
  await chair.click('form[aria-label="Override a gate (committee)"] button[type=submit]');
  await chair.waitForSelector('[data-testid=gate-launch][data-verdict=overridden]', { timeout: 15000 });
  const ov = await chair.textContent('[data-testid=gate-launch] [data-testid=override]');
  t.ok('risk-4.1 the override is shown with who, until and why', ov.includes('Helena Marsh') && !ov.includes('@') && ov.includes('pilot in one branch'), ov);
  await engineer.reload();
  await engineer.waitForSelector('[data-testid=gate-launch][data-verdict=overridden]', { timeout: 15000 });
  await engineer.click('[data-testid=move]');
  try {
    await engineer.waitForFunction(() => (document.querySelector('[data-testid=versions]') || {}).textContent?.includes('Launch'), null, { timeout: 15000 });
  } catch (e) {
    throw new Error('move under the override: ' + (await engineer.textContent('[data-testid=gate-board]')).slice(0, 600));
  }
  t.ok('risk-4.2 the move passes under the override', (await engineer.textContent('[data-testid=versions]')).includes('Launch'));
  t.clean('risk-4.3 clean', chair);

  // risk-5: heatmap with an overdue mitigation; the review schedule; the initiative page
  const sys = await call(admin, 'GET', '/systems/e2e-credit');
  await call(risk, 'POST', '/risks', { title: 'Good customers of group B rejected', system_id: sys.id, category: 'bias_ethics',
    likelihood: 4, impact: 5, residual_likelihood: 2, residual_impact: 4, status: 'mitigating', due_date: '2024-06-30', mitigation: 'retrain with re-weighting' });
  await go(officer, srv.base, '/risk/register');
  const cell = await officer.getAttribute('[data-testid=heatmap-inherent] td[data-l="4"][data-i="5"]', 'data-count');
  t.ok('risk-5.1 the heatmap counts the risk in its cell', Number(cell) >= 1, cell);
  t.ok('risk-5.2 the overdue mitigation is a finding', (await officer.textContent('[data-testid=risk-findings]')).includes('was due'));
  await shot(officer, '63-heatmap');
  await go(officer, srv.base, '/risk/reviews');
  t.ok('risk-5.3 the schedule lists the system', (await officer.textContent('[data-testid=schedule]')).includes('e2e-credit'));
  await go(officer, srv.base, '/alignment/initiatives/' + ini.id);
  const isys = await officer.textContent('[data-testid=initiative-systems]');
  t.ok('risk-5.4 the initiative page shows its systems and gates', isys.includes('e2e-credit') && isys.includes('Overridden'), isys.slice(0, 300));
  t.clean('risk-5.5 clean', officer);

  // risk-5b: the dashboard counts overdue reviews and mitigations
  await go(officer, srv.base, '/');
  const head = await officer.textContent('[data-testid=risk-headline]');
  t.ok('risk-5.6 the dashboard shows the risk findings', head.includes('overdue mitigations') && head.includes('overdue ethics reviews'), head);
  t.ok('risk-5.7 the demo\'s overdue review is listed', (await officer.textContent('[data-testid=risk-attention]')).includes('card-fraud-scoring'));

  // risk-6: in Chinese
  const zh = await pageAs(b, srv.base, USERS.committee, { locale: 'zh-CN' });
  await go(zh, srv.base, '/risk/systems/e2e-credit');
  const board = await zh.textContent('[data-testid=gate-board]');
  t.ok('risk-6.1 the board in Chinese', board.includes('关卡') && board.includes('已豁免') && board.includes('未通过'), board.slice(0, 300));
  // the requirements' details are sentences the server writes in English
  // (detail) and as a code with values (detail_code): worded in Chinese
  t.ok('risk-6.1.1 the details in Chinese', !/attested by|no \w+ on record|consent basis|readiness \d/.test(board)
    && board.includes('确认') && board.includes('合法依据：合同')
    // the failing audit's reasons too, from the analysis's reason codes
    && board.includes('而要求为“通过”') && board.includes('假阳性率的差距'), board.slice(0, 600));
  // a gate that asks for a complete team, on a system whose initiative has none
  const opg = await call(admin, 'GET', '/gates/operating');
  await call(admin, 'PUT', '/gates/operating', { requirements: [...opg.requirements, { id: 'team', evidence_kind: 'team' }], note: 'e2e: a team' });
  const lone = await call(admin, 'POST', '/initiatives', { title: 'E2E initiative with no team' });
  await call(eng, 'POST', '/systems', { name: 'e2e-teamless', title: 'E2E teamless model', initiative_id: lone.id, risk_tier: 'minimal', tier_reason: 'internal' });
  await call(eng, 'POST', '/systems/e2e-teamless/versions', { version: '1' });
  const apiTeam = (await call(admin, 'GET', '/systems/e2e-teamless/gates/operating')).requirements.find((r) => r.id === 'team');
  t.ok('risk-6.1.2 the API says which roles the team lacks', apiTeam.detail === 'the team lacks: business_expert, ml_engineer, product_manager'
    && JSON.stringify(apiTeam.detail_code) === JSON.stringify({ code: 'team_lacks', params: { roles: ['business_expert', 'ml_engineer', 'product_manager'] } }), apiTeam);
  await go(zh, srv.base, '/risk/systems/e2e-teamless');
  const teamZh = await zh.textContent('[data-testid=gate-operating] tr[data-req=team] .detail');
  t.eq('risk-6.1.3 "the team lacks" in Chinese, with the roles named in Chinese', teamZh, '团队缺少：业务专家、算法工程师、产品经理');
  await shot(zh, '64b-team-lacks-zh');
  const en = await pageAs(b, srv.base, USERS.committee);
  await go(en, srv.base, '/risk/systems/e2e-teamless');
  t.eq('risk-6.1.4 and in English the server\'s sentence', await en.textContent('[data-testid=gate-operating] tr[data-req=team] .detail'),
    'the team lacks: business_expert, ml_engineer, product_manager');
  t.clean('risk-6.1.5 clean', en);
  await go(zh, srv.base, '/risk/register');
  t.ok('risk-6.2 the heatmap in Chinese', (await zh.textContent('[data-testid=heatmap-inherent]')).includes('可能性'));
  await shot(zh, '64-gate-board-zh');
  t.clean('risk-6.3 clean', zh);
});
