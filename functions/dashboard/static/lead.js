/* A lead's view: who it is and how to reach it (its email, phone and address as links), its enrichment,
   every message, each reply's full text, the owner's alerts, the timeline of actions, replies and
   conversions; the tag buttons, and revert (with a reason) for a Converted lead. */
import {apiJson} from './api.js?v=__VERSION__';
import {$, clearFieldErrors, el, errorText, renderFacts, setStatus, showFieldErrors} from './dom.js?v=__VERSION__';
import {formatDateTime, formatMoney, formatPercent, lang, t} from './i18n.js?v=__VERSION__';
import {nextTicket, show, stale} from './page.js?v=__VERSION__';
import {values} from './vocabularies.js?v=__VERSION__';

/* A lead's story, its growth events' text written by the API in the page's language. */
const leadPath = (id) => `/api/leads/${encodeURIComponent(id)}?lang=${lang()}`;

let shown = null;  // the API's answer for the lead on the page: {lead, messages, actions, ...}

/* The lead on the page (its `lead` row), or null. */
export const current = () => shown && shown.lead;
export const forget = () => { shown = null; };

export async function open(id, focus) {
  const ticket = nextTicket();
  let answer = null;
  try {
    answer = await apiJson('GET', leadPath(id));
  } catch (e) {
    if (e.status !== 404) throw e;
  }
  if (stale(ticket)) return;
  shown = answer;
  show('lead', focus, answer ? render : renderMissing);
}

/* The lead's cards (tag, messages, replies, alerts, timeline, privacy): shown only with a lead. */
const showCards = (visible) => document.querySelectorAll('#view-lead > section.card').forEach((card) => {
  card.hidden = !visible;
});

function renderMissing() {
  $('lead-name').textContent = t('lead.notFound');
  for (const part of ['lead-contact', 'lead-badges', 'lead-summary', 'lead-facts']) $(part).replaceChildren();
  showCards(false);
}

function render() {
  const {lead, messages = [], actions = [], growth_events: events = [], replies = [], alerts = []} = shown;
  showCards(true);
  document.title = `${lead.name} · Avenir`;
  $('lead-name').textContent = lead.name;
  $('lead-contact').replaceChildren(...contactLinks(lead));
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
    // a bounce or a complaint stops the mail to this address: the owner should know why no reply went
    ['lead.emailStatus', shown.email_status && shown.email_status !== 'ok' ? t(`emailStatus.${shown.email_status}`) : ''],
  ]);
  renderTagButtons(lead.current_tag);
  $('lead-messages').replaceChildren(...messages.map(messageItem));
  $('lead-replies').replaceChildren(...replies.map(replyItem));
  $('lead-no-replies').hidden = replies.length > 0;
  $('lead-alerts').replaceChildren(...alerts.map(alertItem));
  $('lead-no-alerts').hidden = alerts.length > 0;
  $('lead-timeline').replaceChildren(...timeline(actions, events, replies));
  $('privacy-export').hidden = $('privacy-erase').hidden = false;
}

function renderTagButtons(currentTag) {
  $('tag-buttons').replaceChildren(...values('tag').map((tag) => {
    const button = el('button', {type: 'button', className: tag === currentTag ? 'tag-button current' : 'tag-button secondary',
      'aria-pressed': String(tag === currentTag), text: t(`tag.${tag}`)});
    button.addEventListener('click', () => tagLead(tag));
    return button;
  }));
  $('revert-open').hidden = currentTag !== 'Converted';
}

/* The email as a mailto: link, the phone (+1XXXXXXXXXX, as enrichment keeps it) as a tel: link, the address. */
function contactLinks(lead) {
  return [
    el('a', {href: `mailto:${lead.email}`, text: lead.email}),
    lead.phone && el('a', {href: `tel:${lead.phone}`, text: formatPhone(lead.phone)}),
    lead.address && el('span', {text: t('lead.address', {address: lead.address})}),
  ].filter(Boolean);
}

/* +15145550187 as people write it, +1 514-555-0187; any other number as it is. */
function formatPhone(phone) {
  const digits = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(phone);
  return digits ? `+1 ${digits[1]}-${digits[2]}-${digits[3]}` : phone;
}

