// SPDX-License-Identifier: GPL-3.0-or-later
// Path 2 (resources) and the analyses of path 3 in the browser: the
// committee sees the demo's idle private GPU cluster and over-committed
// pools flagged in words with the break-even advice, the latest plan and
// solves again, the team without a product manager and the data readiness
// reasons; the dashboard's resource numbers; a risk officer reads an A/B
// analysis created through the API; a viewer reads the pools but may not
// solve nor read analyses; and the same pages in Chinese.
import { go, settle, shot, run, USERS, setUp, pageAs, apiSession } from './harness.mjs';

const CLUSTER = 'Private GPU cluster, Suzhou data centre';

await run('e2e resources', async (t, cleanup) => {
  const { srv, b } = await setUp(cleanup);

  // res-1: pools, flags in words, break-even
  const chair = await pageAs(b, srv.base, USERS.committee);
  t.ok('res-1.0 resources in the navigation, built', !(await chair.getAttribute('nav.mainnav a[data-nav=resources]', 'class') || '').includes('unbuilt'));
  await go(chair, srv.base, '/resources');
  const flags = await chair.textContent('[data-testid=pool-flags]');
  t.ok('res-1.1 idle cluster flagged in words', flags.includes(`${CLUSTER} is idle`) && flags.includes('40%'), flags);
  t.ok('res-1.2 over-committed pool flagged', flags.includes('is over-committed'), flags);
  const be = await chair.textContent(`.breakeven[data-pool=gpu_onprem]`);
  t.ok('res-1.3 break-even advice', be.includes('Renting is cheaper') && be.includes('break-even 80%') && /€\s?5\d,\d{3}/.test(be), be);
  t.eq('res-1.4 one chart per pool', await chair.locator('.pool-card .chart').count(), await chair.locator('.pool-card').count());
  await shot(chair, '40-pools');
  t.clean('res-1.5 clean', chair);

  // res-2: the plan (the latest solve, not a frontier run stored after it); solve again
  const cs = await apiSession(srv.base, USERS.committee);
  const fr = await cs.fetch('POST', '/plan/frontier', { steps: 2, time_limit: 2 });
  t.eq('res-2.0 a frontier run is stored', fr.status, 201);
  await go(chair, srv.base, '/resources/plan');
  const sum = await chair.textContent('[data-testid=plan-summary]');
  t.ok('res-2.1 value, bound, gap', sum.includes('expected value of the plan') && sum.includes('gap'), sum);
  t.ok('res-2.2 unfunded with reason', (await chair.textContent('[data-testid=unfunded]')).includes('mutually exclusive'));
  t.ok('res-2.3 binding in words', (await chair.textContent('[data-testid=binding]')).includes('instead of its alternative'));
  const before = await chair.textContent('.plan-page .facts');
  await chair.click('[data-testid=solve]');
  await chair.waitForFunction((b4) => { const f = document.querySelector('.plan-page .facts'); return f && f.textContent !== b4; }, before, { timeout: 20000 });
  await settle(chair);
  t.ok('res-2.4 solved again by the committee', (await chair.textContent('.plan-page .facts')).includes('Helena Marsh'), await chair.textContent('.plan-page .facts'));
  await shot(chair, '41-plan');
  // a busy server (503) and a refusal (422) are shown in words
  const fake = (status, code, message) => chair.route('**/api/v1/plan/solve', (r) => r.fulfill({ status, contentType: 'application/json',
    body: JSON.stringify({ error: { code, message } }) }));
  await fake(503, 'busy', 'every solve slot is in use');
  await chair.click('[data-testid=solve]');
  await chair.waitForSelector('.solve-result .notice-error');
  t.ok('res-2.6 busy in words', (await chair.textContent('.solve-result')).includes('Another plan is being solved'));
  await chair.unroute('**/api/v1/plan/solve');
  await fake(422, 'plan_input', 'no initiative can be planned: none is assessed or approved and aligned');
  await chair.click('[data-testid=solve]');
  await chair.waitForFunction(() => (document.querySelector('.solve-result') || {}).textContent.includes('No initiative can be planned'));
  t.ok('res-2.7 refusal in words', true);
  await chair.unroute('**/api/v1/plan/solve');
  chair.problems = chair.problems.filter((p) => !/status of 503/.test(p));
  t.clean('res-2.5 clean', chair);

  // res-3: teams and data
  await go(chair, srv.base, '/resources/teams');
  const tf = await chair.textContent('[data-testid=team-findings]');
  t.ok('res-3.1 team without a product manager', /Production scheduling\s*\(Approved\) has no Product manager/.test(tf), tf);
  t.ok('res-3.2 over-committed person', tf.includes('Tom Eriksen is committed to 1.2 FTE'), tf);
  await shot(chair, '42-teams');
  await go(chair, srv.base, '/resources/data');
  const da = await chair.textContent('[data-testid=assets]');
  t.ok('res-3.3 readiness and reasons', da.includes('Readiness 38 of 100') && da.includes('duplicate rows'), da.slice(0, 400));
  t.ok('res-3.3b undeclared personal data flagged', /Not marked as personal data[^.]*: id_number \(Chinese resident ID numbers, 100%\)/.test(da), da.slice(0, 1200));
  await shot(chair, '43-data');
  await go(chair, srv.base, '/');
  t.ok('res-3.4 dashboard: idle pools', /1\s*idle resource pool/.test(await chair.textContent('[data-testid=resources-headline]')));
  t.clean('res-3.5 clean', chair);

  // res-4: a risk officer and an A/B analysis created through the API
  const s = await apiSession(srv.base, USERS.risk);
  const r = await s.fetch('POST', '/analyses/abtest', { title: 'Checkout button', initiative_id: 3,
    spec: { control: 'A', metric: 'signup', arms: [{ name: 'A', units: 10000, conversions: 1000 }, { name: 'B', units: 10050, conversions: 1190 }] } });
  t.eq('res-4.0 analysis created', r.status, 201);
  const abId = (await r.json()).id;
  const risk = await pageAs(b, srv.base, USERS.risk);
  await go(risk, srv.base, '/risk/analyses');
  const row = risk.locator('[data-testid=analyses] tbody tr', { hasText: 'Checkout button' });
  t.ok('res-4.1 listed with verdict', (await row.textContent()).includes('Ship') && (await row.textContent()).includes('A/B test'));
  t.ok('res-4.2 no "still to come": path 3 is built (monitoring, switches)', !(await risk.textContent('#main')).includes('still to come'));
  await shot(risk, '44-analyses');
  await row.locator('a').first().click();
  await risk.waitForSelector('.analysis-page');
  await settle(risk);
  const ad = await risk.textContent('#main');
  t.ok('res-4.3 verdict, lift, CI, p-value', ad.includes('Arm B may ship') && ad.includes('Relative lift') && ad.includes('18.') && ad.includes('p-value'), ad.slice(0, 500));
  const armReasons = await risk.textContent('[data-testid=arm-verdicts]');
  t.ok('res-4.3b each arm with its decision and reasons', armReasons.includes('B') && armReasons.includes('Ship') && armReasons.includes("primary metric 'signup' improved significantly"), armReasons);
  await shot(risk, '45-analysis');
  // a failed fairness audit and an explanation
  const post = (kind, body) => s.fetch('POST', `/analyses/${kind}`, body).then((x) => x.json());
  const rows = ['gender,label,prediction'];
  for (let i = 0; i < 200; i++) rows.push(`${i % 2 ? 'F' : 'M'},${i % 3 === 0 ? 1 : 0},${i % 2 ? (i % 5 === 0 ? 1 : 0) : (i % 5 < 3 ? 1 : 0)}`);
  const fa = await post('fairness', { title: 'Credit model fairness', spec: { protected: 'gender' }, data: rows.join('\n') + '\n' });
  await go(risk, srv.base, '/risk/analyses/' + fa.id);
  const ft = await risk.textContent('#main');
  t.ok('res-4.5 fairness: failed metric and group rates', ft.includes('Fail') && ft.includes('Disparate impact') && ft.includes('Selection rate') && (await risk.locator('[data-testid=groups] tbody tr').count()) === 2, ft.slice(0, 500));
  await shot(risk, '45b-fairness');
  const ex = await post('explain', { title: 'Credit model drivers', data: 'age,income\n30,1.0\n50,2.0\n45,0.5\n',
    model: { model: 'logistic', intercept: -0.7, features: [{ name: 'age', coef: 0.03, mean: 41 }, { name: 'income', coef: -0.8, mean: 1.2 }] } });
  await go(risk, srv.base, '/risk/analyses/' + ex.id);
  const first = await risk.textContent('[data-testid=features] tbody tr:first-child');
  t.ok('res-4.6 explanation: ranked features', first.includes('income') && first.includes('higher values lower the output'), first);
  await shot(risk, '45c-explain');
  t.clean('res-4.4 clean', risk);

  // res-5: a viewer reads the pools, may not solve nor read analyses
  const viewer = await pageAs(b, srv.base, USERS.viewer);
  await go(viewer, srv.base, '/resources/pools');
  t.ok('res-5.1 viewer sees the flags', (await viewer.textContent('[data-testid=pool-flags]')).includes(`${CLUSTER} is idle`));
  await go(viewer, srv.base, '/resources/plan');
  t.eq('res-5.2 no solve button', await viewer.locator('[data-testid=solve]').count(), 0);
  await go(viewer, srv.base, '/risk/analyses');
  t.ok('res-5.3 analyses explained as not allowed', (await viewer.textContent('#main')).includes('Your role (Viewer) does not read them: Administrator, AI committee, ML engineer, Risk & compliance read every analysis, business owners those of their own initiatives'), await viewer.textContent('#main'));
  await shot(viewer, '46-analyses-viewer');
  t.clean('res-5.4 clean', viewer);

  // res-6: Chinese
  await chair.selectOption('header select.locale', 'zh-CN');
  await chair.waitForSelector('nav.mainnav a:text("资源")');
  await go(chair, srv.base, '/resources/pools');
  const zp = await chair.textContent('#main');
  t.ok('res-6.1 pools in Chinese', zp.includes('资源池') && zp.includes(`${CLUSTER} 处于闲置`) && zp.includes('租用更便宜'), zp.slice(0, 300));
  await shot(chair, '47-pools-zh');
  await go(chair, srv.base, '/resources/teams');
  t.ok('res-6.2 teams in Chinese', (await chair.textContent('[data-testid=team-findings]')).includes('缺少产品经理'));
  await go(chair, srv.base, '/resources/data');
  const zd = await chair.textContent('[data-testid=assets]');
  t.ok('res-6.2b readiness reasons worded in Chinese from their codes', zd.includes('重复行') && !zd.includes('duplicate rows'), zd.slice(0, 400));
  t.ok('res-6.2c undeclared personal data in Chinese', zd.includes('未标记为个人数据') && zd.includes('id_number（居民身份证号码，100%）'), zd.slice(0, 1200));
  await shot(chair, '48b-data-zh');
  await shot(chair, '48-teams-zh');
  await go(chair, srv.base, '/resources/plan');
  t.ok('res-6.3 plan in Chinese', (await chair.textContent('#main')).includes('重新求解'));
  const zu = await chair.textContent('[data-testid=unfunded]');
  t.ok('res-6.3b unfunded reason worded in Chinese from its code', zu.includes('互斥') && !zu.includes('mutually exclusive'), zu);
  await shot(chair, '49-plan-zh');
  await go(chair, srv.base, '/risk/analyses/' + abId);
  t.ok('res-6.4 analysis in Chinese', (await chair.textContent('#main')).includes('相对提升'));
  const zr = (await chair.textContent('[data-testid=reasons]')) + (await chair.textContent('[data-testid=arm-verdicts]'));
  t.ok('res-6.4b reasons worded in Chinese from their codes', zr.includes('上线方案“B”') && zr.includes('主要指标“signup”显著改善') && !zr.includes('improved'), zr);
  await shot(chair, '49b-analysis-zh');
  await go(chair, srv.base, '/risk/analyses/' + fa.id);
  const zf = await chair.textContent('[data-testid=reasons]');
  t.ok('res-6.4c fairness reasons in Chinese', zf.includes('gender') && zf.includes('未通过') && !zf.includes('threshold'), zf);
  t.clean('res-6.5 clean', chair);
});
