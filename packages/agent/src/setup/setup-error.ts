/**
 * A setup step that cannot go on with what it was given (a wrong password, a certificate
 * that does not name the host, a missing answer under --yes): `code` is stable for scripts,
 * the message says what to change. Exit code 1.
 */
export class SetupError extends Error {
  override readonly name = 'SetupError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
