// SPDX-License-Identifier: GPL-3.0-or-later
// Alignment page (placeholder until the alignment API is served).
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { pageHeader, notice } from '../components/ui.js';

export function render() {
  return h('div', {}, pageHeader(t('page.initiatives')), notice(t('home.no_alignment'), 'info'));
}
