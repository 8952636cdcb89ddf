// SPDX-License-Identifier: GPL-3.0-or-later
// The shared definitions a KPI, an initiative or a data asset relies on
// (path 4): each linked definition by its term, with its status and, when
// not agreed, the finding the link raises and who holds it up; a picker to
// link another one found by a part of its term (GET /definitions?q=), each
// option showing its status before it is chosen; unlinking. The picker is
// an ARIA 1.2 combobox: type to search, ↓/↑ to move, Enter to link, Escape
// to close (a second Escape clears the text).
import { h } from '../lib/dom.js';
import { t, tv } from '../lib/i18n.js';
import { get, post, del } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { badge, errorBox } from './ui.js';

let seq = 0;

// Who holds a definition up: disputing departments, then the missing ones.
function holders(d) {
  return [...(d.disputed_by || []).map((x) => t('def.disputes', { who: x.name })), ...(d.missing || [])].join(', ');
}

// The words under a definition not agreed: linking to it is a finding.
function findingText(d) {
  if (d.status === 'agreed') return null;
  return t(d.status === 'disputed' ? 'defpick.finding_disputed' : 'defpick.finding_unagreed', { who: holders(d) || t('def.no_departments') });
}

// The definitions linked to (entity, id) out of a GET /definitions answer.
export function linkedTo(defs, entity, id) {
  const out = [];
  for (const d of defs.items || []) {
    const l = (d.links || []).find((x) => x.entity === entity && x.entity_id === id);
    if (l) out.push({ def: d, linkId: l.id });
  }
  return out;
}

// The picker alone: onPick(definition) when one is chosen.
export function definitionPicker({ onPick, exclude = new Set(), label }) {
  const n = ++seq;
  const listId = `defpick-list-${n}`, inputId = `defpick-input-${n}`, hintId = `defpick-hint-${n}`;
  let options = [], active = -1, timer = null, asked = 0;
  const input = h('input', {
    id: inputId, type: 'text', role: 'combobox', autocomplete: 'off', spellcheck: 'false',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId, 'aria-describedby': hintId,
    placeholder: t('defpick.placeholder'), 'data-testid': 'defpick-input',
  });
  const list = h('ul', { id: listId, role: 'listbox', class: 'defpick-list', hidden: true, 'aria-label': label || t('defpick.label') });
  // announced as the active option changes: its status and what linking does
  const hint = h('p', { id: hintId, class: 'defpick-hint muted small', 'aria-live': 'polite', 'data-testid': 'defpick-hint' }, t('defpick.help'));

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const setActive = (i) => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', j === i ? 'true' : 'false'));
    const d = options[i];
    if (!d) { input.removeAttribute('aria-activedescendant'); return; }
    input.setAttribute('aria-activedescendant', `${listId}-${i}`);
    list.children[i].scrollIntoView({ block: 'nearest' });
    hint.replaceChildren(h('strong', {}, d.name), ' — ', tv('defstatus', d.status), '. ',
      findingText(d) || t('defpick.agreed_ok'));
    hint.dataset.status = d.status;
  };
  const choose = (i) => {
    const d = options[i];
    if (!d) return;
    close();
    input.value = '';
    onPick(d);
  };
  const show = (items) => {
    options = items.filter((d) => !exclude.has(d.id));
    list.replaceChildren(...(options.length ? options.map((d, i) => h('li', {
      id: `${listId}-${i}`, role: 'option', 'aria-selected': 'false', class: 'defpick-option', dataset: { status: d.status, id: d.id },
      // mousedown, not click: the input keeps the focus
      onmousedown: (ev) => { ev.preventDefault(); choose(i); },
    }, h('span', { class: 'defpick-term' }, d.name), ' ', badge('defstatus', d.status), ' ',
      h('span', { class: 'muted small' }, tv('defkind', d.kind))))
      : [h('li', { class: 'defpick-empty muted', role: 'presentation' }, t('defpick.none'))]));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    active = -1;
    input.removeAttribute('aria-activedescendant');
    hint.replaceChildren(options.length ? t('defpick.count', { n: options.length }) : t('defpick.none'));
    delete hint.dataset.status;
  };
  const search = async () => {
    const mine = ++asked;
    const q = input.value.trim();
    try {
      const r = await get('/definitions' + (q ? '?q=' + encodeURIComponent(q) : ''));
      if (mine === asked && document.activeElement === input) show(r.items || []);
    } catch (err) {
      if (mine === asked) hint.replaceChildren(errorBox(err));
    }
  };
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 150); });
  input.addEventListener('blur', () => setTimeout(close, 100));
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      if (list.hidden) { search(); return; }
      if (!options.length) return;
      const step = ev.key === 'ArrowDown' ? 1 : -1;
      setActive(active < 0 ? (step > 0 ? 0 : options.length - 1) : (active + step + options.length) % options.length);
    } else if (ev.key === 'Enter') {
      if (!list.hidden && active >= 0) { ev.preventDefault(); choose(active); }
    } else if (ev.key === 'Escape') {
      if (!list.hidden) { ev.preventDefault(); close(); } else if (input.value) { ev.preventDefault(); input.value = ''; }
    } else if (ev.key === 'Home' || ev.key === 'End') {
      if (!list.hidden && options.length && active >= 0) { ev.preventDefault(); setActive(ev.key === 'Home' ? 0 : options.length - 1); }
    }
  });
  return h('div', { class: 'defpick' },
    h('label', { for: inputId }, label || t('defpick.label')),
    h('div', { class: 'defpick-box' }, input, list),
    hint);
}

