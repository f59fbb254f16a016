/* The owner's dashboard: sign-in, inbox, a lead, insights, settings and prospects over the JSON API of
   the same origin, as native ES modules (no framework, no build step): this entry module keeps the
   page's frame (header, language, session, which view the address names); one module draws each view.
   Every module is imported at the deploy's version (`?v=__VERSION__`, written in by the server). */
import {apiJson, onSessionEnded} from './api.js?v=__VERSION__';
import {$, errorText, setStatus} from './dom.js?v=__VERSION__';
import * as frontdoor from './frontdoor.js?v=__VERSION__';
import * as i18n from './i18n.js?v=__VERSION__';
import * as inbox from './inbox.js?v=__VERSION__';
import * as insights from './insights.js?v=__VERSION__';
import * as lead from './lead.js?v=__VERSION__';
import {dropPending, redraw, show} from './page.js?v=__VERSION__';
import * as privacy from './privacy.js?v=__VERSION__';
import * as prospects from './prospects.js?v=__VERSION__';
import * as session from './session.js?v=__VERSION__';
import * as settings from './settings.js?v=__VERSION__';
import * as signin from './signin.js?v=__VERSION__';
import * as vocabularies from './vocabularies.js?v=__VERSION__';

const t = i18n.t;

// The language the owner picked on this browser (the switch, on the sign-in page or inside, or the
// settings' language): it outlives sign-outs and wins over the client's `language` at the next sign-in.
const PICKED = 'avenir.language';
const picked = () => localStorage.getItem(PICKED);

/* The page in `lang` (and in the session, for a reload); `pick` keeps it for the next sign-ins too. */
async function setLanguage(lang, pick = false) {
  if (pick) localStorage.setItem(PICKED, lang);
  await i18n.load(lang);
  applyLanguage();
}

/* Picked by the owner: the views showing text the API wrote (insights, a lead's events) are asked again
   in that language; the others are only drawn again (what the owner typed into a form stays). */
async function pickLanguage(lang) {
  await setLanguage(lang, true);
  if (session.current() && /^#\/(insights|lead)\b/.test(location.hash)) await route(false);
}

/* The session is written only when its language changed: a page starting up in the session's own
   language writes nothing back (the tab's storage may have been cleared meanwhile). */
function applyLanguage() {
  if (session.current() && session.current().language !== i18n.lang()) {
    session.current().language = i18n.lang();
    session.save();
  }
  i18n.translate();
  redraw();
}

async function route(focus = false) {
  if (!session.current()) {
    show('signin');
    return;
  }
  const [, view, id] = location.hash.split('/');
  setStatus(t('loading'));
  try {
    if ((view === 'lead' || view === 'leads') && id) await lead.open(decodeURIComponent(id), focus);  // leads: the alerts' link (contract Part 3)
    else if (view === 'insights') await insights.open(focus);
    else if (view === 'settings') await settings.open(focus);
    else if (view === 'spam') await frontdoor.openSpam(focus);
    else if (view === 'forms') await frontdoor.openForms(focus);
    else if (view === 'prospects' && session.current().internal) await prospects.open(focus);
    else await inbox.open(focus);
  } catch (e) {
    if (session.current()) setStatus(errorText(e), 'error');
  }
}

async function startSession(answer) {
  session.begin(answer);
  await setLanguage(picked() || answer.language);
  session.current().internal = await isInternal();
  session.save();
  enterApp();
  if (location.hash.startsWith('#/') && location.hash !== '#/signin') route(true);
  else location.hash = '#/inbox';
}

/* Only the internal (admin) client may list prospects: the answer says which one this is. */
async function isInternal() {
  try {
    await apiJson('GET', '/api/prospects?limit=1');
    return true;
  } catch {
    return false;
  }
}

function enterApp() {
  $('business-name').textContent = session.current().business_name;
  $('main-nav').hidden = false;
  $('sign-out').hidden = false;
  document.querySelector('[data-view="prospects"]').hidden = !session.current().internal;
}

function leaveApp(message) {
  session.end();
  dropPending();
  inbox.reset();
  $('business-name').textContent = 'Avenir';
  $('main-nav').hidden = true;
  $('sign-out').hidden = true;
  history.replaceState(null, '', location.pathname);
  show('signin');
  setStatus(message);
}

/* The token is forgotten here at once, whatever the server says (an expired one is already dead);
   the server is told to end it too, and finishes that even if the page is closed. */
function signOut() {
  const token = session.current().token;
  leaveApp(t('signin.signedOut'));
  fetch('/api/auth/logout', {method: 'POST', headers: {Authorization: `Bearer ${token}`}, keepalive: true,
    credentials: 'omit'}).catch(() => {});
}

function bind() {
  signin.bind(startSession);
  $('sign-out').addEventListener('click', signOut);
  $('language-switch').addEventListener('click', () => pickLanguage(i18n.lang() === 'fr' ? 'en' : 'fr'));
  onSessionEnded(() => leaveApp(t('signin.expired')));
  for (const view of [inbox, lead, privacy, insights, prospects, frontdoor]) view.bind();
  settings.bind(pickLanguage);
  window.addEventListener('hashchange', () => route(true));
}

/* The page stays hidden (index.html's <body hidden>) until its strings and the vocabularies are in. */
async function start() {
  inbox.foldFilters();
  const kept = session.restore();
  const preferred = picked() || (navigator.language || '').slice(0, 2);
  await Promise.all([vocabularies.load(), i18n.load(kept ? kept.language : preferred)]);
  applyLanguage();
  bind();
  if (kept) enterApp();
  await route(false);
}

start();
