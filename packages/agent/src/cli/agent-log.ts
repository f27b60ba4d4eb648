import pino, { type Logger } from 'pino';

/** The agent's JSON log, on stderr (stdout carries command output), secrets redacted. */
export function agentLog(level: string): Logger {
  return pino(
    {
      level,
      redact: { paths: ['*.password', '*.token', '*.secrets'], censor: '[secret]' },
    },
    pino.destination(2),
  );
}
