import { api, type RequestOptions } from '../api/client';

/** The readable CSRF cookie the cloud sets at admin sign-in (the session cookie is HttpOnly). */
function csrfToken(): string | null {
  const match = document.cookie.match(/(?:^|;\s*)(?:__Host-)?ferry_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]!) : null;
}

/** Admin API call: the session cookie goes by itself, unsafe methods echo the CSRF token. */
export function adminApi<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const token = csrfToken();
  const unsafe = (options.method ?? (options.body === undefined ? 'GET' : 'POST')) !== 'GET';
  return api<T>(path, {
    ...options,
    headers: { ...options.headers, ...(unsafe && token ? { 'x-csrf-token': token } : {}) },
  });
}
