import type { ApiClient, ApiResponse } from './api-client.js';
import type { Harness } from './harness.js';

/** Signs an end user in to My Account and keeps their ferry_user cookie and CSRF token. */
export async function signInToMyAccount(
  h: Harness,
  userPrincipalName: string,
  password: string,
): Promise<{ client: ApiClient; response: ApiResponse }> {
  const client = h.client();
  const response = await client.post('/api/v1/me/sign-in', { userPrincipalName, password });
  if (response.status !== 200) {
    throw new Error(
      `My Account sign-in of ${userPrincipalName}: ${response.status} ${response.body}`,
    );
  }
  client.cookie = sessionCookie(response);
  client.csrfToken = response.json.csrfToken;
  // The session id and CSRF token are secrets: the scans look for them too.
  h.secretsUsed.push(client.csrfToken!, client.cookie!.split('=')[1]!);
  return { client, response };
}

/** `ferry_user=<id>` (or `__Host-ferry_user=`) from a sign-in answer, without the CSRF twin. */
export function sessionCookie(response: ApiResponse): string {
  const header = response.headers['set-cookie'];
  const lines = Array.isArray(header) ? header : [String(header)];
  const line = lines.find((l) => /^(__Host-)?ferry_user=/.test(l));
  if (!line) throw new Error('no ferry_user cookie set');
  return line.split(';')[0]!;
}

export function setCookieLine(response: ApiResponse, name: string): string | undefined {
  const header = response.headers['set-cookie'];
  const lines = Array.isArray(header) ? header : [String(header)];
  return lines.find((l) => l.startsWith(`${name}=`));
}
