/* Text, numbers and dates in the chosen language. The strings of each language are one file,
   i18n/<lang>.json, the only source of the page's words: index.html carries none of its own, and the
   page stays hidden until translate() has filled it. Modules that draw text of their own outside a view
   (the vocabularies' options, the inbox's filter summary) ask to be told with onTranslate(). */

let strings = {};
let current = 'en';
const translators = [];

export const lang = () => current;

export function t(key, vars) {
  let text = strings[key] ?? key;
  for (const [name, value] of Object.entries(vars || {})) text = text.split(`{${name}}`).join(String(value));
  return text;
}

const locale = () => strings.locale || 'en-CA';
export const formatNumber = (n, options) => new Intl.NumberFormat(locale(), options).format(n);
export const formatPercent = (share) => formatNumber(share, {style: 'percent', maximumFractionDigits: 0});
export const formatMoney = (value) => formatNumber(Number(value || 0), {style: 'currency', currency: 'CAD',
  maximumFractionDigits: 0});

export function formatDateTime(iso) {
  if (!iso) return t('settings.never');
  return new Intl.DateTimeFormat(locale(), {dateStyle: 'medium', timeStyle: 'short'}).format(new Date(iso));
}

/* A calendar day (YYYY-MM-DD) as it is written, whatever the browser's time zone. */
export function formatDay(day, style = 'medium') {
  const options = style === 'short' ? {day: 'numeric', month: 'short'} : {dateStyle: style};
  return new Intl.DateTimeFormat(locale(), {...options, timeZone: 'UTC'}).format(new Date(`${day}T00:00:00Z`));
}

/* The strings of `language` ('fr' or else English), fetched at this deploy's version. */
export async function load(language) {
  const chosen = language === 'fr' ? 'fr' : 'en';
  const response = await fetch(`/assets/${chosen}.json?v=__VERSION__`);
  strings = await response.json();
  current = chosen;
  document.documentElement.lang = chosen;
}

export const onTranslate = (redraw) => translators.push(redraw);

/* Every data-i18n text, placeholder and aria-label of the page in the current language; then shows it. */
export function translate() {
  for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
  for (const element of document.querySelectorAll('[data-i18n-placeholder]')) {
    element.placeholder = t(element.dataset.i18nPlaceholder);
  }
  for (const element of document.querySelectorAll('[data-i18n-aria]')) {
    element.setAttribute('aria-label', t(element.dataset.i18nAria));
  }
  for (const redraw of translators) redraw();
  const other = document.getElementById('language-switch');
  other.textContent = t('switchTo');
  other.lang = t('switchToLang');
  document.body.hidden = false;
}
