// SPDX-License-Identifier: GPL-3.0-or-later
// A path that is not built yet says so plainly, and says what it will do.
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { pageHeader, panel, notice } from '../components/ui.js';

export function render({ params }) {
  const key = params.path;
  const items = t(`unbuilt.${key}.items`).split('|');
  return h('div', { class: 'unbuilt-page', dataset: { path: key } },
    pageHeader(t('nav.' + key), t(`unbuilt.${key}.lead`)),
    notice(t('unbuilt.notice'), 'info'),
    panel(t('unbuilt.will'), h('ul', { class: 'plain-list' }, items.map((x) => h('li', {}, x)))));
}
