import { api, type RequestOptions } from '../api/client';

/**
 * A sign-in step: the interaction cookie goes by itself (it is scoped to
 * /api/v1/sign-in/<uid>), the page's CSRF token in the header.
 */
export function signInApi<T>(
  uid: string,
  path: string,
  csrfToken: string,
  options: RequestOptions = {},
): Promise<T> {
  return api<T>(`/sign-in/${uid}${path}`, {
    ...options,
    headers: { ...options.headers, 'x-csrf-token': csrfToken },
  });
}

/** The sign-in page's own address, where SSPR sends the user back. */
export function signInPath(uid: string): string {
  return `/signin/${uid}`;
}
