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

export function errorText(error) {
  if (error.status === 0) return error.message;
  const fields = (error.details || []).map((d) => t('error.field', {field: d.field, message: d.message}));
  return [t('error.generic', {message: error.message}), ...fields].join(' ');
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
