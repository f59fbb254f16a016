/* The sign-in view: email and password; a good pair hands the server's answer to `signedIn`. */
import {apiJson} from './api.js?v=__VERSION__';
import {$, errorText} from './dom.js?v=__VERSION__';
import {t} from './i18n.js?v=__VERSION__';

async function signIn(event, signedIn) {
  event.preventDefault();
  const email = $('signin-email').value.trim(), password = $('signin-password').value;
  const error = $('signin-error');
  error.textContent = '';
  if (!email || !password) {
    error.textContent = t('signin.missing');
    return;
  }
  try {
    const answer = await apiJson('POST', '/api/auth/login', {body: {email, password}});
    $('signin-password').value = '';
    await signedIn(answer);
  } catch (e) {
    if (e.status === 401) error.textContent = t('signin.wrong');
    else if (e.status === 429) error.textContent = t('signin.locked', {minutes: Math.ceil((e.retryAfter || 900) / 60)});
    else error.textContent = errorText(e);
  }
}

export function bind(signedIn) {
  $('signin-form').addEventListener('submit', (event) => signIn(event, signedIn));
}
