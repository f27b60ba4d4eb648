import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { FerryError } from '../util/ferry-error.js';

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

/** Sends mail. Bodies may hold one-time codes: no implementation logs them. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Mail through an SMTP server (FERRY_SMTP_URL), with FERRY_MAIL_FROM as the sender. */
export class SmtpMailer implements Mailer {
  readonly #transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    private readonly log: Logger,
  ) {
    // nodemailer's own logger is off by default and stays off: it would print whole messages.
    this.#transport = nodemailer.createTransport(smtpOptions(smtpUrl));
  }

  async send(message: MailMessage): Promise<void> {
    try {
      await this.#transport.sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
      });
    } catch (error) {
      // The SMTP reply code and text say why; the recipient and body stay out of the log.
      const { code, responseCode } = error as { code?: string; responseCode?: number };
      this.log.warn({ smtpCode: code ?? null, responseCode: responseCode ?? null }, 'mail failed');
      throw new FerryError('mail_failed', `SMTP send failed (${code ?? 'unknown'})`);
    }
  }

  close(): void {
    this.#transport.close();
  }
}

/**
 * `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://` (TLS from the start), with
 * timeouts of seconds rather than nodemailer's minutes: a caller waits on a notification.
 */
export function smtpOptions(smtpUrl: string) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username
      ? {
          auth: {
            user: decodeURIComponent(url.username),
            pass: decodeURIComponent(url.password),
          },
        }
      : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  };
}

/** Used when FERRY_SMTP_URL is unset: every send is a typed refusal. */
export class DisabledMailer implements Mailer {
  send(): Promise<void> {
    return Promise.reject(new FerryError('mail_not_configured', 'FERRY_SMTP_URL is not set'));
  }
}
