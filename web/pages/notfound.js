// SPDX-License-Identifier: GPL-3.0-or-later
// An address the UI does not know.
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { link } from '../lib/router.js';
import { pageHeader } from '../components/ui.js';

export function render() {
  return h('div', {}, pageHeader(t('page.notfound'), t('notfound.text')),
    h('p', {}, h('a', { href: link('/') }, t('notfound.home'))));
}