// The section for one object: linked definitions and the picker. defs: a
// GET /definitions answer (one for the whole page). After a link changes
// the section reads the definitions again and redraws itself alone, the
// focus back in its picker, so a keyboard user goes on where they were.
export function definitionsOf({ defs, entity, id, mayLink = true }) {
  const box = h('div', { class: 'defpick-section', 'data-testid': 'definitions-of', dataset: { entity, id } });
  const mayEdit = mayLink && can('POST', '/definitions/{id}/links');
  const draw = (answer, refocus) => {
    const linked = linkedTo(answer, entity, id);
    const err = h('div');
    const act = async (fn) => {
      try {
        await fn();
        draw(await get('/definitions'), true);
      } catch (e) { err.replaceChildren(errorBox(e)); }
    };
    const rows = linked.map(({ def: d, linkId }) => h('li', { dataset: { definition: d.id, status: d.status } },
      h('a', { href: link('/organisation/definitions/' + d.id) }, d.name), ' ', badge('defstatus', d.status),
      mayEdit ? [' ', h('button', {
        type: 'button', class: 'link-button', 'aria-label': t('defpick.unlink_named', { name: d.name }),
        onclick: () => act(() => del(`/definitions/${d.id}/links/${linkId}`)),
      }, t('def.unlink'))] : null,
      findingText(d) ? h('div', { class: 'defpick-finding small', 'data-testid': 'definition-finding' }, '⚠ ', findingText(d)) : null));
    box.replaceChildren(
      rows.length ? h('ul', { class: 'plain-list defpick-linked' }, rows) : h('p', { class: 'muted small' }, t('defpick.no_links')),
      mayEdit ? definitionPicker({
        exclude: new Set(linked.map((x) => x.def.id)),
        label: t('defpick.label_for', { what: tv('defentity', entity) }),
        onPick: (d) => act(() => post(`/definitions/${d.id}/links`, { entity, entity_id: id })),
      }) : null,
      err);
    if (refocus) { const i = box.querySelector('input'); if (i) i.focus({ preventScroll: true }); }
  };
  draw(defs, false);
  return box;
}

// The same under its heading, for a panel's foot (full width at phone size).
export function definitionsBlock(opts) {
  return h('div', { class: 'defpick-block' }, h('h3', {}, t('defpick.title')), definitionsOf(opts));
}
