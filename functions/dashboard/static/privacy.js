/* This person's data, from a lead's page: export everything held about their email, or erase it. */
import {api, apiJson} from './api.js?v=__VERSION__';
import {$, errorText, failed, saveFile, setStatus} from './dom.js?v=__VERSION__';
import {t} from './i18n.js?v=__VERSION__';
import * as inbox from './inbox.js?v=__VERSION__';
import * as lead from './lead.js?v=__VERSION__';

async function exportPerson() {
  const email = lead.current().email;
  try {
    const response = await api('GET', `/api/privacy/export?email=${encodeURIComponent(email)}`);
    const answer = await response.json();
    saveFile(new Blob([JSON.stringify(answer, null, 2)], {type: 'application/json'}), 'privacy-export', 'json');
    setStatus(t('privacy.exported', {count: answer.leads.length, email}));
  } catch (e) {
    failed(e);
  }
}

function askErase() {
  $('erase-warning').textContent = t('erase.warning', {email: lead.current().email});
  $('erase-error').textContent = '';
  $('erase-dialog').showModal();
  $('erase-cancel').focus();
}

async function erasePerson(event) {
  event.preventDefault();
  const email = lead.current().email;
  try {
    const answer = await apiJson('POST', '/api/privacy/erase', {body: {email}});
    $('erase-dialog').close();
    lead.forget();
    history.replaceState(null, '', '#/inbox');  // the lead is gone: no way back to it
    setStatus(t('loading'));
    await inbox.open(true).catch(failed);
    setStatus(t('privacy.erased', {email, ...answer.erased}));
  } catch (e) {
    $('erase-error').textContent = errorText(e);
  }
}

export function bind() {
  $('privacy-export').addEventListener('click', exportPerson);
  $('privacy-erase').addEventListener('click', askErase);
  $('erase-form').addEventListener('submit', erasePerson);
  $('erase-cancel').addEventListener('click', () => $('erase-dialog').close());
}
