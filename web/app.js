// SPDX-License-Identifier: GPL-3.0-or-later
// The UI's entry point: resume the session (or show sign-in), then render
// the page the hash names inside the layout, again on every hash change and
// language switch. Each page is a module exporting render(ctx) -> Node,
// where ctx = {params, query, who, settings, refresh}.
import { h, replace } from './lib/dom.js';
import { t, detectLocale, setLocale, onLocaleChange } from './lib/i18n.js';
import { onUnauthenticated } from './lib/api.js';
import { session, resume, signOut } from './lib/session.js';
import { currentPath, currentQuery, match, navigate } from './lib/router.js';
import { layout, refreshInboxCount } from './components/layout.js';
import { errorBox, loading } from './components/ui.js';
import { disposeCharts } from './components/chart.js';
import * as signin from './pages/signin.js';
import * as home from './pages/home.js';
import * as units from './pages/units.js';
import * as people from './pages/people.js';
import * as accounts from './pages/accounts.js';
import * as tokens from './pages/tokens.js';
import * as settingsPage from './pages/settings.js';
import * as audit from './pages/audit.js';
import * as objectives from './pages/objectives.js';
import * as objective from './pages/objective.js';
import * as initiatives from './pages/initiatives.js';
import * as initiative from './pages/initiative.js';
import * as alignmap from './pages/alignmap.js';
import * as priorities from './pages/priorities.js';
import * as catalogue from './pages/catalogue.js';
import * as pools from './pages/pools.js';
import * as plan from './pages/plan.js';
import * as teams from './pages/teams.js';
import * as dataassets from './pages/dataassets.js';
import * as analyses from './pages/analyses.js';
import * as analysis from './pages/analysis.js';
import * as systems from './pages/systems.js';
import * as systemPage from './pages/system.js';
import * as production from './pages/production.js';
import * as sysprod from './pages/sysprod.js';
import * as riskmap from './pages/riskmap.js';
import * as reviews from './pages/reviews.js';
import * as switches from './pages/switches.js';
import * as qreview from './pages/qreview.js';
import * as actionsPage from './pages/actions.js';
import * as radar from './pages/radar.js';
import * as inbox from './pages/inbox.js';
import * as preferences from './pages/preferences.js';
import * as committee from './pages/committee.js';
import * as proposal from './pages/proposal.js';
import * as decisions from './pages/decisions.js';
import * as training from './pages/training.js';
import * as definitions from './pages/definitions.js';
import * as slipsPage from './pages/slips.js';
import * as notfound from './pages/notfound.js';
import * as obligations from './pages/obligations.js';
import * as compliance from './pages/compliance.js';
import * as calendar from './pages/calendar.js';
import * as soa from './pages/soa.js';

