/* The server's lists (tags, urgencies, intents, languages, reply tones and speeds, the nightly events),
   served as /assets/vocabularies.json from the Python Literals that define them; never copied here.
   A <select data-options="tag"> is filled with one option per value, labelled in the current language
   (and first an empty "any" option when it has data-any="<string key>"). */
import {onTranslate, t} from './i18n.js?v=__VERSION__';

// Which strings label each list's values: its key prefix in i18n/<lang>.json.
const LABELS = {tag: 'tag.', urgency: 'urgencyShort.', intent: 'intent.', language: 'language.',
  emailTone: 'emailTone.', followupSpeed: 'followupSpeed.', alertUrgency: 'alertUrgency.'};
let lists = {};

export const values = (name) => lists[name];

export async function load() {
  const response = await fetch('/assets/vocabularies.json?v=__VERSION__');
  lists = await response.json();
}

function fill(select) {
  const name = select.dataset.options;
  const chosen = select.value;
  const options = lists[name].map((value) => new Option(t(LABELS[name] + value), value));
  if (select.dataset.any) options.unshift(new Option(t(select.dataset.any), ''));
  select.replaceChildren(...options);
  select.value = chosen;
}

onTranslate(() => document.querySelectorAll('select[data-options]').forEach(fill));
