/* The front door's two views: the Spam folder (the quarantined leads, why each was held in plain words,
   "Not spam" and "Spam") and the client's web forms (each with its snippet to paste and today's posts,
   and a form to add one). */
import {apiJson} from './api.js?v=__VERSION__';
import {$, el, failed, setStatus} from './dom.js?v=__VERSION__';
import {formatDateTime, t} from './i18n.js?v=__VERSION__';
import {nextTicket, show, stale} from './page.js?v=__VERSION__';

let folder = {leads: [], released: new Set()};
let forms = [];

export async function openSpam(focus) {
  const ticket = nextTicket();
  const answer = await apiJson('GET', '/api/leads?spam=only&limit=100');
  if (stale(ticket)) return;
  folder = {leads: answer.leads, released: new Set()};
  show('spam', focus, renderSpam);
}

function renderSpam() {
  $('spam-list').replaceChildren(...folder.leads.map(spamItem));
  $('spam-empty').hidden = folder.leads.length > 0;
}

function spamItem(lead) {
  const released = folder.released.has(lead.lead_id);
  const reasons = lead.spam_signals.map((signal) => el('li', {text: t(`spam.signal.${signal}`)}));
  const action = released
    ? el('button', {type: 'button', className: 'secondary', text: t('spam.markSpam')})
    : el('button', {type: 'button', text: t('spam.notSpam')});
  action.addEventListener('click', () => review(lead, released ? 'spam' : 'not-spam'));
  return el('li', {className: 'lead-item'}, [
    el('h2', {className: 'lead-title'}, [el('a', {href: `#/lead/${encodeURIComponent(lead.lead_id)}`, text: lead.name})]),
    el('p', {className: 'meta muted', text: [formatDateTime(lead.timestamp), lead.email].join(' · ')}),
    lead.ai_summary && el('p', {className: 'summary', text: lead.ai_summary}),
    el('p', {text: released ? t('spam.released') : t('spam.why')}),
    released ? null : el('ul', {className: 'reasons'}, reasons),
    el('div', {className: 'actions'}, [action]),
  ]);
}

async function review(lead, verdict) {
  try {
    const answer = await apiJson('POST', `/api/leads/${encodeURIComponent(lead.lead_id)}/${verdict}`);
    if (verdict === 'not-spam') folder.released.add(lead.lead_id);
    else folder.released.delete(lead.lead_id);
    lead.spam_signals = answer.spam_signals;
    renderSpam();
    setStatus(verdict === 'not-spam' ? t('spam.releasedStatus', {name: lead.name}) : t('spam.heldStatus', {name: lead.name}));
  } catch (e) {
    failed(e);
  }
}

export async function openForms(focus) {
  const ticket = nextTicket();
  const answer = await apiJson('GET', '/api/forms');
  if (stale(ticket)) return;
  forms = answer.forms;
  show('forms', focus, renderForms);
}

function renderForms() {
  $('form-list').replaceChildren(...forms.map(formItem));
  $('forms-empty').hidden = forms.length > 0;
}

function formItem(form) {
  const id = `snippet-${form.form_id}`;
  const {stats} = form;
  return el('li', {className: 'card'}, [
    el('h2', {text: form.name || t('forms.unnamed')}),
    el('p', {className: 'muted', text: t('forms.origins', {origins: form.allowed_origins.join(', ')})}),
    el('p', {text: t('forms.today', {accepted: stats.accepted_today, quarantined: stats.quarantined_today,
      blocked: stats.blocked_today})}),
    el('label', {for: id, text: t('forms.snippet')}),
    el('textarea', {id, readonly: 'readonly', rows: '8', className: 'snippet', text: form.embed_html}),
  ]);
}

async function addForm(event) {
  event.preventDefault();
  const fields = event.target.elements;
  const body = {allowed_origins: [fields.origin.value.trim()], language: fields.language.value};
  if (fields.name.value.trim()) body.name = fields.name.value.trim();
  if (fields.thanks.value.trim()) body.thank_you_url = fields.thanks.value.trim();
  try {
    await apiJson('POST', '/api/forms', {body});
    event.target.reset();
    setStatus(t('forms.created'));
    await openForms(false);
  } catch (e) {
    failed(e);
  }
}

export function bind() {
  $('form-create').addEventListener('submit', addForm);
}
