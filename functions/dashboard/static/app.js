/* The owner's dashboard: sign-in, inbox, a lead, insights, settings and prospects over the JSON API of
   the same origin. No framework: the DOM, fetch and Intl. Text that came from a lead or a prospect is
   only ever set with textContent, never parsed as HTML. The session token lives in sessionStorage. */
'use strict';

(() => {
  const VERSION = document.currentScript.dataset.version;
  const TAGS = ['Active', 'Follow-Up', 'Converted', 'Archived', 'Deleted'];
  const URGENCIES = ['High', 'Medium', 'Low'];
  const INTENTS = ['quote_request', 'appointment', 'information', 'support', 'partnership', 'job_application',
    'spam', 'other'];
  const OPTIONS = {
    tag: [TAGS, 'tag.'], urgency: [URGENCIES, 'urgencyShort.'], intent: [INTENTS, 'intent.'],
    language: [['en', 'fr'], 'language.'], emailTone: [['Friendly', 'Professional', 'Formal', 'Energetic'], 'emailTone.'],
    followupSpeed: [['Instant', 'Within 1 hour', 'Same day'], 'followupSpeed.'],
  };
  const DAILY_EVENTS = ['engagement_score', 'urgency_trend', 'tone_distribution', 'conversion_prediction',
    'pattern_detected'];
  const SETTINGS = ['business_name', 'contact_name', 'language', 'industry_category', 'primary_service', 'timezone',
    'mailing_address', 'ai_personalized_reply', 'email_tone', 'followup_speed', 'booking_link', 'custom_tagline',
    'outbound_email', 'smtp_host', 'smtp_port', 'smtp_username', 'smtp_password'];
  const PAGE_SIZE = 25;
  const SESSION_KEY = 'avenir.session';

  const state = {
    session: null, lang: 'en', strings: {}, redraw: null, ticket: 0,
    inbox: {cursors: [null], page: 0, leads: [], newCount: null},
    lead: null, insights: null, client: null, prospects: [], outreach: null, preview: null,
  };
  const $ = (id) => document.getElementById(id);
  /* Every view load takes a ticket; an answer that arrives after a newer load (or after signing out) is dropped. */
  const stale = (ticket) => ticket !== state.ticket || !state.session;

  // --- text, numbers and dates in the chosen language ----------------------------------------

  function t(key, vars) {
    let text = state.strings[key] ?? key;
    for (const [name, value] of Object.entries(vars || {})) text = text.split(`{${name}}`).join(String(value));
    return text;
  }

  const locale = () => state.strings.locale || 'en-CA';
  const formatNumber = (n, options) => new Intl.NumberFormat(locale(), options).format(n);
  const formatPercent = (share) => formatNumber(share, {style: 'percent', maximumFractionDigits: 0});
  const formatMoney = (value) => formatNumber(Number(value || 0), {style: 'currency', currency: 'CAD',
    maximumFractionDigits: 0});

  function formatDateTime(iso) {
    if (!iso) return t('settings.never');
    return new Intl.DateTimeFormat(locale(), {dateStyle: 'medium', timeStyle: 'short'}).format(new Date(iso));
  }

  /* A calendar day (YYYY-MM-DD) as it is written, whatever the browser's time zone. */
  function formatDay(day, style = 'medium') {
    const options = style === 'short' ? {day: 'numeric', month: 'short'} : {dateStyle: style};
    return new Intl.DateTimeFormat(locale(), {...options, timeZone: 'UTC'}).format(new Date(`${day}T00:00:00Z`));
  }

  async function loadStrings(lang) {
    const response = await fetch(`/assets/${lang}.json?v=${VERSION}`);
    state.strings = await response.json();
    state.lang = lang;
    document.documentElement.lang = lang;
  }

  function translatePage() {
    for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
    for (const element of document.querySelectorAll('[data-i18n-placeholder]')) {
      element.placeholder = t(element.dataset.i18nPlaceholder);
    }
    for (const element of document.querySelectorAll('[data-i18n-aria]')) {
      element.setAttribute('aria-label', t(element.dataset.i18nAria));
    }
    for (const select of document.querySelectorAll('select[data-options]')) fillOptions(select);
    summarizeFilters();
    const other = $('language-switch');
    other.textContent = t('switchTo');
    other.lang = t('switchToLang');
  }

  function fillOptions(select) {
    const [values, prefix] = OPTIONS[select.dataset.options];
    const chosen = select.value;
    const options = values.map((value) => new Option(t(prefix + value), value));
    if (select.dataset.any) options.unshift(new Option(t(select.dataset.any), ''));
    select.replaceChildren(...options);
    select.value = chosen;
  }

  async function setLanguage(lang) {
    await loadStrings(lang === 'fr' ? 'fr' : 'en');
    localStorage.setItem('avenir.language', state.lang);
    if (state.session) {
      state.session.language = state.lang;
      saveSession();
    }
    translatePage();
    if (state.redraw) state.redraw();
  }

  // --- elements --------------------------------------------------------------------------------

  /* el('span', {className: 'badge', text: lead.name}): text is always textContent. */
  function el(tag, props = {}, children = []) {
    const element = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      if (key === 'text') element.textContent = value;
      else if (key === 'className') element.className = value;
      else element.setAttribute(key, value);
    }
    element.append(...children.filter(Boolean));
    return element;
  }

  function setStatus(message, kind = 'info') {
    const status = $('status');
    status.textContent = message || '';
    status.className = `status ${kind}`;
  }

  function errorText(error) {
    if (error.status === 0) return error.message;
    const fields = (error.details || []).map((d) => t('error.field', {field: d.field, message: d.message}));
    return [t('error.generic', {message: error.message}), ...fields].join(' ');
  }

  // --- the API -----------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, code, message, details, retryAfter) {
      super(message);
      Object.assign(this, {status, code, details, retryAfter});
    }
  }

  async function api(method, path, {body, accept} = {}) {
    const headers = {Accept: accept || 'application/json'};
    if (state.session) headers.Authorization = `Bearer ${state.session.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, {method, headers, cache: 'no-store', credentials: 'omit',
        body: body === undefined ? undefined : JSON.stringify(body)});
    } catch {
      throw new ApiError(0, 'network', t('error.network'));
    }
    if (response.ok) return response;
    const envelope = await response.json().catch(() => ({}));
    const error = envelope.error || {code: 'http', message: `HTTP ${response.status}`};
    if (response.status === 401 && state.session && path !== '/api/auth/login') sessionEnded();
    throw new ApiError(response.status, error.code, error.message, error.details,
      Number(response.headers.get('Retry-After')) || 0);
  }

  async function apiJson(method, path, options) {
    const response = await api(method, path, options);
    return response.status === 204 ? null : response.json();
  }

  // --- the session -------------------------------------------------------------------------------

  function loadSession() {
    try {
      const session = JSON.parse(sessionStorage.getItem(SESSION_KEY));
      return session && new Date(session.expires_at) > new Date() ? session : null;
    } catch {
      return null;
    }
  }

  const saveSession = () => sessionStorage.setItem(SESSION_KEY, JSON.stringify(state.session));

  async function signIn(event) {
    event.preventDefault();
    const email = $('signin-email').value.trim(), password = $('signin-password').value;
    const error = $('signin-error');
    error.textContent = '';
    if (!email || !password) {
      error.textContent = t('signin.missing');
      return;
    }
    try {
      const answer = await apiJson('POST', '/api/auth/login', {body: {email, password}});
      $('signin-password').value = '';
      await startSession(answer);
    } catch (e) {
      if (e.status === 401) error.textContent = t('signin.wrong');
      else if (e.status === 429) error.textContent = t('signin.locked', {minutes: Math.ceil((e.retryAfter || 900) / 60)});
      else error.textContent = errorText(e);
    }
  }

  /* The last visit is remembered per client in localStorage; "new since your last visit" counts from the
     visit before this session, all session long. */
  async function startSession(answer) {
    const visitKey = `avenir.lastVisit.${answer.client_id}`;
    state.session = {token: answer.token, expires_at: answer.expires_at, client_id: answer.client_id,
      business_name: answer.business_name, language: answer.language,
      previous_visit: localStorage.getItem(visitKey), internal: false};
    localStorage.setItem(visitKey, new Date().toISOString());
    saveSession();
    await setLanguage(answer.language);
    state.session.internal = await isInternal();
    saveSession();
    enterApp();
    if (location.hash.startsWith('#/') && location.hash !== '#/signin') route(true);
    else location.hash = '#/inbox';
  }

  /* Only the internal (admin) client may list prospects: the answer says which one this is. */
  async function isInternal() {
    try {
      await api('GET', '/api/prospects?limit=1');
      return true;
    } catch {
      return false;
    }
  }

  function enterApp() {
    $('business-name').textContent = state.session.business_name;
    $('main-nav').hidden = false;
    $('sign-out').hidden = false;
    document.querySelector('[data-view="prospects"]').hidden = !state.session.internal;
  }

  function leaveApp(message) {
    state.session = null;
    state.ticket += 1;
    sessionStorage.removeItem(SESSION_KEY);
    state.inbox = {cursors: [null], page: 0, leads: [], newCount: null};
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
    const token = state.session.token;
    leaveApp(t('signin.signedOut'));
    fetch('/api/auth/logout', {method: 'POST', headers: {Authorization: `Bearer ${token}`}, keepalive: true,
      credentials: 'omit'}).catch(() => {});
  }

  function sessionEnded() {
    leaveApp(t('signin.expired'));
  }

  // --- views ---------------------------------------------------------------------------------------

  /* Shows one view, drawn by `render` (and drawn again by it when the language changes). A view is shown
     once its data has arrived, so what the owner types into it is never overwritten by a late answer. */
  function show(view, focus = false, render = null) {
    if ($('status').textContent === t('loading')) setStatus('');
    state.redraw = render;
    if (render) render();
    for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== `view-${view}`;
    for (const link of document.querySelectorAll('#main-nav a')) {
      if (link.dataset.view === view || (view === 'lead' && link.dataset.view === 'inbox')) {
        link.setAttribute('aria-current', 'page');
      } else {
        link.removeAttribute('aria-current');
      }
    }
    const heading = document.querySelector(`#view-${view} h1`);
    if (focus && heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }

  async function route(focus = false) {
    if (!state.session) {
      show('signin');
      return;
    }
    const [, view, id] = location.hash.split('/');
    setStatus(t('loading'));
    try {
      if (view === 'lead' && id) await showLead(decodeURIComponent(id), focus);
      else if (view === 'insights') await showInsights(focus);
      else if (view === 'settings') await showSettings(focus);
      else if (view === 'prospects' && state.session.internal) await showProspects(focus);
      else await showInbox(focus);
    } catch (e) {
      if (state.session) setStatus(errorText(e), 'error');
    }
  }

  // --- the inbox -----------------------------------------------------------------------------------

  function inboxParams(cursor) {
    const params = new URLSearchParams();
    for (const name of ['q', 'tag', 'urgency', 'intent', 'language']) {
      const value = $('filters').elements[name].value.trim();
      if (value) params.set(name, value);
    }
    if ($('filter-test').checked) params.set('include_test', 'true');
    if (cursor) params.set('cursor', cursor);
    return params;
  }

  async function showInbox(focus) {
    const ticket = ++state.ticket;
    const {cursors, page} = state.inbox;
    const params = inboxParams(cursors[page]);
    params.set('limit', String(PAGE_SIZE));
    const [answer] = await Promise.all([apiJson('GET', `/api/leads?${params}`), countNewLeads()]);
    if (stale(ticket)) return;
    state.inbox.leads = answer.leads;
    state.inbox.cursors[page + 1] = answer.next_cursor;
    show('inbox', focus, renderInbox);
  }

  async function countNewLeads() {
    const since = state.session.previous_visit;
    if (!since || state.inbox.newCount !== null) return;
    const answer = await apiJson('GET', `/api/leads?${new URLSearchParams({since, limit: '100'})}`);
    state.inbox.newCount = {count: answer.leads.length, more: Boolean(answer.next_cursor)};
  }

  function renderInbox() {
    const {leads, page, cursors, newCount} = state.inbox;
    $('lead-list').replaceChildren(...leads.map(leadItem));
    $('inbox-empty').hidden = leads.length > 0;
    $('page-prev').hidden = page === 0;
    $('page-next').hidden = !cursors[page + 1];
    $('page-number').textContent = page > 0 || cursors[page + 1] ? t('inbox.page', {page: page + 1}) : '';
    const banner = $('new-since');
    banner.hidden = !newCount || newCount.count === 0;
    if (newCount) banner.textContent = t(newCount.more ? 'inbox.newSinceMany' : 'inbox.newSince', {count: newCount.count});
  }

  function leadItem(lead) {
    const since = state.session.previous_visit;
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

  /* "Filters (2)": how many filters beyond the search are in use, visible while they are folded away. */
  function summarizeFilters() {
    const used = ['tag', 'urgency', 'intent', 'language'].filter((name) => $('filters').elements[name].value).length
      + ($('filter-test').checked ? 1 : 0);
    $('filter-summary').textContent = used ? t('inbox.filtersUsed', {count: used}) : t('inbox.filters');
  }

  function applyFilters(event) {
    event.preventDefault();
    summarizeFilters();
    state.inbox.cursors = [null];
    state.inbox.page = 0;
    showInbox(false).catch((e) => setStatus(errorText(e), 'error'));
  }

  function turnPage(delta) {
    state.inbox.page = Math.max(0, state.inbox.page + delta);
    showInbox(false).then(() => $('inbox-title').scrollIntoView())
      .catch((e) => setStatus(errorText(e), 'error'));
  }

  /* The current filter as one CSV file: fetched with the token, then saved from a Blob. */
  async function downloadCsv() {
    try {
      const response = await api('GET', `/api/leads?${inboxParams(null)}`, {accept: 'text/csv'});
      const url = URL.createObjectURL(await response.blob());
      const link = el('a', {href: url, download: `leads-${new Date().toISOString().slice(0, 10)}.csv`});
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      setStatus(t('inbox.csvDone'));
    } catch (e) {
      setStatus(errorText(e), 'error');
    }
  }

  // --- a lead --------------------------------------------------------------------------------------

  async function showLead(id, focus) {
    const ticket = ++state.ticket;
    let answer = null;
    try {
      answer = await apiJson('GET', `/api/leads/${encodeURIComponent(id)}`);
    } catch (e) {
      if (e.status !== 404) throw e;
    }
    if (stale(ticket)) return;
    state.lead = answer;
    show('lead', focus, answer ? renderLead : renderMissingLead);
  }

  function renderMissingLead() {
    $('lead-name').textContent = t('lead.notFound');
    for (const list of ['lead-contact', 'lead-badges', 'lead-summary', 'lead-facts', 'lead-messages',
      'lead-timeline', 'tag-buttons']) $(list).replaceChildren();
    $('revert-open').hidden = true;
    $('privacy-export').hidden = $('privacy-erase').hidden = true;
  }

  function renderLead() {
    const {lead, messages = [], actions = [], growth_events: events = [], replies = []} = state.lead;
    document.title = `${lead.name} · Avenir`;
    $('lead-name').textContent = lead.name;
    $('lead-contact').textContent = lead.email;
    $('lead-badges').replaceChildren(...[
      lead.urgency && el('span', {className: `badge urgency-${lead.urgency.toLowerCase()}`, text: t(`urgency.${lead.urgency}`)}),
      lead.intent && el('span', {className: 'badge intent', text: t(`intent.${lead.intent}`)}),
      lead.tone && el('span', {className: 'badge', text: t(`tone.${lead.tone}`)}),
      el('span', {className: `badge tag tag-${lead.current_tag.toLowerCase()}`, text: t(`tag.${lead.current_tag}`)}),
      lead.language && el('span', {className: 'badge lang', text: t(`language.${lead.language}`)}),
    ].filter(Boolean));
    $('lead-summary').textContent = lead.ai_summary || '';
    renderFacts($('lead-facts'), [
      ['lead.firstSeen', formatDateTime(lead.timestamp)], ['lead.lastUpdated', formatDateTime(lead.last_updated)],
      ['lead.confidence', lead.confidence_score == null ? '' : formatPercent(Number(lead.confidence_score))],
      ['lead.insight', lead.relationship_insight],
    ]);
    renderTagButtons(lead.current_tag);
    $('lead-messages').replaceChildren(...messages.map(messageItem));
    $('lead-timeline').replaceChildren(...timeline(actions, events, replies));
    $('privacy-export').hidden = $('privacy-erase').hidden = false;
  }

  function renderFacts(list, facts) {
    list.replaceChildren(...facts.filter(([, value]) => value).flatMap(([key, value]) => [
      el('dt', {text: t(key, {value: ''}).replace(/[:\s]+$/, '')}), el('dd', {text: value})]));
  }

  function renderTagButtons(current) {
    $('tag-buttons').replaceChildren(...TAGS.map((tag) => {
      const button = el('button', {type: 'button', className: tag === current ? 'tag-button current' : 'tag-button secondary',
        'aria-pressed': String(tag === current), text: t(`tag.${tag}`)});
      button.addEventListener('click', () => tagLead(tag));
      return button;
    }));
    $('revert-open').hidden = current !== 'Converted';
  }

  function messageItem(message) {
    const facts = [message.intent && t(`intent.${message.intent}`), message.tone && t(`tone.${message.tone}`),
      message.urgency && t(`urgency.${message.urgency}`), message.language && t(`language.${message.language}`),
      message.confidence_score != null && t('lead.confidence', {value: formatPercent(Number(message.confidence_score))})];
    return el('li', {className: 'message'}, [
      el('p', {className: 'meta muted', text: t('lead.received', {date: formatDateTime(message.received_at)})}),
      el('blockquote', {text: message.message || t('lead.noMessage')}),
      el('p', {className: 'enrichment', text: facts.filter(Boolean).join(' · ')}),
      message.ai_summary && el('p', {className: 'summary', text: message.ai_summary}),
    ]);
  }

  /* Actions, replies and conversion events of the lead, one list in time order. */
  function timeline(actions, events, replies) {
    const entries = [
      ...actions.map((a) => ({at: a.timestamp, text: actionText(a), kind: a.action_type})),
      ...events.filter((e) => e.event_type === 'conversion' || e.event_type === 'reversion').map((e) => ({
        at: e.created_at, kind: e.event_type, text: eventText(e)})),
      ...replies.map((r) => ({at: r.sent_at || r.due_at, text: replyText(r), kind: `reply ${r.status}`})),
    ].sort((a, b) => new Date(a.at) - new Date(b.at));
    return entries.map((entry) => el('li', {className: `timeline-item ${entry.kind}`}, [
      el('time', {datetime: entry.at, text: formatDateTime(entry.at)}), el('span', {text: entry.text})]));
  }

  /* A conversion says what it was worth, when the owner gave a value. */
  function eventText(event) {
    const text = event.insight_text || t(`event.${event.event_type}`);
    const value = event.learning_snapshot?.conversion_value;
    return value == null ? text : `${text} · ${formatMoney(value)}`;
  }

  function actionText(action) {
    if (action.action_type === 'revert') return t('action.revert', {reason: action.reversion_reason || ''});
    return t(`action.${action.action_type}`, {tag: action.tag ? t(`tag.${action.tag}`) : ''});
  }

  function replyText(reply) {
    // The subject is written when the reply is sent: a queued reply has none yet.
    const status = t(`replyStatus.${reply.status}`);
    const parts = [reply.subject ? t('reply.item', {status, subject: reply.subject}) : t('reply.itemNoSubject', {status})];
    if (reply.sent_at) parts.push(t('reply.sent', {date: formatDateTime(reply.sent_at)}));
    else if (reply.due_at) parts.push(t('reply.due', {date: formatDateTime(reply.due_at)}));
    // A skipped reply's last_error is the rule that skipped it, said in the owner's words.
    if (reply.status === 'skipped') parts.push(t(`reply.skipped.${reply.last_error}`));
    else if (reply.last_error) parts.push(t('reply.error', {error: reply.last_error}));
    return parts.join(' · ');
  }

  async function tagLead(tag) {
    const id = state.lead.lead.id;
    const body = {tag};
    const value = $('conversion-value').value;
    if (tag === 'Converted' && value !== '') body.conversion_value = Number(value);
    try {
      const answer = await apiJson('POST', `/api/leads/${encodeURIComponent(id)}/tag`, {body});
      await refreshLead(id);
      $('tag-buttons').querySelector('[aria-pressed="true"]')?.focus();
      setStatus(t(answer.changed ? 'lead.tagged' : 'lead.unchanged', {tag: t(`tag.${tag}`)}));
      $('conversion-value').value = '';
    } catch (e) {
      const converted = e.status === 409 && state.lead.lead.current_tag === 'Converted';
      setStatus(converted ? t('lead.mustRevert') : errorText(e), 'error');
    }
  }

  async function refreshLead(id) {
    state.lead = await apiJson('GET', `/api/leads/${encodeURIComponent(id)}`);
    renderLead();
  }

  function openRevert() {
    $('revert-reason').value = '';
    $('revert-error').textContent = '';
    $('revert-dialog').showModal();
    $('revert-reason').focus();
  }

  async function revertLead(event) {
    event.preventDefault();
    const reason = $('revert-reason').value.trim();
    if (!reason) {
      $('revert-error').textContent = t('revert.required');
      $('revert-reason').focus();
      return;
    }
    const id = state.lead.lead.id;
    try {
      await apiJson('POST', `/api/leads/${encodeURIComponent(id)}/revert`, {body: {reason}});
      $('revert-dialog').close();
      await refreshLead(id);
      setStatus(t('lead.reverted'));
      $('tag-buttons').querySelector('[aria-pressed="true"]')?.focus();
    } catch (e) {
      $('revert-error').textContent = errorText(e);
    }
  }

  // --- this person's data: export and erasure --------------------------------------------------------

  async function exportPerson() {
    const email = state.lead.lead.email;
    try {
      const response = await api('GET', `/api/privacy/export?email=${encodeURIComponent(email)}`);
      const answer = await response.json();
      const file = new Blob([JSON.stringify(answer, null, 2)], {type: 'application/json'});
      const url = URL.createObjectURL(file);
      const link = el('a', {href: url, download: `privacy-export-${new Date().toISOString().slice(0, 10)}.json`});
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      setStatus(t('privacy.exported', {count: answer.leads.length, email}));
    } catch (e) {
      setStatus(errorText(e), 'error');
    }
  }

  function askErase() {
    $('erase-warning').textContent = t('erase.warning', {email: state.lead.lead.email});
    $('erase-error').textContent = '';
    $('erase-dialog').showModal();
    $('erase-cancel').focus();
  }

  async function erasePerson(event) {
    event.preventDefault();
    const email = state.lead.lead.email;
    try {
      const answer = await apiJson('POST', '/api/privacy/erase', {body: {email}});
      $('erase-dialog').close();
      state.lead = null;
      history.replaceState(null, '', '#/inbox');  // the lead is gone: no way back to it
      await route(true);
      setStatus(t('privacy.erased', {email, ...answer.erased}));
    } catch (e) {
      $('erase-error').textContent = errorText(e);
    }
  }

  // --- insights ------------------------------------------------------------------------------------

  async function showInsights(focus) {
    const ticket = ++state.ticket;
    const days = $('analytics-days').value;
    const [insights, analytics] = await Promise.all([apiJson('GET', '/api/insights'),
      apiJson('GET', `/api/analytics?days=${encodeURIComponent(days)}`)]);
    const prediction = insights.events.find((e) => e.event_type === 'conversion_prediction');
    const highValue = prediction?.learning_snapshot?.high_value_leads || [];
    const leads = await Promise.all(highValue.map((h) => apiJson('GET', `/api/leads/${h.lead_id}`).catch(() => null)));
    if (stale(ticket)) return;
    state.insights = {insights, analytics, highValue: highValue.map((h, i) => ({...h, lead: leads[i]?.lead}))};
    show('insights', focus, renderInsights);
  }

  function renderInsights() {
    const {insights, analytics, highValue} = state.insights;
    const latest = Object.fromEntries(insights.events.map((e) => [e.event_type, e]));
    $('insights-run').textContent = insights.run_date ? t('insights.run', {date: formatDay(insights.run_date, 'long')})
      : t('insights.noRun');
    $('insight-cards').replaceChildren(...insights.events.filter((e) => DAILY_EVENTS.includes(e.event_type)).map(insightCard));
    leadsPerDayChart(analytics);
    urgencyChart(latest.urgency_trend, analytics);
    toneChart(latest.tone_distribution);
    conversionsChart(insights, analytics, latest.conversion_prediction);
    const list = $('high-value-leads');
    list.replaceChildren(...highValue.filter((h) => h.lead).map((h) => el('li', {}, [
      el('a', {href: `#/lead/${encodeURIComponent(h.lead_id)}`, text: h.lead.name}),
      el('span', {className: 'muted', text: ` — ${t('insights.probability', {value: formatPercent(h.probability)})}`}),
    ])));
    if (!list.children.length) list.append(el('li', {className: 'muted', text: t('insights.noHighValue')}));
  }

  function insightCard(event) {
    const snapshot = event.learning_snapshot || {};
    const extra = event.event_type === 'engagement_score' ? `${snapshot.overall_score}/100` : null;
    return el('article', {className: `card insight ${event.event_type}`}, [
      el('h2', {text: t(`eventType.${event.event_type}`)}),
      extra && el('p', {className: 'big', text: extra}),
      el('p', {text: event.insight_text || ''}),
      ...(snapshot.recommended_actions || []).slice(0, 3).map((a) => el('p', {className: 'muted', text: `→ ${a}`})),
      el('p', {className: 'muted small', text: t('insights.confidence', {value: formatPercent(Number(event.confidence || 0))})}),
    ]);
  }

  function leadsPerDayChart(analytics) {
    const days = analytics.leads_per_day;
    const total = days.reduce((sum, d) => sum + d.count, 0);
    window.Charts.columns($('chart-leads-per-day'), {
      title: t('insights.leadsPerDay'), axisLabel: t('insights.leadsAxis'),
      description: t('insights.leadsPerDayDesc', {total: formatNumber(total), from: formatDay(analytics.from),
        to: formatDay(analytics.to)}),
      points: days.map((d) => ({label: formatDay(d.date), short: formatDay(d.date, 'short'), value: d.count,
        text: formatNumber(d.count)})),
    });
  }

  function urgencyChart(trend, analytics) {
    const figure = $('chart-urgency'), snapshot = trend?.learning_snapshot, byUrgency = analytics.by_urgency || {};
    const counts = {heading: t(`insights.days${$('analytics-days').value}`), rows: URGENCIES.map((u) => ({
      label: t(`urgency.${u}`), value: byUrgency[u]?.count || 0, kind: u === 'High' ? 'high' : '',
      text: `${formatNumber(byUrgency[u]?.count || 0)} (${formatPercent((byUrgency[u]?.percentage || 0) / 100)})`,
    }))};
    const options = {title: t('eventType.urgency_trend'), description: t('insights.urgencyTrendDesc')};
    if (!snapshot) return window.Charts.bars(figure, {...options, sections: [counts]});
    const shares = {heading: `${t('insights.urgencyTrend')} (${t(`insights.trend.${snapshot.trend}`)})`, rows: [
      {label: t('insights.thisWeek'), value: snapshot.high_urgency_pct, text: formatPercent(snapshot.high_urgency_pct),
        kind: 'high'},
      {label: t('insights.previousWeek'), value: snapshot.previous_high_urgency_pct,
        text: formatPercent(snapshot.previous_high_urgency_pct), kind: 'muted'},
    ]};
    window.Charts.bars(figure, {...options, sections: [shares], max: 1});
    appendSection(figure, [counts]);
  }

  /* A second bar group under the first, with its own scale (counts, not shares). */
  function appendSection(figure, sections) {
    const holder = el('div');
    window.Charts.bars(holder, {title: '', sections});
    const svg = holder.querySelector('svg');
    svg.setAttribute('aria-labelledby', `${figure.id}-title`);
    figure.append(svg);
  }

  function toneChart(distribution) {
    const shares = Object.entries(distribution?.learning_snapshot || {}).filter(([k]) => k !== 'run_date')
      .sort((a, b) => b[1] - a[1]);
    const figure = $('chart-tone');
    if (!shares.length) return window.Charts.empty(figure, t('insights.tone'), t('insights.noData'));
    const tone = (name) => t(`tone.${name.charAt(0).toUpperCase()}${name.slice(1)}`);
    window.Charts.bars(figure, {title: t('insights.tone'), description: t('insights.toneDesc'), max: 1,
      sections: [{rows: shares.map(([name, share]) => ({label: tone(name), value: share, text: formatPercent(share)}))}]});
  }

  function conversionsChart(insights, analytics, prediction) {
    const reverted = insights.events.filter((e) => e.event_type === 'reversion').length;
    const predicted = prediction?.learning_snapshot?.predicted_conversions ?? 0;
    const count = analytics.conversions?.count || 0;
    window.Charts.bars($('chart-conversions'), {title: t('insights.conversions'),
      description: t('insights.conversionsDesc', {count: formatNumber(count), value: formatMoney(analytics.conversions?.value),
        rate: formatPercent(analytics.conversion_rate || 0), predicted: formatNumber(predicted)}),
      sections: [{rows: [
        {label: `${t('insights.converted')} (${t(`insights.in${$('analytics-days').value}`)})`, value: count,
          text: `${formatNumber(count)} · ${formatMoney(analytics.conversions?.value)}`, kind: 'good'},
        {label: t('insights.reverted'), value: reverted, text: formatNumber(reverted), kind: 'muted'},
        {label: t('insights.predicted'), value: predicted, text: formatNumber(predicted), kind: 'predicted'},
      ]}]});
  }

  // --- settings ------------------------------------------------------------------------------------

  async function showSettings(focus) {
    const ticket = ++state.ticket;
    const client = await apiJson('GET', '/api/client');
    if (stale(ticket)) return;
    state.client = client;
    fillSettings();
    show('settings', focus, renderAccount);
  }

  function fillSettings() {
    const form = $('settings-form');
    for (const name of SETTINGS) {
      const input = form.elements[name];
      const value = state.client[name];
      if (input.type === 'checkbox') input.checked = Boolean(value);
      else input.value = name === 'smtp_password' || value == null ? '' : String(value);
      input.removeAttribute('aria-invalid');
    }
    $('set-email').value = state.client.email || '';
    $('settings-error').textContent = '';
    renderAccount();
  }

  function renderAccount() {
    $('smtp-password-hint').textContent = t(state.client.smtp_password_set ? 'settings.smtpPasswordSet'
      : 'settings.smtpPasswordUnset');
    renderFacts($('account-facts'), [['settings.created_at', formatDateTime(state.client.created_at)],
      ['settings.last_login', formatDateTime(state.client.last_login)],
      ['settings.last_rotated', formatDateTime(state.client.last_rotated)]]);
  }

  /* Only what the owner changed is sent; an emptied optional field is sent as null (cleared). */
  function settingsChanges() {
    const form = $('settings-form');
    const changes = {};
    for (const name of SETTINGS) {
      const input = form.elements[name];
      let value = input.type === 'checkbox' ? input.checked : input.value.trim();
      if (name === 'smtp_password') {
        if (input.value) changes[name] = input.value;
        continue;
      }
      if (value === '') value = null;
      if (name === 'smtp_port' && value !== null) value = Number(value);
      const before = state.client[name] ?? null;
      if (value !== before && !(input.type === 'checkbox' && value === Boolean(before))) changes[name] = value;
    }
    return changes;
  }

  async function saveSettings(event) {
    event.preventDefault();
    const changes = settingsChanges();
    if (!Object.keys(changes).length) return setStatus(t('settings.nothing'));
    try {
      state.client = await apiJson('PATCH', '/api/client', {body: changes});
      fillSettings();
      if (changes.business_name) {
        state.session.business_name = state.client.business_name;
        saveSession();
        $('business-name').textContent = state.client.business_name;
      }
      if (changes.language && changes.language !== state.lang) await setLanguage(changes.language);
      setStatus(t('settings.saved'));
    } catch (e) {
      markInvalid(e.details || []);
      $('settings-error').textContent = errorText(e);
    }
  }

  function markInvalid(details) {
    const form = $('settings-form');
    for (const detail of details) {
      const input = form.elements[String(detail.field).split('.')[0]];
      if (input) input.setAttribute('aria-invalid', 'true');
    }
  }

  async function changePassword(event) {
    event.preventDefault();
    const current = $('current-password'), next = $('new-password'), error = $('password-error');
    error.textContent = '';
    if (new TextEncoder().encode(next.value).length < 10) {
      error.textContent = t('settings.passwordShort');
      return;
    }
    try {
      await apiJson('POST', '/api/client/password', {body: {current_password: current.value, new_password: next.value}});
      current.value = next.value = '';
      setStatus(t('settings.passwordChanged'));
    } catch (e) {
      error.textContent = errorText(e);
    }
  }

  function askRotate() {
    $('rotate-confirm').hidden = false;
    $('rotate-yes').focus();
  }

  async function rotateKey() {
    $('rotate-confirm').hidden = true;
    try {
      const answer = await apiJson('POST', '/api/clients/rotate-key');
      $('new-key').value = answer.api_key;
      $('new-key-box').hidden = false;
      $('new-key').focus();
      $('new-key').select();
    } catch (e) {
      setStatus(errorText(e), 'error');
    }
  }

  async function copyKey() {
    $('new-key').select();
    try {
      await navigator.clipboard.writeText($('new-key').value);
    } catch {
      document.execCommand('copy');
    }
    setStatus(t('settings.copied'));
  }

  // --- prospects (internal client) -------------------------------------------------------------------

  async function showProspects(focus) {
    const ticket = ++state.ticket;
    const params = new URLSearchParams({limit: '100'});
    for (const name of ['min_score', 'contacted', 'industry', 'region']) {
      const value = $('prospect-filters').elements[name].value.trim();
      if (value) params.set(name, value);
    }
    const segment = new URLSearchParams();
    for (const name of ['industry', 'region']) if (params.has(name)) segment.set(name, params.get(name));
    const [answer, outreach] = await Promise.all([apiJson('GET', `/api/prospects?${params}`),
      apiJson('GET', `/api/outreach?${segment}`)]);
    if (stale(ticket)) return;
    state.prospects = answer.prospects;
    state.outreach = outreach;
    show('prospects', focus, renderProspects);
  }

  function renderProspects() {
    $('prospect-list').replaceChildren(...state.prospects.map(prospectItem));
    $('prospects-empty').hidden = state.prospects.length > 0;
    const {funnel, outreach} = state.outreach;
    $('outreach-funnel').replaceChildren(...['sent', 'opened', 'replied', 'ignored'].flatMap((step) => [
      el('dt', {text: t(`outreach.funnel.${step}`)}), el('dd', {text: formatNumber(funnel[step])})]));
    $('outreach-list').replaceChildren(...outreach.map(outreachItem));
    $('outreach-empty').hidden = outreach.length > 0;
    if (state.preview) renderPreview();
  }

  function outreachItem(email) {
    const canReply = email.sent_at && email.status !== 'replied';
    const reply = canReply && el('button', {type: 'button', className: 'secondary', text: t('outreach.markReplied')});
    if (reply) reply.addEventListener('click', () => markReplied(email.outreach_id));
    return el('li', {className: 'lead-item'}, [
      el('h2', {className: 'lead-title', text: email.business_name}),
      el('p', {className: 'badges'}, [
        el('span', {className: `badge${email.status === 'replied' ? ' tag-converted' : ''}`,
          text: t(`outreach.status.${email.status}`)}),
        email.industry && el('span', {className: 'badge intent', text: email.industry}),
        email.region && el('span', {className: 'badge', text: email.region}),
      ]),
      el('p', {className: 'meta', text: email.email_subject}),
      el('p', {className: 'meta muted', text: email.sent_at ? t('outreach.sentAt', {date: formatDateTime(email.sent_at)})
        : t('outreach.queuedAt')}),
      reply && el('div', {className: 'actions'}, [reply]),
    ]);
  }

  /* The next batch is always previewed first (a dry run writes nothing); only then can it be sent. */
  async function previewOutreach(event) {
    event.preventDefault();
    const limit = Number($('outreach-limit').value);
    const answer = await apiJson('POST', '/api/prospects/outreach', {body: {limit, dry_run: true}});
    state.preview = {limit, answer};
    renderPreview();
    $('outreach-preview-summary').focus();
  }

  function renderPreview() {
    const {answer} = state.preview;
    const count = answer.queued.length;
    $('outreach-preview').hidden = false;
    const summary = $('outreach-preview-summary');
    summary.tabIndex = -1;
    summary.textContent = count ? t('outreach.previewSummary', {count, remaining: answer.remaining_today})
      : t('outreach.previewNone');
    $('outreach-preview-list').replaceChildren(...answer.queued.map((email) => el('li', {className: 'lead-item'}, [
      el('h2', {className: 'lead-title', text: email.business_name}),
      el('p', {className: 'meta', text: t('outreach.to', {email: email.to_email})}),
      el('p', {className: 'meta', text: email.email_subject}),
      el('details', {}, [el('summary', {text: t('outreach.showEmail')}), el('pre', {className: 'email-body', text: email.email_body})]),
    ])));
    $('outreach-send').textContent = t('outreach.send', {count});
    $('outreach-send').hidden = count === 0;
  }

  function closePreview() {
    state.preview = null;
    $('outreach-preview').hidden = true;
  }

  async function sendOutreach() {
    const {limit} = state.preview;
    $('outreach-send').disabled = true;
    try {
      const answer = await apiJson('POST', '/api/prospects/outreach', {body: {limit}});
      closePreview();
      await showProspects(false);
      setStatus(t('outreach.sent', {count: answer.queued.length}));
    } finally {
      $('outreach-send').disabled = false;
    }
  }

  async function markReplied(outreachId) {
    await apiJson('POST', `/api/outreach/${encodeURIComponent(outreachId)}/replied`);
    await showProspects(false);
  }

  function prospectItem(prospect) {
    const website = /^https?:\/\//i.test(prospect.website || '')
      ? el('a', {href: prospect.website, rel: 'noopener noreferrer', target: '_blank', text: prospect.website})
      : prospect.website && el('span', {text: prospect.website});
    const need = Number(prospect.automation_need_score);
    return el('li', {className: `lead-item${need >= 70 ? ' is-high' : ''}`}, [
      el('h2', {className: 'lead-title', text: prospect.business_name}),
      el('p', {className: 'badges'}, [
        el('span', {className: `badge${need >= 70 ? ' urgency-high' : ''}`, text: t('prospects.need', {score: need})}),
        el('span', {className: 'badge', text: t('prospects.response', {score: prospect.response_score})}),
        prospect.industry && el('span', {className: 'badge intent', text: prospect.industry}),
        prospect.region && el('span', {className: 'badge', text: prospect.region}),
      ]),
      el('p', {className: 'meta'}, [website, website && prospect.contact_email && ' · ',
        prospect.contact_email && el('span', {text: prospect.contact_email})]),
      prospect.last_tested && el('p', {className: 'meta muted', text: t('prospects.tested', {date: formatDateTime(prospect.last_tested)})}),
    ]);
  }

  // --- start ---------------------------------------------------------------------------------------

  function bind() {
    $('signin-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    $('language-switch').addEventListener('click', () => setLanguage(state.lang === 'fr' ? 'en' : 'fr'));
    $('filters').addEventListener('submit', applyFilters);
    $('filters').addEventListener('reset', () => setTimeout(() => $('filters').requestSubmit()));
    for (const select of $('filters').querySelectorAll('select, input[type=checkbox]')) {
      select.addEventListener('change', () => $('filters').requestSubmit());
    }
    $('page-next').addEventListener('click', () => turnPage(1));
    $('page-prev').addEventListener('click', () => turnPage(-1));
    $('download-csv').addEventListener('click', downloadCsv);
    $('revert-open').addEventListener('click', openRevert);
    $('revert-form').addEventListener('submit', revertLead);
    $('revert-cancel').addEventListener('click', () => $('revert-dialog').close());
    $('privacy-export').addEventListener('click', exportPerson);
    $('privacy-erase').addEventListener('click', askErase);
    $('erase-form').addEventListener('submit', erasePerson);
    $('erase-cancel').addEventListener('click', () => $('erase-dialog').close());
    $('analytics-days').addEventListener('change', () => showInsights(false).catch((e) => setStatus(errorText(e), 'error')));
    $('settings-form').addEventListener('submit', saveSettings);
    $('password-form').addEventListener('submit', changePassword);
    $('rotate-key').addEventListener('click', askRotate);
    $('rotate-yes').addEventListener('click', rotateKey);
    $('rotate-no').addEventListener('click', () => { $('rotate-confirm').hidden = true; $('rotate-key').focus(); });
    $('copy-key').addEventListener('click', copyKey);
    $('prospect-filters').addEventListener('submit', (event) => {
      event.preventDefault();
      showProspects(false).catch((e) => setStatus(errorText(e), 'error'));
    });
    const failed = (e) => setStatus(errorText(e), 'error');
    $('outreach-form').addEventListener('submit', (event) => previewOutreach(event).catch(failed));
    $('outreach-send').addEventListener('click', () => sendOutreach().catch(failed));
    $('outreach-cancel').addEventListener('click', closePreview);
    window.addEventListener('hashchange', () => route(true));
  }

  /* The filters are folded away on a phone (the leads come first) and always open on a wider screen. */
  function foldFilters() {
    const wide = window.matchMedia('(min-width: 48rem)');
    const fold = () => { $('filter-more').open = wide.matches; };
    wide.addEventListener('change', fold);
    fold();
  }

  async function start() {
    foldFilters();
    state.session = loadSession();
    const preferred = localStorage.getItem('avenir.language') || (navigator.language || '').slice(0, 2);
    await setLanguage(state.session ? state.session.language : preferred);
    bind();
    if (state.session) enterApp();
    await route(false);
  }

  start();
})();
