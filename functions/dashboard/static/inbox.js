/* The inbox view: the leads, newest first, a page at a time; filters and search; how many are new since
   the last visit; the current filter as a CSV file. */
import {api, apiJson} from './api.js?v=__VERSION__';
import {$, el, failed, saveFile, setStatus} from './dom.js?v=__VERSION__';
import {formatDateTime, onTranslate, t} from './i18n.js?v=__VERSION__';
import {nextTicket, show, stale} from './page.js?v=__VERSION__';
import * as session from './session.js?v=__VERSION__';

const PAGE_SIZE = 25;
const FILTERS = ['tag', 'urgency', 'intent', 'language'];  // the selects; with them, the search `q`
let inbox = {cursors: [null], page: 0, leads: [], newCount: null};

/* After signing out: the next owner starts on the first page, and is counted their own new leads. */
export function reset() {
  inbox = {cursors: [null], page: 0, leads: [], newCount: null};
}

function params(cursor) {
  const query = new URLSearchParams();
  for (const name of ['q', ...FILTERS]) {
    const value = $('filters').elements[name].value.trim();
    if (value) query.set(name, value);
  }
  if ($('filter-test').checked) query.set('include_test', 'true');
  if (cursor) query.set('cursor', cursor);
  return query;
}

export async function open(focus) {
  const ticket = nextTicket();
  const {cursors, page} = inbox;
  const query = params(cursors[page]);
  query.set('limit', String(PAGE_SIZE));
  const [answer] = await Promise.all([apiJson('GET', `/api/leads?${query}`), countNewLeads()]);
  if (stale(ticket)) return;
  inbox.leads = answer.leads;
  inbox.cursors[page + 1] = answer.next_cursor;
  show('inbox', focus, render);
}

async function countNewLeads() {
  const since = session.current().previous_visit;
  if (!since || inbox.newCount !== null) return;
  const answer = await apiJson('GET', `/api/leads?${new URLSearchParams({since, limit: '100'})}`);
  inbox.newCount = {count: answer.leads.length, more: Boolean(answer.next_cursor)};
}

function render() {
  const {leads, page, cursors, newCount} = inbox;
  $('lead-list').replaceChildren(...leads.map(leadItem));
  const filtered = [...params(null).keys()].length > 0;  // nothing to show: none yet, or none that matches
  $('inbox-none').hidden = leads.length > 0 || filtered;
  $('inbox-empty').hidden = leads.length > 0 || !filtered;
  $('page-prev').hidden = page === 0;
  $('page-next').hidden = !cursors[page + 1];
  $('page-number').textContent = page > 0 || cursors[page + 1] ? t('inbox.page', {page: page + 1}) : '';
  const banner = $('new-since');
  banner.hidden = !newCount || newCount.count === 0;
  if (newCount) banner.textContent = t(newCount.more ? 'inbox.newSinceMany' : 'inbox.newSince', {count: newCount.count});
}

function leadItem(lead) {
  const since = session.current().previous_visit;
  const isNew = since && new Date(lead.timestamp) > new Date(since);
  const badges = el('p', {className: 'badges'}, [
    lead.urgency && el('span', {className: `badge urgency-${lead.urgency.toLowerCase()}`, text: t(`urgency.${lead.urgency}`)}),
    lead.intent && el('span', {className: 'badge intent', text: t(`intent.${lead.intent}`)}),
    el('span', {className: `badge tag tag-${lead.current_tag.toLowerCase()}`, text: t(`tag.${lead.current_tag}`)}),
    lead.language && el('span', {className: 'badge lang', text: lead.language.toUpperCase(),
      title: t(`language.${lead.language}`)}),
    isNew && el('span', {className: 'badge new', text: t('inbox.new')}),
    lead.is_test && el('span', {className: 'badge test', text: t('inbox.test')}),
  ]);
  const meta = [formatDateTime(lead.timestamp), lead.email];
  if (lead.message_count > 1) meta.push(t('inbox.messages', {count: lead.message_count}));
  return el('li', {className: `lead-item${lead.urgency === 'High' ? ' is-high' : ''}`}, [
    el('h2', {className: 'lead-title'}, [el('a', {href: `#/lead/${encodeURIComponent(lead.lead_id)}`, text: lead.name})]),
    badges,
    lead.ai_summary && el('p', {className: 'summary', text: lead.ai_summary}),
    el('p', {className: 'meta muted', text: meta.join(' · ')}),
  ]);
}

/* "Filters (2)": how many filters beyond the search are in use, visible while they are folded away; the
   phone's toggle counts the search too. */
function summarizeFilters() {
  const used = FILTERS.filter((name) => $('filters').elements[name].value).length + ($('filter-test').checked ? 1 : 0);
  $('filter-summary').textContent = used ? t('inbox.filtersUsed', {count: used}) : t('inbox.filters');
  const all = used + ($('filters').elements.q.value.trim() ? 1 : 0);
  $('filters-toggle').textContent = all ? t('inbox.filtersToggleUsed', {count: all}) : t('inbox.filtersToggle');
}

onTranslate(summarizeFilters);

function applyFilters(event) {
  event.preventDefault();
  summarizeFilters();
  inbox.cursors = [null];
  inbox.page = 0;
  open(false).catch(failed);
}

function turnPage(delta) {
  inbox.page = Math.max(0, inbox.page + delta);
  open(false).then(() => $('inbox-title').scrollIntoView()).catch(failed);
}

/* The current filter as one CSV file: fetched with the token, then saved from a Blob. */
async function downloadCsv() {
  try {
    const response = await api('GET', `/api/leads?${params(null)}`, {accept: 'text/csv'});
    saveFile(await response.blob(), 'leads', 'csv');
    setStatus(t('inbox.csvDone'));
  } catch (e) {
    failed(e);
  }
}

/* On a phone the search and filters fold away behind one toggle (the leads come first); on a wider
   screen they are always open. */
function showFilters(open) {
  $('filters').hidden = !open;
  $('filter-more').open = open;
  $('filters-toggle').setAttribute('aria-expanded', String(open));
}

export function foldFilters() {
  const wide = window.matchMedia('(min-width: 48rem)');
  const fold = () => {
    $('filters-toggle').hidden = wide.matches;
    showFilters(wide.matches);
  };
  wide.addEventListener('change', fold);
  fold();
}

function toggleFilters() {
  showFilters($('filters').hidden);
  if (!$('filters').hidden) $('filter-q').focus();
}

export function bind() {
  const filters = $('filters');
  filters.addEventListener('submit', applyFilters);
  filters.addEventListener('reset', () => setTimeout(() => filters.requestSubmit()));
  for (const control of filters.querySelectorAll('select, input[type=checkbox]')) {
    control.addEventListener('change', () => filters.requestSubmit());
  }
  $('page-next').addEventListener('click', () => turnPage(1));
  $('page-prev').addEventListener('click', () => turnPage(-1));
  $('download-csv').addEventListener('click', downloadCsv);
  $('filters-toggle').addEventListener('click', toggleFilters);
}
