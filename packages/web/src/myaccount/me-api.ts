import { api, type RequestOptions } from '../api/client';

function csrfToken(): string | null {
  const match = document.cookie.match(/(?:^|;\s*)ferry_user_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]!) : null;
}

/** My Account call: the session cookie goes by itself, unsafe methods echo the CSRF token. */
export function meApi<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const token = csrfToken();
  const unsafe = (options.method ?? (options.body === undefined ? 'GET' : 'POST')) !== 'GET';
  return api<T>(path, {
    ...options,
    headers: { ...options.headers, ...(unsafe && token ? { 'x-csrf-token': token } : {}) },
  });
}
