/* The settings view: the client's settings (every named control of the settings form is one field of
   PATCH /api/client), the account's dates, a new password, and a new API key shown once. */
import {apiJson} from './api.js?v=__VERSION__';
import {$, clearFieldErrors, failed, renderFacts, setStatus, showFieldErrors} from './dom.js?v=__VERSION__';
import {formatDateTime, lang, t} from './i18n.js?v=__VERSION__';
import {nextTicket, show, stale} from './page.js?v=__VERSION__';
import * as replyPreview from './reply-preview.js?v=__VERSION__';
import * as session from './session.js?v=__VERSION__';

let client = null;  // GET /api/client's answer, as last read or saved
let refused = null;  // the last save's 422, said again if the language changes

const inputs = () => [...$('settings-form').elements].filter((input) => input.name);

export async function open(focus) {
  const ticket = nextTicket();
  const answer = await apiJson('GET', '/api/client');
  if (stale(ticket)) return;
  client = answer;
  fill();
  show('settings', focus, renderAccount);
  replyPreview.refresh();
}

function fill() {
  for (const input of inputs()) {
    const value = client[input.name];
    if (input.type === 'checkbox') input.checked = Boolean(value);
    else input.value = input.name === 'smtp_password' || value == null ? '' : String(value);
  }
  refused = null;
  clearFieldErrors($('settings-form'));
  $('set-email').value = client.email || '';
  $('settings-error').textContent = '';
  renderAccount();
}

function renderAccount() {
  if (refused) showFieldErrors($('settings-form'), $('settings-error'), refused);
  $('smtp-password-hint').textContent = t(client.smtp_password_set ? 'settings.smtpPasswordSet'
    : 'settings.smtpPasswordUnset');
  renderFacts($('account-facts'), [['settings.created_at', formatDateTime(client.created_at)],
    ['settings.last_login', formatDateTime(client.last_login)],
    ['settings.last_rotated', formatDateTime(client.last_rotated)]]);
}

/* A web address typed without its scheme (`www.example.ca/booking`) is completed in the form with
   https://, as the owner meant it; anything else is left for the server to judge. */
function completeLink(input) {
  const value = input.value.trim();
  if (/^[^\s/:]+\.[^\s/:]+(?::\d+)?(?:[/?#]\S*)?$/.test(value)) input.value = `https://${value}`;
}

/* Only what the owner changed is sent; an emptied optional field is sent as null (cleared). */
function changes() {
  completeLink($('set-booking_link'));
  const changed = {};
  for (const input of inputs()) {
    const name = input.name;
    let value = input.type === 'checkbox' ? input.checked : input.value.trim();
    if (name === 'smtp_password') {
      if (input.value) changed[name] = input.value;
      continue;
    }
    if (value === '') value = null;
    if (name === 'smtp_port' && value !== null) value = Number(value);
    const before = client[name] ?? null;
    if (value !== before && !(input.type === 'checkbox' && value === Boolean(before))) changed[name] = value;
  }
  return changed;
}

async function save(event, setLanguage) {
  event.preventDefault();
  const changed = changes();
  if (!Object.keys(changed).length) return setStatus(t('settings.nothing'));
  try {
    client = await apiJson('PATCH', '/api/client', {body: changed});
    fill();
    if (changed.business_name) {
      session.current().business_name = client.business_name;
      session.save();
      $('business-name').textContent = client.business_name;
    }
    if (changed.language && changed.language !== lang()) await setLanguage(changed.language);
    setStatus(t('settings.saved'));
    replyPreview.refresh();
  } catch (e) {
    refused = e.status === 422 ? e : null;
    showFieldErrors($('settings-form'), $('settings-error'), e);
    $('settings-form').querySelector('[aria-invalid="true"]')?.focus();
  }
}

async function changePassword(event) {
  event.preventDefault();
  const current = $('current-password'), next = $('new-password'), error = $('password-error');
  error.textContent = '';
  clearFieldErrors($('password-form'));
  if (new TextEncoder().encode(next.value).length < 10) {
    error.textContent = t('settings.passwordShort');
    return;
  }
  try {
    await apiJson('POST', '/api/client/password', {body: {current_password: current.value, new_password: next.value}});
    current.value = next.value = '';
    setStatus(t('settings.passwordChanged'));
  } catch (e) {
    showFieldErrors($('password-form'), error, e);
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
    failed(e);
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

/* `setLanguage(lang)` puts the whole page in the language the owner saved. */
export function bind(setLanguage) {
  $('settings-form').addEventListener('submit', (event) => save(event, setLanguage));
  $('password-form').addEventListener('submit', changePassword);
  $('rotate-key').addEventListener('click', askRotate);
  $('rotate-yes').addEventListener('click', rotateKey);
  $('rotate-no').addEventListener('click', () => { $('rotate-confirm').hidden = true; $('rotate-key').focus(); });
  $('copy-key').addEventListener('click', copyKey);
  replyPreview.bind(changes);
}
