/* The settings' reply preview: the reply a sample message would get with the settings as the form shows
   them now, saved or not (their unsaved changes go as POST /api/client/reply-preview's `settings`, which
   it never writes), refreshed a moment after each edit. The reply is shown as its plain text, never as HTML. */
import {apiJson} from './api.js?v=__VERSION__';
import {$, errorText, renderFacts} from './dom.js?v=__VERSION__';
import {onTranslate, t} from './i18n.js?v=__VERSION__';

const PAUSE_MS = 400;  // after the last key press: one request per pause in typing, not one per key
// The settings a reply or an alert reads; the sending ones (SMTP) are never sent to be previewed.
const PREVIEWED = new Set(['business_name', 'contact_name', 'language', 'industry_category', 'primary_service',
  'primary_service_en', 'primary_service_fr', 'phone', 'mailing_address', 'ai_personalized_reply', 'email_tone',
  'followup_speed', 'booking_link', 'custom_tagline', 'alert_urgency', 'alert_email', 'alert_phone']);

let unsavedSettings = () => ({});
let timer = 0;
let asked = 0;         // the latest request's number: an older answer arriving late is dropped
let sampleShown = '';  // the sample as last put in the message box: replaced on a language change if untouched

function putSample() {
  const sample = $('preview-sample').value;
  $('preview-message').value = sampleShown = t(`preview.sample.${sample}.text`);
  $('preview-name').value = t(`preview.sample.${sample}.name`);
}

export function refreshSoon() {
  clearTimeout(timer);
  timer = setTimeout(refresh, PAUSE_MS);
}

/* Asks for the reply now (the view opened, the settings were saved). */
export async function refresh() {
  clearTimeout(timer);
  const message = $('preview-message').value.trim();
  if (!message) return render(null);
  const ticket = ++asked;
  const settings = Object.fromEntries(Object.entries(unsavedSettings()).filter(([name]) => PREVIEWED.has(name)));
  const body = {message, settings};
  if ($('preview-name').value.trim()) body.name = $('preview-name').value.trim();
  $('preview-state').textContent = t('preview.updating');
  try {
    const answer = await apiJson('POST', '/api/client/reply-preview', {body});
    if (ticket === asked) render(answer);
  } catch (e) {
    if (ticket === asked) render(null, errorText(e));
  }
}

function render(answer, error = '') {
  $('preview-state').textContent = answer || error ? '' : t('preview.empty');
  $('preview-error').textContent = error ? t('preview.invalid', {error}) : '';
  $('preview-text').textContent = answer && !answer.skipped ? answer.text : '';
  if (!answer) return $('preview-facts').replaceChildren();
  renderFacts($('preview-facts'), [
    ['preview.subject', answer.skipped ? '' : answer.subject],
    ['preview.due', t(answer.skipped ? `preview.skipped.${answer.skipped}` : `preview.due.${answer.due}`)],
    ['preview.alert', t(answer.alert ? 'preview.alerted' : 'preview.notAlerted')],
  ]);
}

/* `unsaved()` gives the settings form's unsaved changes, as PATCH /api/client would take them. */
export function bind(unsaved) {
  unsavedSettings = unsaved;
  putSample();
  $('preview-sample').addEventListener('change', putSample);
  // Every control of the preview is inside the settings form: one listener hears them all.
  $('settings-form').addEventListener('input', refreshSoon);
  $('settings-form').addEventListener('change', refreshSoon);
  // The sample follows the page's language unless the owner wrote a message of their own.
  onTranslate(() => {
    if ($('preview-message').value !== sampleShown) return;
    putSample();
    if (!$('view-settings').hidden) refreshSoon();
  });
}