function messageItem(message) {
  const facts = [message.when && t('lead.when', {when: t(`when.${message.when}`)}),message.intent && t(`intent.${message.intent}`), message.tone && t(`tone.${message.tone}`),
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

/* A conversion says what it was worth, when the owner gave a value: the API's text says it, in the
   page's language and to the cent; a row without text is named, and its value added. */
function eventText(event) {
  if (event.insight_text) return event.insight_text;
  const value = event.learning_snapshot?.conversion_value;
  const text = t(`event.${event.event_type}`);
  return value == null ? text : `${text} · ${formatMoney(value)}`;
}

function actionText(action) {
  if (action.action_type === 'revert') return t('action.revert', {reason: action.reversion_reason || ''});
  return t(`action.${action.action_type}`, {tag: action.tag ? t(`tag.${action.tag}`) : ''});
}

// Where a stored reply's unsubscribe link went: the API shows its place as LINK_SHOWN (the link is the
// lead's, written in as the reply is sent), in no language; a note in the owner's says what it is.
const LINK_SHOWN = '[…]';

/* A reply: what happened to it, and its words as sent (a queued reply's are written when it is sent). */
function replyItem(reply) {
  const words = reply.text && reply.text.replace(/\r\n/g, '\n');
  return el('li', {className: 'message'}, [
    el('p', {className: 'meta', text: replyText(reply)}),
    words ? el('pre', {className: 'email-body', text: words})
      : el('p', {className: 'muted', text: t('lead.replyNotWritten')}),
    words && words.includes(LINK_SHOWN) && el('p', {className: 'muted small',
      text: t('lead.unsubscribeLink', {link: LINK_SHOWN})}),
  ]);
}

function alertItem(alert) {
  const parts = [t(`alertChannel.${alert.channel}`), t(`replyStatus.${alert.status}`)];
  if (alert.sent_at) parts.push(formatDateTime(alert.sent_at));
  return el('li', {text: parts.join(' · ')});
}

function replyText(reply) {
  // The subject is written when the reply is sent: a queued reply has none yet.
  const status = t(`replyStatus.${reply.status}`);
  const parts = [reply.subject ? t('reply.item', {status, subject: reply.subject}) : t('reply.itemNoSubject', {status})];
  if (reply.sent_at) parts.push(t('reply.sent', {date: formatDateTime(reply.sent_at)}));
  else if (reply.due_at) parts.push(t('reply.due', {date: formatDateTime(reply.due_at)}));
  // A skipped reply's last_error is the rule that skipped it, said in the owner's words.
  if (reply.status === 'skipped') parts.push(t(`reply.skipped.${reply.last_error}`));
  else if (reply.last_error) parts.push(stopText(reply.last_error));
  return parts.join(' · ');
}

/* Why the sender stopped a reply, in the owner's words for the reasons it writes (shared/mail/sender.py);
   any other error as the server wrote it. */
function stopText(error) {
  const tagged = /^lead tagged (.+)$/.exec(error);
  if (tagged) return t('reply.stopped.tagged', {tag: t(`tag.${tagged[1]}`)});
  if (error === 'the client turned replies off') return t('reply.stopped.repliesOff');
  return t('reply.error', {error});
}

/* An amount as an owner types it, in either language's way: "12 500,50 $", "12,500.50", "1,5" -> a
   number; NaN when it is not one. A comma followed by one or two digits at the end is the decimal one. */
export function parseAmount(text) {
  let s = text.replace(/[\s\u00a0\u202f$]/g, '');
  const comma = s.lastIndexOf(','), dot = s.lastIndexOf('.');
  if (comma > dot && /^\d{1,2}$/.test(s.slice(comma + 1))) s = `${s.slice(0, comma).replace(/[.,]/g, '')}.${s.slice(comma + 1)}`;
  else s = s.replace(/,/g, '');
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;  // a negative one is the API's to refuse
}

async function tagLead(tag) {
  const id = shown.lead.id;
  const body = {tag};
  const value = $('conversion-value').value.trim();
  if (tag === 'Converted' && value !== '') body.conversion_value = parseAmount(value);
  if (Number.isNaN(body.conversion_value)) {
    setStatus(errorText({status: 422, details: [{field: 'conversion_value', reason: 'wrong_type'}]}), 'error');
    return;
  }
  try {
    const answer = await apiJson('POST', `/api/leads/${encodeURIComponent(id)}/tag`, {body});
    await refresh(id);
    $('tag-buttons').querySelector('[aria-pressed="true"]')?.focus();
    const said = t(answer.changed ? 'lead.tagged' : 'lead.unchanged', {tag: t(`tag.${tag}`)});
    setStatus(body.conversion_value === undefined ? said : `${said} ${formatMoney(body.conversion_value)}`);
    $('conversion-value').value = '';
  } catch (e) {
    const converted = e.status === 409 && shown.lead.current_tag === 'Converted';
    setStatus(converted ? t('lead.mustRevert') : errorText(e), 'error');
  }
}

async function refresh(id) {
  shown = await apiJson('GET', leadPath(id));
  render();
}

function openRevert() {
  $('revert-reason').value = '';
  $('revert-error').textContent = '';
  clearFieldErrors($('revert-form'));
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
  const id = shown.lead.id;
  try {
    await apiJson('POST', `/api/leads/${encodeURIComponent(id)}/revert`, {body: {reason}});
    $('revert-dialog').close();
    await refresh(id);
    setStatus(t('lead.reverted'));
    $('tag-buttons').querySelector('[aria-pressed="true"]')?.focus();
  } catch (e) {
    showFieldErrors($('revert-form'), $('revert-error'), e);
  }
}

export function bind() {
  $('revert-open').addEventListener('click', openRevert);
  $('revert-form').addEventListener('submit', revertLead);
  $('revert-cancel').addEventListener('click', () => $('revert-dialog').close());
}
