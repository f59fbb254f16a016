/* Small helpers over the DOM. Text is only ever set as textContent, never parsed as HTML. */
import {t} from './i18n.js?v=__VERSION__';

export const $ = (id) => document.getElementById(id);

/* el('span', {className: 'badge', text: lead.name}): text is always textContent. */
export function el(tag, props = {}, children = []) {
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

export function setStatus(message, kind = 'info') {
  const status = $('status');
  status.textContent = message || '';
  status.className = `status ${kind}`;
}

/* A refused request in the owner's language. A 422 is said with the page's own sentence for each field's
   `reason` (never the validator's English); other errors carry the server's message. */
export function errorText(error) {
  if (error.status === 0) return error.message;
  if (error.status === 422 && error.details?.length) {
    return error.details.map((d) => t('error.field', {field: fieldLabel(d.field), message: reasonText(d)})).join(' ');
  }
  return t('error.generic', {message: error.message});
}

/* The sentence for one 422 detail; the control it names, when given, adds its limits. A detail without
   a `reason` (or with one this page does not know) gets a general sentence, still in the owner's language. */
export function reasonText(detail, control = null) {
  const {reason} = detail;
  const limits = {min: control?.getAttribute('min') ?? control?.getAttribute('minlength'),
    max: control?.getAttribute('max') ?? control?.getAttribute('maxlength')};
  const precise = {too_long: limits.max && 'reason.too_long_max', too_short: limits.min && 'reason.too_short_min',
    out_of_range: limits.min && limits.max && 'reason.out_of_range_between'}[reason];
  const key = precise || `reason.${reason}`;
  return reason && t(key, limits) !== key ? t(key, limits) : t('reason.unexplained');
}

const labelOf = (control) => document.querySelector(`label[for="${control.id}"]`)?.textContent.trim() || control.name;

/* A 422's field by the label of the page's control of that name, when there is one. */
function fieldLabel(field) {
  const control = document.querySelector(`[name="${CSS.escape(String(field).split(/[.[]/)[0])}"]`);
  return control?.id ? labelOf(control) : field;
}

/* Each refused field of `form` marked invalid with its sentence beside it (announced with the field);
   the form's alert `summary` names them. Details naming no control of the form are said in the summary. */
export function showFieldErrors(form, summary, error) {
  clearFieldErrors(form);
  const named = [], other = [];
  for (const detail of error.details || []) {
    const control = form.elements[String(detail.field).split(/[.[]/)[0]];
    if (!control?.id) {
      other.push(detail);
      continue;
    }
    control.setAttribute('aria-invalid', 'true');
    const note = el('p', {id: `${control.id}-error`, className: 'field-error', text: reasonText(detail, control)});
    control.after(note);
    control.setAttribute('aria-describedby', [note.id, control.getAttribute('aria-describedby')].filter(Boolean).join(' '));
    named.push(labelOf(control));
  }
  const text = named.length ? [t('error.fields', {fields: named.join(', ')})] : [];
  if (other.length || !named.length) text.push(errorText({...error, details: other}));
  summary.textContent = text.join(' ');
}

export function clearFieldErrors(form) {
  for (const note of form.querySelectorAll('.field-error')) {
    const control = note.previousElementSibling;
    const rest = (control.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id !== note.id);
    if (rest.length) control.setAttribute('aria-describedby', rest.join(' '));
    else control.removeAttribute('aria-describedby');
    control.removeAttribute('aria-invalid');
    note.remove();
  }
}

/* A failed action's message in the status line: `.catch(failed)`. */
export const failed = (error) => setStatus(errorText(error), 'error');

/* A <dl> of [string key, value] pairs; a pair without a value is left out. */
export function renderFacts(list, facts) {
  list.replaceChildren(...facts.filter(([, value]) => value).flatMap(([key, value]) => [
    el('dt', {text: t(key, {value: ''}).replace(/[:\s]+$/, '')}), el('dd', {text: value})]));
}

/* Saves a Blob as a file named `<prefix>-<today>.<extension>`, as a download link would. */
export function saveFile(blob, prefix, extension) {
  const url = URL.createObjectURL(blob);
  const link = el('a', {href: url, download: `${prefix}-${new Date().toISOString().slice(0, 10)}.${extension}`});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
