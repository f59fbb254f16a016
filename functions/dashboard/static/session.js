/* The signed-in owner's session: its token and what the page keeps of it, in sessionStorage (gone with
   the tab); the owner's last visit per client, in localStorage. */

const SESSION_KEY = 'avenir.session';
let session = null;

export const current = () => session;

export const save = () => sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));

/* The session of this tab, if it has one that has not expired. */
export function restore() {
  try {
    const kept = JSON.parse(sessionStorage.getItem(SESSION_KEY));
    session = kept && new Date(kept.expires_at) > new Date() ? kept : null;
  } catch {
    session = null;
  }
  return session;
}

/* The last visit is remembered per client in localStorage; "new since your last visit" counts from the
   visit before this session, all session long. */
export function begin(answer) {
  const visitKey = `avenir.lastVisit.${answer.client_id}`;
  session = {token: answer.token, expires_at: answer.expires_at, client_id: answer.client_id,
    business_name: answer.business_name, language: answer.language,
    previous_visit: localStorage.getItem(visitKey), internal: false};
  localStorage.setItem(visitKey, new Date().toISOString());
  save();
  return session;
}

export function end() {
  session = null;
  sessionStorage.removeItem(SESSION_KEY);
}
