import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino censors wherever they appear. Bodies are never logged, but a stray object with a
 * password or token field is caught here as a second line of defence.
 */
export const redactPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'password',
  'token',
  'csrfToken',
  'sessionId',
  'databaseUrl',
  'dataKey',
  '*.password',
  '*.token',
  '*.csrfToken',
  '*.sessionId',
  '*.databaseUrl',
  '*.dataKey',
];

/** JSON lines to stderr (stdout carries only the "listening" line) or to `destination`. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, redact: { paths: redactPaths, censor: '[secret]' }, base: { service: 'ferry-cloud' } },
    destination ?? pino.destination(2),
  );
}
