/* The JSON API of the same origin, with the session's token. A 401 to a signed-in page ends the
   session: whoever draws the page is told through onSessionEnded(). */
import {t} from './i18n.js?v=__VERSION__';
import * as session from './session.js?v=__VERSION__';

let sessionEnded = () => {};

export const onSessionEnded = (callback) => { sessionEnded = callback; };

export class ApiError extends Error {
  constructor(status, code, message, details, retryAfter) {
    super(message);
    Object.assign(this, {status, code, details, retryAfter});
  }
}

export async function api(method, path, {body, accept} = {}) {
  const headers = {Accept: accept || 'application/json'};
  if (session.current()) headers.Authorization = `Bearer ${session.current().token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {method, headers, cache: 'no-store', credentials: 'omit',
      body: body === undefined ? undefined : JSON.stringify(body)});
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  if (response.ok) return response;
  const envelope = await response.json().catch(() => ({}));
  const error = envelope.error || {code: 'http', message: `HTTP ${response.status}`};
  if (response.status === 401 && session.current() && path !== '/api/auth/login') sessionEnded();
  throw new ApiError(response.status, error.code, error.message, error.details,
    Number(response.headers.get('Retry-After')) || 0);
}

export async function apiJson(method, path, options) {
  const response = await api(method, path, options);
  return response.status === 204 ? null : response.json();
}
