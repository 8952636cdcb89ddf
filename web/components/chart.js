// SPDX-License-Identifier: GPL-3.0-or-later
// Charts with Apache ECharts (embedded as vendor/echarts.esm.min.js, loaded
// on first use). chart(option, {height, label}) returns a container that
// draws itself once in the document. Tooltips use ECharts' rich-text mode:
// its HTML tooltips carry inline style attributes, which the CSP forbids.
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

let echartsPromise = null;
const live = new Set();

function load() {
  if (!echartsPromise) echartsPromise = import('../vendor/echarts.esm.min.js');
  return echartsPromise;
}

// The theme's colours, also used for series.
export const COLORS = ['#1d4e89', '#2a9d8f', '#e9c46a', '#f4a261', '#e76f51', '#6d597a', '#8ab17d', '#577590'];

// One colour per stage, the same in every chart (matrix, roadmap).
export const STAGE_COLORS = { idea: '#9aa5b1', assessed: '#3b82f6', approved: '#10b981', pilot: '#7c3aed',
  scaling: '#0891b2', operating: '#15803d', retired: '#64748b', rejected: '#dc2626' };
export const STAGES = Object.keys(STAGE_COLORS);

export function chart(option, { height = 280, label = '', cls } = {}) {
  const el = h('div', { class: ['chart', cls], role: 'img', 'aria-label': label || t('chart.label') });
  el.style.height = height + 'px';
  const opt = { color: COLORS, animation: false, textStyle: { fontFamily: 'inherit' }, ...option };
  if (opt.tooltip) opt.tooltip = { renderMode: 'richText', ...opt.tooltip };
  load().then((echarts) => {
    let tries = 0;
    const draw = () => {
      if (!el.isConnected) { if (++tries < 300) requestAnimationFrame(draw); return; }
      const c = echarts.init(el, null, { renderer: 'canvas' });
      c.setOption(opt);
      el.dataset.ready = '1';
      live.add(c);
    };
    draw();
  }).catch(() => {
    el.classList.add('chart-missing');
    el.textContent = t('chart.unavailable');
    el.dataset.ready = '1';
  });
  return el;
}

// Free every chart (before a page is replaced).
export function disposeCharts() {
  for (const c of live) c.dispose();
  live.clear();
}

window.addEventListener('resize', () => { for (const c of live) c.resize(); });
