// SPDX-License-Identifier: GPL-3.0-or-later
// The compliance pages (issue 25, item 7) over the demo, in English and
// Chinese: the committee's overview (systems × frameworks, met / open /
// overdue, each cell opening the system's obligations); a system's
// obligations with why each applies, status, evidence and due date, and
// those that do not apply with why not; the calendar (overdue first, then
// within 7 days, filters by system and framework) and the subscription to
// the iCalendar feed with a calendar token of one's own; the ISO/IEC 42001
// Statement of Applicability (a risk officer decides a control, progress
// follows; an engineer reads it only); a change of scope flags previewed
// and refused in words for an owner whose initiative it is not, accepted
// for a risk officer; the dashboard's compliance deadlines; the pages on
// a phone; the regulatory exports downloaded from the overview (the
// system chosen, both languages; an engineer told who may draw them); a
// deadline running into a year without a Chinese working-day
// table listed without a date, with the reason, in both languages. keel's
// clock is set to 29 December of the table's last year (KEEL_NOW), so a
// change recorded on the 28th runs into the year without a table.
import fs from 'node:fs';
import path from 'node:path';
import { setUp, pageAs, go, settle, shot, run, apiSession, USERS, SHOTS } from './harness.mjs';

const fits = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
const text = (page, sel) => page.textContent(sel).then((x) => (x || '').replace(/\s+/g, ' '));

const SRC = process.env.KEEL_SOURCE_DIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const lastYear = Math.max(...Object.keys(JSON.parse(fs.readFileSync(path.join(SRC, 'data/rules/cn_workdays.json'), 'utf8')).years).map(Number));

