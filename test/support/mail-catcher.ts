import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  /** Recipient addresses from the SMTP envelope, lower-cased. */
  readonly to: string[];
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string | null;
}

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 and a random port that keeps every message,
 * parsed by mailparser. Tests point FERRY_SMTP_URL at `url` and read what the cloud sent.
 */
export class MailCatcher {
  readonly messages: CaughtMail[] = [];
  #waiters: Array<() => void> = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly url: string,
  ) {}

  static async start(): Promise<MailCatcher> {
    // The server exists before the catcher it delivers to.
    const sink: { catcher?: MailCatcher } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((parsed) => {
            sink.catcher?.deliver({
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : null,
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.server.address();
    if (!address || typeof address === 'string') throw new Error('mail catcher has no port');
    sink.catcher = new MailCatcher(server, `smtp://127.0.0.1:${address.port}`);
    return sink.catcher;
  }

  /** Messages sent to `to` (case-insensitive). */
  sentTo(to: string): CaughtMail[] {
    return this.messages.filter((message) => message.to.includes(to.toLowerCase()));
  }

  /**
   * The first message to `to` matching `predicate`, waiting for it to arrive (up to
   * `timeoutMs`; the failure message says what was expected and what came).
   */
  async waitFor(
    to: string,
    predicate: (message: CaughtMail) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<CaughtMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.sentTo(to).find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.messages.map((m) => `${m.to.join(',')}: ${m.subject}`).join('; ');
        throw new Error(
          `no mail to ${to} matched within ${timeoutMs} ms (caught: ${seen || 'none'})`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Forgets every message caught so far. */
  clear(): void {
    this.messages.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private deliver(message: CaughtMail): void {
    this.messages.push(message);
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

/** Starts a mail catcher on 127.0.0.1 and a random port. */
export function startMailCatcher(): Promise<MailCatcher> {
  return MailCatcher.start();
}
