import type { Logger } from 'pino';
import { FerryError } from '../util/ferry-error.js';

/** Sends text messages. Texts may hold one-time codes: no implementation logs them. */
export interface SmsGateway {
  send(to: string, text: string): Promise<void>;
}

/** POSTs `{ to, text }` as JSON to the gateway URL, with a bearer token when configured. */
export class HttpSmsGateway implements SmsGateway {
  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
    private readonly log: Logger,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(to: string, text: string): Promise<void> {
    let status: number | undefined;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: JSON.stringify({ to, text }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (error) {
      this.log.warn({ err: { name: (error as Error).name } }, 'sms gateway unreachable');
      throw new FerryError('sms_failed', 'SMS gateway unreachable');
    }
    if (status < 200 || status >= 300) {
      this.log.warn({ status }, 'sms gateway refused');
      throw new FerryError('sms_failed', `SMS gateway answered ${status}`);
    }
  }
}

/**
 * Development only (FERRY_SMS_GATEWAY=console): writes each message, code included, to the
 * process's stderr so a developer can read it. Never set this in production.
 */
export class ConsoleSmsGateway implements SmsGateway {
  constructor(
    private readonly write: (line: string) => void = (line) => process.stderr.write(line),
  ) {}

  send(to: string, text: string): Promise<void> {
    this.write(`[ferry sms, development only] to ${to}: ${text}\n`);
    return Promise.resolve();
  }
}

/** Used when no gateway is configured: every send is a typed refusal. */
export class DisabledSmsGateway implements SmsGateway {
  send(): Promise<void> {
    return Promise.reject(new FerryError('sms_not_configured', 'no SMS gateway configured'));
  }
}
