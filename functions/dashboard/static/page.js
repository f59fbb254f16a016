/* Which view is shown. Every view load takes a ticket; an answer that arrives after a newer load (or
   after signing out) is dropped. */
import {$, setStatus} from './dom.js?v=__VERSION__';
import {t} from './i18n.js?v=__VERSION__';
import * as session from './session.js?v=__VERSION__';

let ticket = 0;
let redrawView = null;

export const nextTicket = () => ++ticket;
export const stale = (taken) => taken !== ticket || !session.current();
export const dropPending = () => { ticket += 1; };

/* The shown view drawn again (after the language changed). */
export const redraw = () => redrawView && redrawView();

/* Shows one view, drawn by `render` (and drawn again by it when the language changes). A view is shown
   once its data has arrived, so what the owner types into it is never overwritten by a late answer. */
export function show(view, focus = false, render = null) {
  if ($('status').textContent === t('loading')) setStatus('');
  redrawView = render;
  if (render) render();
  for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== `view-${view}`;
  for (const link of document.querySelectorAll('#main-nav a')) {
    // a lead and the Spam folder live under the inbox, the web forms under settings (a phone's menu
    // holds four items on one line)
    const under = {lead: 'inbox', spam: 'inbox', forms: 'settings'}[view];
    if (link.dataset.view === view || link.dataset.view === under) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  const heading = document.querySelector(`#view-${view} h1`);
  if (focus && heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}
