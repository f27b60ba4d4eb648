import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { DisabledMailer, SmtpMailer, type Mailer } from './mailer.js';
import {
  ConsoleSmsGateway,
  DisabledSmsGateway,
  HttpSmsGateway,
  type SmsGateway,
} from './sms-gateway.js';

/** The mailer the config asks for: SMTP when FERRY_SMTP_URL is set, else refusals. */
export function createMailer(config: Config, log: Logger): Mailer {
  return config.smtpUrl
    ? new SmtpMailer(config.smtpUrl, config.mailFrom, log)
    : new DisabledMailer();
}

/** The SMS gateway the config asks for; `console` is loudly flagged as development only. */
export function createSmsGateway(config: Config, log: Logger): SmsGateway {
  switch (config.smsGateway) {
    case 'http':
      if (config.smsGatewayUrl) {
        return new HttpSmsGateway(config.smsGatewayUrl, config.smsGatewayToken, log);
      }
      log.warn('FERRY_SMS_GATEWAY=http without FERRY_SMS_GATEWAY_URL: text messages are off');
      return new DisabledSmsGateway();
    case 'console':
      log.warn(
        'FERRY_SMS_GATEWAY=console: text messages, codes included, go to stderr (development only)',
      );
      return new ConsoleSmsGateway();
    case 'none':
      return new DisabledSmsGateway();
  }
}
