import { api, isApiError, type RequestOptions } from '../api/client';

function csrfToken(): string | null {
  const match = document.cookie.match(/(?:^|;\s*)(?:__Host-)?ferry_user_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]!) : null;
}

/** Asks the user to prove their password again; resolves true once the cloud accepted it. */
type ReauthPrompt = () => Promise<boolean>;
let reauthPrompt: ReauthPrompt | null = null;

/** The re-proof dialog registers itself here while My Account is signed in. */
export function setReauthPrompt(prompt: ReauthPrompt | null): void {
  reauthPrompt = prompt;
}

function send<T>(path: string, options: RequestOptions): Promise<T> {
  const token = csrfToken();
  const unsafe = (options.method ?? (options.body === undefined ? 'GET' : 'POST')) !== 'GET';
  return api<T>(path, {
    ...options,
    headers: { ...options.headers, ...(unsafe && token ? { 'x-csrf-token': token } : {}) },
  });
}

/**
 * My Account call: the session cookie goes by itself, unsafe methods echo the CSRF token.
 * When the cloud wants the password proven again first (`reauthentication_required`: a method
 * change in a session whose last proof is over ten minutes old), the dialog asks for it and
 * the call is made once more; cancelled, the refusal stands.
 */
export async function meApi<T>(path: string, options: RequestOptions = {}): Promise<T> {
  try {
    return await send<T>(path, options);
  } catch (error) {
    if (!isApiError(error, 'reauthentication_required') || !reauthPrompt) throw error;
    if (!(await reauthPrompt())) throw error;
    return send<T>(path, options);
  }
}
