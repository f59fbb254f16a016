/* The internal client's prospects view: the scored prospects, the outreach funnel and emails, and the
   next outreach batch, always previewed (a dry run) before it can be sent. */
import {apiJson} from './api.js?v=__VERSION__';
import {$, el, failed, renderFacts, setStatus} from './dom.js?v=__VERSION__';
import {formatDateTime, formatNumber, t} from './i18n.js?v=__VERSION__';
import {nextTicket, show, stale} from './page.js?v=__VERSION__';

let prospects = [];
let outreach = null;  // GET /api/outreach's answer: {outreach, funnel}
let preview = null;  // {limit, answer} of the last dry run, until sent or cancelled

export async function open(focus) {
  const ticket = nextTicket();
  const params = new URLSearchParams({limit: '100'});
  for (const name of ['min_score', 'contacted', 'industry', 'region']) {
    const value = $('prospect-filters').elements[name].value.trim();
    if (value) params.set(name, value);
  }
  const segment = new URLSearchParams();
  for (const name of ['industry', 'region']) if (params.has(name)) segment.set(name, params.get(name));
  const [answer, emails] = await Promise.all([apiJson('GET', `/api/prospects?${params}`),
    apiJson('GET', `/api/outreach?${segment}`)]);
  if (stale(ticket)) return;
  prospects = answer.prospects;
  outreach = emails;
  show('prospects', focus, render);
}

function render() {
  $('prospect-list').replaceChildren(...prospects.map(prospectItem));
  $('prospects-empty').hidden = prospects.length > 0;
  // The funnel's steps (sent, opened, replied, ignored) in the order the API gives them.
  $('outreach-funnel').replaceChildren(...Object.entries(outreach.funnel).flatMap(([step, count]) => [
    el('dt', {text: t(`outreach.funnel.${step}`)}), el('dd', {text: formatNumber(count)})]));
  $('outreach-list').replaceChildren(...outreach.outreach.map(outreachItem));
  $('outreach-empty').hidden = outreach.outreach.length > 0;
  if (preview) renderPreview();
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
    evidenceDetails(prospect.id),
  ]);
}

/* What the crawl found and each probe measured (GET /api/prospects/{id}), read when first opened. */
function evidenceDetails(prospectId) {
  const body = el('div', {className: 'evidence'});
  const details = el('details', {}, [el('summary', {text: t('evidence.show')}), body]);
  details.addEventListener('toggle', () => {
    if (!details.open || body.childElementCount) return;
    apiJson('GET', `/api/prospects/${encodeURIComponent(prospectId)}`).then((found) => body.replaceChildren(
      ...evidence(found))).catch(failed);
  });
  return details;
}

function evidence(prospect) {
  const facts = el('dl', {className: 'facts'});
  renderFacts(facts, [
    ['evidence.formKind', prospect.form_kind && t(`evidence.kind.${prospect.form_kind}`)],
    ['evidence.formUrl', prospect.form_url], ['evidence.emailSource', prospect.contact_email_source_url],
    ['evidence.testSource', prospect.test_source && t(`evidence.source.${prospect.test_source}`)],
    ['evidence.crawledAt', prospect.crawled_at && formatDateTime(prospect.crawled_at)]]);
  const pages = (prospect.crawl_pages || []).map((page) => el('li', {text: page.status
    ? t('evidence.fetched', {url: page.url, status: page.status}) : t('evidence.skipped', {url: page.url, why: page.skipped})}));
  return [facts,
    el('h3', {text: t('evidence.pages')}), pages.length ? el('ul', {}, pages) : el('p', {className: 'muted', text: t('evidence.noPages')}),
    el('h3', {text: t('evidence.probes')}),
    prospect.probes.length ? el('ul', {}, prospect.probes.map(probeItem)) : el('p', {className: 'muted', text: t('evidence.noProbes')})];
}

function probeItem(probe) {
  const measured = probe.status === 'closed' && [
    probe.has_autoresponder ? t('evidence.autoresponder') : t('evidence.noAutoresponder'),
    probe.response_time_ms === null ? t('evidence.noAnswer') : t('evidence.answeredIn', {ms: formatNumber(probe.response_time_ms)}),
    probe.is_personalized ? t('evidence.personalised') : probe.is_generic ? t('evidence.generic') : ''].filter(Boolean).join(' · ');
  return el('li', {}, [
    el('span', {className: 'badge', text: t(`evidence.status.${probe.status}`)}), ' ',
    probe.submitted_at && el('span', {className: 'meta', text: t('evidence.submittedAt', {date: formatDateTime(probe.submitted_at)})}),
    measured && el('p', {className: 'meta', text: measured}),
    probe.reply_excerpt && el('blockquote', {text: probe.reply_excerpt}),
    probe.error && el('p', {className: 'meta muted', text: probe.error}),
  ]);
}

function outreachItem(email) {
  const canReply = email.sent_at && email.status !== 'replied';
  const reply = canReply && el('button', {type: 'button', className: 'secondary', text: t('outreach.markReplied')});
  if (reply) reply.addEventListener('click', () => markReplied(email.outreach_id));
  return el('li', {className: 'lead-item'}, [
    el('h2', {className: 'lead-title', text: email.business_name}),
    el('p', {className: 'badges'}, [
      el('span', {className: `badge${email.status === 'replied' ? ' tag-converted' : ''}`,
        text: email.sent_at ? t(`outreach.status.${email.status}`) : t('outreach.queued')}),  // not sent: not "Sent"
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
/* Outreach's one refusal an owner fixes in Settings (every email carries the sender's mailing
   address: a 409 naming mailing_address) said as that; any other failure as usual. */
function outreachFailed(error) {
  if (error.status === 409 && /mailing_address/.test(error.message)) setStatus(t('outreach.needsAddress'), 'error');
  else failed(error);
}

async function previewOutreach(event) {
  event.preventDefault();
  const limit = Number($('outreach-limit').value);
  const answer = await apiJson('POST', '/api/prospects/outreach', {body: {limit, dry_run: true}});
  preview = {limit, answer};
  renderPreview();
  $('outreach-preview-summary').focus();
}

function renderPreview() {
  const {answer} = preview;
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
  preview = null;
  $('outreach-preview').hidden = true;
}

async function sendOutreach() {
  const {limit} = preview;
  $('outreach-send').disabled = true;
  try {
    const answer = await apiJson('POST', '/api/prospects/outreach', {body: {limit}});
    closePreview();
    await open(false);
    setStatus(t('outreach.sent', {count: answer.queued.length}));
  } finally {
    $('outreach-send').disabled = false;
  }
}

async function markReplied(outreachId) {
  await apiJson('POST', `/api/outreach/${encodeURIComponent(outreachId)}/replied`);
  await open(false);
}

export function bind() {
  $('prospect-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    open(false).catch(failed);
  });
  $('outreach-form').addEventListener('submit', (event) => previewOutreach(event).catch(outreachFailed));
  $('outreach-send').addEventListener('click', () => sendOutreach().catch(outreachFailed));
  $('outreach-cancel').addEventListener('click', closePreview);
}