await run('e2e compliance', async (t, cleanup) => {
  const { srv, b } = await setUp(cleanup, { env: { KEEL_NOW: `${lastYear}-12-29` } });

  // ---- c-1: the overview, as the committee ---------------------------------------------
  const chair = await pageAs(b, srv.base, USERS.committee, { width: 1440, height: 900 });
  await go(chair, srv.base, '/risk/compliance');
  const rows = await chair.$$eval('[data-testid=ov-grid] tbody tr', (trs) => trs.map((r) => r.dataset.system));
  t.eq('c-1.1 a row per system', rows.length, 6);
  const heads = await text(chair, '[data-testid=ov-grid] thead');
  t.ok('c-1.2 the four frameworks', ['EU AI Act', 'ISO/IEC 42001', 'NIST AI RMF', 'China'].every((x) => heads.includes(x)), heads);
  const cnCell = await text(chair, 'tr[data-system=product-recs] td[data-pack=china]');
  t.ok('c-1.3 product-recs: China overdue', /1 overdue/.test(cnCell) && /\d+ \/ \d+ met/.test(cnCell), cnCell);
  t.ok('c-1.4 a framework not in the jurisdictions does not apply',
    (await text(chair, 'tr[data-system=product-recs] td[data-pack=eu_ai_act]')).includes('does not apply'));
  t.ok('c-1.5 the SoA decided organisation-wide, progress shown', (await text(chair, '#main')).includes('5 of 38 controls decided'));
  const due = await text(chair, '[data-testid=ov-due]');
  t.ok('c-1.6 overdue and due within 7 days', due.includes('product-recs') && due.includes('card-fraud-scoring') && due.includes('Overdue'), due);
  t.ok('c-1.7 in the Risk tabs', (await text(chair, 'nav.tabs')).includes('Compliance calendar'));
  await shot(chair, 'c-overview-en');
  t.clean('c-1.8 clean', chair);

  // ---- c-2: a cell opens the system's obligations ---------------------------------------
  await chair.click('tr[data-system=product-recs] td[data-pack=china] a');
  await settle(chair);
  t.ok('c-2.1 the obligations page', chair.url().endsWith('/risk/systems/product-recs/obligations'), chair.url());
  const chg = 'tr[data-ob="cn.algo24.change"]';
  const row = await text(chair, chg);
  t.ok('c-2.2 source and article', row.includes('算法推荐管理规定 Art. 24'), row);
  t.ok('c-2.3 why it applies, in words', row.includes('Public-opinion or mobilisation capacity: yes') && row.includes('Jurisdictions include China'), row);
  t.ok('c-2.4 status and overdue', (await chair.getAttribute(chg, 'data-overdue')) === '1' && row.includes('Missing') && row.includes('Overdue'), row);
  t.ok('c-2.5 due date and its reason (working days across the National Day week)',
    row.includes('10 working days (China) after the change on') && row.includes('Algorithm filing'), row);
  t.ok('c-2.6 unverified figures said so', row.includes('not verified'), row);
  t.ok('c-2.7 evidence freshness', (await text(chair, 'tr[data-ob="nist.ms2.5"]')).includes('A/B test'));
  t.ok('c-2.8 not applicable folded', !(await chair.isVisible('[data-testid=not-applicable] li')));
  await chair.click('[data-testid=not-applicable] summary');
  const na = await text(chair, '[data-testid=not-applicable]');
  t.ok('c-2.9 not applicable, with why not', /Not applicable \(\d+\)/.test(na) && na.includes('Generative: no') && na.includes('Jurisdictions do not include EU'), na.slice(0, 400));
  await shot(chair, 'c-obligations-en');
  t.clean('c-2.10 clean', chair);

  // ---- c-3: the calendar ------------------------------------------------------------------
  await go(chair, srv.base, '/risk/calendar');
  const buckets = await chair.$$eval('[data-bucket]', (s) => s.map((x) => x.dataset.bucket));
  t.ok('c-3.1 overdue first, then within 7 days, then later', buckets.join() === 'overdue,week,later', buckets.join());
  const firsts = await chair.$$eval('[data-bucket=overdue] tbody tr', (trs) => trs.map((r) => r.dataset.system));
  t.ok('c-3.2 the overdue items', firsts.includes('product-recs') && firsts.includes('credit-scoring-v2'), firsts.join());
  t.ok('c-3.3 due within 7 days', (await text(chair, '[data-bucket=week]')).includes('card-fraud-scoring'));
  t.ok('c-3.4 the reason', (await text(chair, '[data-bucket=overdue]')).includes('15 days after the incident on'));
  await chair.selectOption('select[data-key=system]', 'credit-scoring-v2');
  let sys = await chair.$$eval('[data-testid=calendar] tbody tr', (trs) => [...new Set(trs.map((r) => r.dataset.system))]);
  t.ok('c-3.5 filter by system', sys.join() === 'credit-scoring-v2', sys.join());
  await chair.selectOption('select[data-key=system]', '');
  await chair.selectOption('select[data-key=pack]', 'eu_ai_act');
  const packs = await chair.$$eval('[data-testid=calendar] tbody tr', (trs) => [...new Set(trs.map((r) => r.dataset.pack))]);
  t.ok('c-3.6 filter by framework', packs.join() === 'eu_ai_act', packs.join());
  await chair.selectOption('select[data-key=pack]', '');
  await chair.click('[data-testid=subscribe] summary');
  const sub = await text(chair, '[data-testid=subscribe]');
  t.ok('c-3.7 how to subscribe, no token shown', sub.includes('/api/v1/calendar.ics?token=YOUR-TOKEN') && !/token=[0-9a-f]{16}/.test(sub), sub);
  await shot(chair, 'c-calendar-en');
  t.clean('c-3.8 clean', chair);

  // ---- c-4: a calendar token of one's own, and the feed it reads -------------------------
  await chair.click('[data-testid=make-token]');
  await settle(chair);
  t.eq('c-4.1 the token form, scope preselected', await chair.inputValue('select[name=scope]'), 'calendar:read');
  await chair.fill('input[name=name]', 'My calendar');
  await chair.click('form button[type=submit]');
  await chair.waitForSelector('#feed-url');
  const feed = (await chair.textContent('#feed-url')).trim();
  t.ok('c-4.2 the feed address with the new token', /\/api\/v1\/calendar\.ics\?token=\S+$/.test(feed), feed);
  const ics = await fetch(feed);
  const body = await ics.text();
  t.ok('c-4.3 the feed answers iCalendar', ics.status === 200 && body.includes('BEGIN:VCALENDAR') && body.includes('product-recs'), ics.status + body.slice(0, 200));
  t.clean('c-4.4 clean', chair);

  // ---- c-5: the SoA: a risk officer decides a control (accepted) --------------------------
  const risk = await pageAs(b, srv.base, USERS.risk, { width: 1440, height: 900 });
  await go(risk, srv.base, '/risk/soa');
  t.ok('c-5.1 progress', (await text(risk, '#main')).includes('5 of 38 controls decided'));
  const a23 = 'tr[data-control="A.2.3"]';
  t.eq('c-5.2 undecided', await risk.getAttribute(a23, 'data-state'), 'undecided');
  await risk.click(`${a23} .soa-edit summary`);
  await risk.waitForSelector(`${a23} form`);
  await risk.click(`${a23} form button[type=submit]`);
  await risk.waitForSelector(`${a23} .field-error:not(:empty)`);
  t.ok('c-5.3 a justification is required', /required/i.test(await text(risk, `${a23} form`)), await text(risk, `${a23} form`));
  await risk.selectOption(`${a23} select[name=included]`, 'true');
  await risk.fill(`${a23} textarea[name=justification]`, 'The AI policy refers to the data-protection and security policies.');
  await risk.fill(`${a23} textarea[name=implementation]`, 'Policy map, reviewed yearly');
  await risk.click(`${a23} form button[type=submit]`);
  await risk.waitForFunction(() => document.body.textContent.includes('6 of 38 controls decided'), null, { timeout: 15000 });
  await settle(risk);
  t.eq('c-5.4 accepted: included', await risk.getAttribute(a23, 'data-state'), 'included');
  t.ok('c-5.5 with its justification', (await text(risk, a23)).includes('data-protection and security policies'));
  await shot(risk, 'c-soa-en');
  t.clean('c-5.6 clean', risk);

  // ---- c-6: an engineer reads the SoA and is offered no decision --------------------------
  const eng = await pageAs(b, srv.base, USERS.engineer);
  await go(eng, srv.base, '/risk/soa');
  t.eq('c-6.1 no decision form', await eng.$$eval('.soa-edit', (x) => x.length), 0);
  const ro = await text(eng, '[data-testid=soa-readonly]');
  t.ok('c-6.2 who decides, in words', ro.includes('Risk & compliance') && ro.includes('reads the statement'), ro);
  const api = await apiSession(srv.base, USERS.engineer);
  const refused = await api.fetch('PUT', '/compliance/soa', { control: 'A.2.4', included: true, justification: 'x' });
  t.eq('c-6.3 and the server refuses it', refused.status, 403);
  t.clean('c-6.4 clean', eng);

  // ---- c-7: scope flags: previewed, refused for an owner whose initiative it is not -------
  const owner = await pageAs(b, srv.base, USERS.owner, { width: 1440, height: 900 });
  await go(owner, srv.base, '/risk/systems/product-recs/obligations');
  await owner.click('[data-testid=scope-edit] summary');
  t.ok('c-7.1 told beforehand', (await text(owner, '[data-testid=scope-edit]')).includes('your own initiatives'));
  await owner.check('[data-testid=scope-edit] input[name=generative]');
  await owner.waitForSelector('[data-testid=flag-preview]');
  const pv = await text(owner, '[data-testid=flag-preview]');
  t.ok('c-7.2 the preview: what would apply', pv.includes('would apply in addition') && pv.includes('GB 45438'), pv);
  await owner.click('[data-testid=scope-edit] form button[type=submit]');
  await owner.waitForSelector('[data-testid=scope-edit] .form-error:not([hidden])');
  const ref = await text(owner, '[data-testid=scope-edit] .form-error');
  t.ok('c-7.3 refused in words', ref.includes('initiatives they own'), ref);
  const after = await (await (await apiSession(srv.base, USERS.admin)).fetch('GET', '/systems/product-recs')).json();
  t.ok('c-7.4 nothing changed', !after.generative, JSON.stringify(after).slice(0, 200));
  await shot(owner, 'c-refused-en');
  t.clean('c-7.5 clean', owner);

  // ---- c-8: ... and accepted for a risk officer ----------------------------------------------
  await go(risk, srv.base, '/risk/systems/service-chatbot/obligations');
  t.ok('c-8.1 not applicable before', !(await risk.$(`table.obligations tr[data-ob="cn.pipl39"]`)));
  await risk.click('[data-testid=scope-edit] summary');
  await risk.check('[data-testid=scope-edit] input[name=transfer_abroad]');
  await risk.waitForSelector('[data-testid=flag-preview] li[data-ob="cn.pipl39"]');
  await risk.click('[data-testid=scope-edit] form button[type=submit]');
  await risk.waitForSelector('table.obligations tr[data-ob="cn.pipl39"]', { timeout: 15000 });
  await settle(risk);
  t.ok('c-8.2 saved: the obligation applies, and why', (await text(risk, 'tr[data-ob="cn.pipl39"]')).includes('Personal data sent abroad: yes'));
  t.clean('c-8.3 clean', risk);

  // ---- c-9: the dashboard's compliance deadlines ------------------------------------------
  await go(chair, srv.base, '/');
  const hl = await text(chair, '[data-testid=compliance-headline]');
  t.ok('c-9.1 overdue and due within 7 days on the dashboard', /2\s*Compliance items overdue/.test(hl) && /1\s*Due within 7 days/.test(hl), hl);
  t.ok('c-9.2 each item linked', (await chair.$$eval('[data-testid=compliance-due] a', (a) => a.length)) === 3);
  t.clean('c-9.3 clean', chair);

  // ---- c-10: in Chinese ----------------------------------------------------------------------
  const zh = await pageAs(b, srv.base, USERS.committee, { locale: 'zh-CN', width: 1440, height: 900 });
  await go(zh, srv.base, '/risk/compliance');
  const zov = await text(zh, '#main');
  t.ok('c-10.1 overview in Chinese', zov.includes('合规概览') && zov.includes('欧盟《人工智能法》') && zov.includes('已逾期') && zov.includes('适用性声明'), zov.slice(0, 300));
  await shot(zh, 'c-overview-zh');
  await go(zh, srv.base, '/risk/systems/product-recs/obligations');
  const zrow = await text(zh, 'tr[data-ob="cn.algo24.change"]');
  t.ok('c-10.2 obligation and why in Chinese', zrow.includes('备案信息变更后 10 个工作日内办理变更') && zrow.includes('具有舆论属性或社会动员能力：是') && zrow.includes('适用法域包括中国'), zrow);
  t.ok('c-10.3 due reason in Chinese', zrow.includes('个工作日（按中国法定工作日计算）') && zrow.includes('已逾期'), zrow);
  // each status detail is a sentence the server writes in English (detail)
  // and as a code with values (detail_code): worded in Chinese
  const zobl = await text(zh, '#main');
  t.ok('c-10.3.1 status details in Chinese', zobl.includes('已记入登记册') && zobl.includes('版本 5.0 尚无人工干预开关测试记录')
    && !/on record for version|recorded in the register|reviewed \d/.test(zobl), zobl.slice(0, 600));
  // a gate requirement a rule pack adds is named by the obligation's title
  // in the reader's language; the built-in red-team one by the catalogue
  await go(zh, srv.base, '/risk/systems/service-chatbot');
  const zgate = await text(zh, '[data-testid=gate-board]');
  t.ok('c-10.3.2 gate requirements named in Chinese', zgate.includes('透明度：告知用户正在与人工智能交互') && zgate.includes('红队测试报告')
    && !/Transparency: people told|a red-team report|no \w+ on record/.test(zgate), zgate.slice(0, 600));
  await go(zh, srv.base, '/risk/systems/product-recs/obligations');
  await zh.click('[data-testid=not-applicable] summary');
  t.ok('c-10.4 why not, in Chinese', (await text(zh, '[data-testid=not-applicable]')).includes('生成式：否'));
  await shot(zh, 'c-obligations-zh');
  await go(zh, srv.base, '/risk/calendar');
  const zcal = await text(zh, '#main');
  t.ok('c-10.5 calendar in Chinese', zcal.includes('合规日历') && zcal.includes('已逾期（2）') && zcal.includes('7 日内到期（1）') && zcal.includes('事件（'), zcal.slice(0, 400));
  await zh.click('[data-testid=subscribe] summary');
  t.ok('c-10.6 subscribe in Chinese', (await text(zh, '[data-testid=subscribe]')).includes('日历订阅（只读）'));
  await shot(zh, 'c-calendar-zh');
  await go(zh, srv.base, '/risk/soa');
  const zsoa = await text(zh, '#main');
  t.ok('c-10.7 SoA in Chinese', zsoa.includes('适用性声明') && zsoa.includes('已决定 6 / 38 项控制措施') && zsoa.includes('人工智能方针') && zsoa.includes('纳入'), zsoa.slice(0, 300));
  await shot(zh, 'c-soa-zh');
  t.clean('c-10.8 clean', zh);
  // a refusal in Chinese
  const zowner = await pageAs(b, srv.base, USERS.owner, { locale: 'zh-CN', width: 1440, height: 900 });
  await go(zowner, srv.base, '/risk/systems/product-recs/obligations');
  await zowner.click('[data-testid=scope-edit] summary');
  await zowner.check('[data-testid=scope-edit] input[name=generative]');
  await zowner.click('[data-testid=scope-edit] form button[type=submit]');
  await zowner.waitForSelector('[data-testid=scope-edit] .form-error:not([hidden])');
  const zref = await text(zowner, '[data-testid=scope-edit] .form-error');
  t.ok('c-10.9 refused in Chinese words', zref.includes('业务负责人只能修改自己负责的'), zref);
  await shot(zowner, 'c-refused-zh');
  t.clean('c-10.10 clean', zowner);

  // ---- c-11: on a phone, both languages -----------------------------------------------------
  for (const [loc, tag] of [['en-GB', 'en'], ['zh-CN', 'zh']]) {
    const ph = await pageAs(b, srv.base, USERS.committee, { locale: loc, width: 390, height: 844 });
    for (const [p, name] of [['/risk/compliance', 'overview'], ['/risk/calendar', 'calendar'], ['/risk/systems/credit-scoring-v2/obligations', 'obligations'], ['/risk/soa', 'soa']]) {
      await go(ph, srv.base, p);
      t.ok(`c-11 ${tag} ${name} fits a phone`, await fits(ph), await ph.evaluate(() => document.documentElement.scrollWidth));
      await shot(ph, `c-phone-${name}-${tag}`);
      await ph.screenshot({ path: path.join(SHOTS, `c-phone-${name}-${tag}-top.png`) }); // the first screen
    }
    t.clean('c-11 clean ' + tag, ph);
  }

  // ---- c-12: a deadline keel cannot date: listed, with the reason, never guessed ---------
  const admin = await apiSession(srv.base, USERS.admin);
  const ev = await admin.fetch('POST', '/systems/product-recs/compliance-events',
    { kind: 'change', occurred_on: `${lastYear}-12-28`, description: 'ranking model changed' });
  t.eq('c-12.1 a change recorded', ev.status, 201);
  await go(chair, srv.base, '/risk/calendar');
  const und = await text(chair, '[data-bucket=undated]');
  t.ok('c-12.2 no date, and why', und.includes('No date yet (1)') && und.includes('product-recs') && und.includes(`no Chinese working-day table for ${lastYear + 1}`), und);
  t.ok('c-12.3 last in the list', (await chair.$$eval('[data-bucket]', (s) => s.map((x) => x.dataset.bucket))).pop() === 'undated');
  await go(zh, srv.base, '/risk/calendar');
  const zund = await text(zh, '[data-bucket=undated]');
  t.ok('c-12.4 in Chinese', zund.includes('暂无日期（1）') && zund.includes(`尚无 ${lastYear + 1} 年的中国节假日及调休工作日表`), zund);
  await shot(zh, 'c-calendar-undated-zh');
  t.clean('c-12.5 clean', chair);
  t.clean('c-12.6 clean', zh);
  // ---- c-13: the regulatory exports, downloaded from the overview ---------------------------
  await go(chair, srv.base, '/risk/compliance');
  const kinds = await chair.$$eval('[data-testid=ov-exports] tbody tr', (trs) => trs.map((r) => r.dataset.kind));
  t.ok('c-13.1 the six kinds', ['register', 'eu-registration', 'soa', 'algorithm-self-assessment', 'algorithm-disclosure', 'pipl-pia'].every((k) => kinds.includes(k)), kinds.join());
  const dl = (page, sel) => page.$eval(sel, async (a) => {
    const r = await fetch(a.href, { credentials: 'same-origin' });
    return { href: a.href, status: r.status, cd: r.headers.get('content-disposition') || '', type: r.headers.get('content-type') || '', body: await r.text() };
  });
  const reg = await dl(chair, 'tr[data-kind=register] a[data-format=csv][data-lang=en]');
  t.ok('c-13.2 the register as CSV', reg.status === 200 && reg.cd.includes('attachment') && reg.type.startsWith('text/csv') && reg.body.includes('credit-scoring-v2'), `${reg.status} ${reg.cd} ${reg.type}`);
  const sysSel = 'tr[data-kind=eu-registration] select';
  const opts = await chair.$$eval(sysSel + ' option', (o) => o.map((x) => x.value));
  await chair.selectOption(sysSel, opts[opts.length - 1]);
  const eu = await dl(chair, 'tr[data-kind=eu-registration] a[data-format=md][data-lang=en]');
  t.ok('c-13.3 per system: the system chosen is the one drawn', eu.status === 200 && eu.href.includes('system=' + opts[opts.length - 1]) && eu.body.includes(opts[opts.length - 1]), `${eu.status} ${eu.href}`);
  const pia = await dl(chair, 'tr[data-kind=pipl-pia] a[data-format=md][data-lang=zh-CN]');
  t.ok('c-13.4 the PIPL record in Chinese', pia.status === 200 && pia.body.includes('个人信息保护影响评估'), `${pia.status} ${pia.body.slice(0, 120)}`);
  await shot(chair, 'c-exports-en');
  await go(zh, srv.base, '/risk/compliance');
  const zex = await text(zh, '[data-testid=ov-exports]');
  t.ok('c-13.5 the exports in Chinese', zex.includes('算法自评估报告') && zex.includes('下载') && zex.includes('中文'), zex.slice(0, 300));
  const eng2 = await pageAs(b, srv.base, USERS.engineer, { width: 1440, height: 900 });
  await go(eng2, srv.base, '/risk/compliance');
  t.ok('c-13.6 an engineer gets no download links, and is told who may', (await eng2.$$('[data-testid=ov-exports] a.ex-link')).length === 0 &&
    (await text(eng2, '[data-testid=ex-readonly]')).includes('Risk & compliance'), await text(eng2, '[data-testid=ov-exports]'));
  t.clean('c-13.7 clean', chair);
  t.clean('c-13.8 clean', eng2);
});
