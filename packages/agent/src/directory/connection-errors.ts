import { ResultCodeError } from 'ldapts';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/**
 * True when the failure is about reaching the server (socket, TLS, timeout) rather than an
 * LDAP result the server sent. Only such failures justify trying another domain controller.
 */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof ResultCodeError) {
    return error.code === 51 || error.code === 52; // busy, unavailable
  }
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (
    code &&
    (CONNECTION_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL'))
  ) {
    return true;
  }
  if (code && /CERT|SELF_SIGNED|UNABLE_TO|HOSTNAME|ALTNAME/.test(code)) return true;
  return /timeout|timed out|connection closed|socket|not connected|ECONN/i.test(error.message);
}