const ROUTES = [
  { path: '/', page: home, title: 'page.home' },
  { path: '/alignment', redirect: '/alignment/objectives' },
  { path: '/alignment/objectives', page: objectives, title: 'page.objectives' },
  { path: '/alignment/objectives/:id', page: objective, title: 'page.objective' },
  { path: '/alignment/initiatives', page: initiatives, title: 'page.initiatives' },
  { path: '/alignment/initiatives/:id', page: initiative, title: 'page.initiative' },
  { path: '/alignment/map', page: alignmap, title: 'page.map' },
  { path: '/alignment/priorities', page: priorities, title: 'page.priorities' },
  { path: '/alignment/catalogue', page: catalogue, title: 'page.catalogue' },
  { path: '/resources', redirect: '/resources/pools' },
  { path: '/resources/pools', page: pools, title: 'page.pools' },
  { path: '/resources/plan', page: plan, title: 'page.plan' },
  { path: '/resources/teams', page: teams, title: 'page.teams' },
  { path: '/resources/data', page: dataassets, title: 'page.assets' },
  { path: '/risk', redirect: '/risk/systems' },
  { path: '/risk/systems', page: systems, title: 'page.systems' },
  { path: '/risk/systems/:name', page: systemPage, title: 'page.system' },
  { path: '/risk/systems/:name/production', page: sysprod, title: 'page.sysprod' },
  { path: '/risk/production', page: production, title: 'page.production' },
  { path: '/risk/register', page: riskmap, title: 'page.riskmap' },
  { path: '/risk/reviews', page: reviews, title: 'page.reviews' },
  { path: '/risk/switches', page: switches, title: 'page.switches' },
  { path: '/risk/analyses', page: analyses, title: 'page.analyses' },
  { path: '/risk/analyses/:id', page: analysis, title: 'page.analysis' },
  { path: '/risk/systems/:name/obligations', page: obligations, title: 'page.obligations' },
  { path: '/risk/compliance', page: compliance, title: 'page.compliance' },
  { path: '/risk/calendar', page: calendar, title: 'page.calendar' },
  { path: '/risk/soa', page: soa, title: 'page.soa' },
  { path: '/organisation', redirect: '/organisation/units' },
  { path: '/organisation/units', page: units, title: 'page.units' },
  { path: '/organisation/people', page: people, title: 'page.people' },
  { path: '/organisation/committee', page: committee, title: 'page.committee' },
  { path: '/organisation/proposals/:id', page: proposal, title: 'page.proposal' },
  { path: '/organisation/decisions', page: decisions, title: 'page.decisions' },
  { path: '/organisation/training', page: training, title: 'page.training' },
  { path: '/organisation/definitions', page: definitions, title: 'page.definitions' },
  { path: '/organisation/definitions/:id', page: definitions, title: 'page.definitions' },
  { path: '/organisation/slips', page: slipsPage, title: 'page.slips' },
  { path: '/iteration', redirect: '/iteration/reviews' },
  { path: '/iteration/reviews', page: qreview, title: 'page.qreviews' },
  { path: '/iteration/actions', page: actionsPage, title: 'page.actions' },
  { path: '/iteration/radar', page: radar, title: 'page.radar' },
  { path: '/inbox', page: inbox, title: 'page.inbox' },
  { path: '/me', page: preferences, title: 'page.preferences' },
  { path: '/admin', redirect: '/admin/accounts' },
  { path: '/admin/accounts', page: accounts, title: 'page.accounts' },
  { path: '/admin/tokens', page: tokens, title: 'page.tokens' },
  { path: '/admin/settings', page: settingsPage, title: 'page.settings' },
  { path: '/admin/audit', page: audit, title: 'page.audit' },
];

const root = document.getElementById('app');
let renderSeq = 0;
let firstRender = true;

async function render() {
  const seq = ++renderSeq;
  disposeCharts();
  if (!session.who) {
    document.title = t('signin.title') + ' · keel';
    replace(root, signin.render({ onSignedIn: render }));
    return;
  }
  const path = currentPath();
  const m = match(ROUTES, path);
  if (m && m.route.redirect) { navigate(m.route.redirect); return; }
  const route = m ? m.route : { page: notfound, title: 'page.notfound' };
  const holder = h('div', { class: 'page' }, loading());
  const onSignOut = async () => { await signOut(); render(); };
  replace(root, layout({ path, who: session.who, settings: session.settings, onSignOut, content: holder }));
  refreshInboxCount();
  document.title = t(route.title) + ' · keel';
  const ctx = {
    params: { ...(m ? m.params : {}), ...(route.params || {}) },
    query: currentQuery(), who: session.who, settings: session.settings, refresh: render,
  };
  try {
    const node = await route.page.render(ctx);
    if (seq !== renderSeq) return;
    replace(holder, node);
  } catch (err) {
    if (seq !== renderSeq) return;
    if (err && err.code) replace(holder, errorBox(err));
    else { replace(holder, errorBox({ code: 'internal', message: String(err) })); console.error(err); }
  }
  // After a navigation, move focus to the new page's title (screen readers
  // announce it); not on the first page, where the skip link comes first.
  const title = document.getElementById('page-title');
  if (title && !firstRender && document.activeElement === document.body) title.focus({ preventScroll: true });
  firstRender = false;
}

onUnauthenticated(() => {
  session.who = null;
  signin.expired();
  render();
});
window.addEventListener('hashchange', () => { window.scrollTo(0, 0); render(); });

async function start() {
  setLocale(detectLocale(), false);
  try {
    await resume();
    if (session.settings) setLocale(detectLocale(session.settings.default_locale), false);
  } catch (err) {
    replace(root, errorBox(err));
    return;
  }
  onLocaleChange(() => render());
  document.body.classList.add('ready');
  render();
}
start();
