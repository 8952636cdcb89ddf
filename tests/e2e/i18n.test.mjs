// SPDX-License-Identifier: GPL-3.0-or-later
// The message catalogues: en and zh-CN have the same keys, no message is
// empty, placeholders agree, and every literal key the UI's code uses with
// t('...') exists. (No browser needed.)
import fs from 'node:fs';
import path from 'node:path';
import { Checks } from './harness.mjs';

const SRC = process.env.KEEL_SOURCE_DIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const web = path.join(SRC, 'web');
const en = (await import(path.join(web, 'i18n/en.js'))).default;
const zh = (await import(path.join(web, 'i18n/zh-CN.js'))).default;
const t = new Checks('i18n');

const ke = Object.keys(en), kz = Object.keys(zh);
t.ok('i18n-1.1', ke.every((k) => k in zh), 'missing in zh-CN: ' + ke.filter((k) => !(k in zh)).join(', '));
t.ok('i18n-1.2', kz.every((k) => k in en), 'missing in en: ' + kz.filter((k) => !(k in en)).join(', '));
t.ok('i18n-1.3', ke.every((k) => en[k] && (zh[k] ?? 'x')), 'empty messages');
const vars = (s) => (String(s).match(/\{\w+\}/g) || []).sort().join();
t.ok('i18n-1.4', ke.every((k) => !(k in zh) || vars(en[k]) === vars(zh[k])),
  'placeholders differ: ' + ke.filter((k) => k in zh && vars(en[k]) !== vars(zh[k])).join(', '));
// a key given twice in one catalogue: the later silently wins (a review's
// label once replaced the map's sentence for the same finding kind)
for (const [name, file] of [['en', 'i18n/en.js'], ['zh-CN', 'i18n/zh-CN.js']]) {
  const keys = [...fs.readFileSync(path.join(web, file), 'utf8').matchAll(/^\s*'([^']+)':/gm)].map((m) => m[1]);
  const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
  t.ok('i18n-1.6 ' + name + ' no key twice', twice.length === 0, twice.join(', '));
}
// zh-CN really is Chinese: most messages hold CJK characters
const cjk = kz.filter((k) => /[\u4e00-\u9fff]/.test(zh[k])).length;
t.ok('i18n-1.5', cjk / kz.length > 0.85, `only ${cjk} of ${kz.length} zh-CN messages are Chinese`);

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? (d.name === 'i18n' || d.name === 'vendor' ? [] : walk(path.join(dir, d.name)))
      : d.name.endsWith('.js') ? [path.join(dir, d.name)] : []);
}
const used = new Set();
for (const f of walk(web)) {
  const src = fs.readFileSync(f, 'utf8');
  for (const m of src.matchAll(/\bt\('([\w.\-]+)'/g)) used.add(m[1]);
  for (const m of src.matchAll(/title: '([\w.\-]+)'/g)) used.add(m[1]);
  const code = src.split('\n').filter((l) => !/^\s*\/\//.test(l)).join('\n');
  t.ok('i18n-2 ' + path.relative(web, f), !/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/.test(code),
    'builds markup from strings');
  t.ok('i18n-3 ' + path.relative(web, f), /^\/\/ SPDX-License-Identifier: GPL-3\.0-or-later/.test(src), 'no SPDX header');
}
const missing = [...used].filter((k) => !k.endsWith('.') && !(k in en));
t.ok('i18n-4', missing.length === 0, 'keys used but not in the catalogue: ' + missing.join(', '));

// the server's words: every specific refusal code (err_set_code) has its
// message, and every code of a sentence (say(), add_cause(), the risk
// finding: docs/api.md#sentences) its <prefix>.say.<code>, in both
// catalogues, so that no Chinese page falls back to English
const csrc = (f) => fs.readFileSync(path.join(SRC, 'src/domain', f), 'utf8');
const allC = fs.readdirSync(path.join(SRC, 'src'), { recursive: true }).filter((f) => f.endsWith('.c'))
  .map((f) => fs.readFileSync(path.join(SRC, 'src', f), 'utf8')).join('\n');
const errCodes = new Set([...allC.matchAll(/err_set_code\(\s*[^,]+,\s*\w+,\s*"(\w+)"/g)].map((m) => m[1]));
const noMsg = [...errCodes].filter((c) => !(('error.' + c) in en && ('error.' + c) in zh));
t.ok('i18n-5.1 refusal codes have messages', errCodes.size > 40 && noMsg.length === 0, 'no error.<code> for: ' + noMsg.join(', '));
const sayCodes = [...csrc('gate.c').matchAll(/say\(\s*"(\w+)"/g), ...csrc('gate.c').matchAll(/\? "(\w+)"\s*: "(\w+)",\s*\n\s*json_pack/g)]
  .flatMap((m) => m.slice(1)).filter(Boolean).map((c) => 'gate.say.' + c);
const causeCodes = [...csrc('slip.c').matchAll(/add_cause\(causes, "\w+", "(\w+)"/g)].map((m) => 'cause.say.' + m[1]);
const oblCodes = [...csrc('compliance.c').matchAll(/zSay = "(\w+)"/g)].map((m) => 'obl.say.' + m[1]);
const blockers = ['unaligned', 'signoffs_missing', 'gate_refused'].map((c) => 'cause.say.' + c);
const keys = [...sayCodes, ...causeCodes, ...oblCodes, ...blockers, 'risks.say.mitigation_overdue'];
const noSay = keys.filter((k) => !(k in en && k in zh));
t.ok('i18n-5.2 sentence codes have messages', sayCodes.length > 20 && causeCodes.length >= 4 && oblCodes.length === 3 && noSay.length === 0,
  `${sayCodes.length} gate, ${causeCodes.length} cause, ${oblCodes.length} obligation codes; no message for: ${noSay.join(', ')}`);
t.done();
