import type { Secret } from '@ferry/protocol';
import QRCode from 'qrcode';
import { getPasswordResetSettings } from '../directory/password-reset-settings.js';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { SecurityAnswer, VerificationMethods } from '../directory/verification-methods.js';
import type { Mailer } from '../notify/mailer.js';
import type { SmsGateway } from '../notify/sms-gateway.js';
import { hourlyFive, Throttle } from '../sspr/throttle.js';
import type { Database, MethodKind, UserRow } from '../store/tables.js';
import type { CloudMetrics } from '../metrics/cloud-metrics.js';
import type { Clock, Random } from '../util/clock.js';
import { FerryError } from '../util/ferry-error.js';
import { CODE_VALIDITY_MINUTES, type OneTimeCodes } from '../verification/one-time-codes.js';
import { newTotpSeed, otpauthUri, verifyTotp } from '../verification/totp.js';
import type { PendingRegistrations } from './pending-registrations.js';

/** What registering a method uses: codes and where they go, the methods, the audit. */
export interface RegistrationServices {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly random: Random;
  readonly audit: AuditLog;
  readonly mailer: Mailer;
  readonly sms: SmsGateway;
  readonly codes: OneTimeCodes;
  readonly methods: VerificationMethods;
  readonly pendingRegistrations: PendingRegistrations;
  readonly metrics?: Pick<CloudMetrics, 'onThrottled'>;
}

export type ContactKind = 'email' | 'phone';

const purposeOf = { email: 'register_email', phone: 'register_phone' } as const;
const TOTP_ISSUER = 'Ferry';

/**
 * A user registers their own verification methods. Email and phone are proven by a code sent
 * to them; TOTP by a first code from the app; security answers are stored as hashes. Only the
 * methods the tenant allows can be registered. Nothing secret is audited: only the kind.
 */
export class MethodRegistration {
  readonly #throttle: Throttle;

  constructor(
    private readonly services: RegistrationServices,
    private readonly request: { readonly sourceIp: string; readonly requestId: string },
  ) {
    this.#throttle = new Throttle(services.db, services.clock, services.metrics?.onThrottled);
  }

  /** Sends a code to the address or number; it is registered once the code comes back. */
  async startContact(user: UserRow, kind: ContactKind, value: string): Promise<void> {
    await this.#assertAllowed(user, kind);
    // About five codes an hour per user and kind: My Account must not become a mail cannon.
    await this.#throttle.take(
      { tenantId: user.tenant_id, scope: `me_${purposeOf[kind]}`, subject: user.id },
      hourlyFive,
    );
    await this.services.pendingRegistrations.start(user.tenant_id, user.id, kind, { value });
    // The code proves this value: it is bound to it, not only to the user.
    const code = await this.services.codes.issue({
      tenantId: user.tenant_id,
      purpose: purposeOf[kind],
      subject: `${user.id}:${value}`,
    });
    if (kind === 'email') {
      await this.services.mailer.send({
        to: value,
        subject: 'Your verification code',
        text:
          `Your verification code is ${code.reveal()}. It expires in ${CODE_VALIDITY_MINUTES} minutes.\n\n` +
          `You asked to add this address to your account ${user.upn}. If you did not, ignore this message.`,
      });
    } else {
      await this.services.sms.send(
        value,
        `Your verification code is ${code.reveal()} (valid ${CODE_VALIDITY_MINUTES} minutes).`,
      );
    }
    await this.#audit(user, 'me.method_register_start', kind, 'success');
  }

  async confirmContact(user: UserRow, kind: ContactKind, code: Secret): Promise<void> {
    await this.#assertAllowed(user, kind);
    const pending = await this.services.pendingRegistrations.find(user.tenant_id, user.id, kind);
    const check = pending?.value
      ? await this.services.codes.verify({
          tenantId: user.tenant_id,
          purpose: purposeOf[kind],
          subject: `${user.id}:${pending.value}`,
          code,
        })
      : 'expired';
    if (check !== 'ok' || !pending?.value) {
      await this.#audit(user, 'me.method_register', kind, 'verification_failed', check);
      throw new FerryError('verification_failed', `${kind} registration code ${check}`);
    }
    if (kind === 'email')
      await this.services.methods.setEmail(user.tenant_id, user.id, pending.value);
    else await this.services.methods.setPhone(user.tenant_id, user.id, pending.value);
    await this.services.pendingRegistrations.finish(user.tenant_id, user.id, kind);
    await this.#audit(user, 'me.method_register', kind, 'success');
  }

  /** A new seed, pending until the first code proves the app holds it. */
  async startTotp(user: UserRow): Promise<{ otpauthUri: Secret; qrSvg: string }> {
    await this.#assertAllowed(user, 'totp');
    const seed = newTotpSeed(this.services.random);
    await this.services.pendingRegistrations.start(user.tenant_id, user.id, 'totp', { seed });
    const uri = otpauthUri({ issuer: TOTP_ISSUER, account: user.upn, seed });
    const qrSvg = await QRCode.toString(uri.reveal(), { type: 'svg', errorCorrectionLevel: 'M' });
    await this.#audit(user, 'me.method_register_start', 'totp', 'success');
    return { otpauthUri: uri, qrSvg };
  }

  async confirmTotp(user: UserRow, code: Secret): Promise<void> {
    await this.#assertAllowed(user, 'totp');
    const pending = await this.services.pendingRegistrations.find(user.tenant_id, user.id, 'totp');
    const ok = pending?.seed
      ? await verifyTotp(this.services.db, this.services.clock, {
          tenantId: user.tenant_id,
          userId: user.id,
          seed: pending.seed,
          code,
        })
      : false;
    if (!ok || !pending?.seed) {
      await this.#audit(user, 'me.method_register', 'totp', 'verification_failed', 'wrong');
      throw new FerryError('verification_failed', 'TOTP registration code wrong or expired');
    }
    await this.services.methods.setTotp(user.tenant_id, user.id, pending.seed);
    await this.services.pendingRegistrations.finish(user.tenant_id, user.id, 'totp');
    await this.#audit(user, 'me.method_register', 'totp', 'success');
  }

  async setSecurityQuestions(user: UserRow, answers: readonly SecurityAnswer[]): Promise<void> {
    await this.#assertAllowed(user, 'security_questions');
    await this.services.methods.setSecurityAnswers(user.tenant_id, user.id, answers);
    await this.#audit(user, 'me.method_register', 'security_questions', 'success');
  }

  async remove(user: UserRow, kind: MethodKind): Promise<void> {
    await this.services.pendingRegistrations.finish(user.tenant_id, user.id, kind);
    const removed = await this.services.methods.remove(user.tenant_id, user.id, kind);
    await this.#audit(user, 'me.method_remove', kind, removed ? 'success' : 'not_found');
    if (!removed) throw new FerryError('not_found', `no ${kind} method registered`);
  }

  async #assertAllowed(user: UserRow, kind: MethodKind): Promise<void> {
    const settings = await getPasswordResetSettings(this.services.db, user.tenant_id);
    if (!settings.methodsAllowed.includes(kind)) {
      throw new FerryError('method_not_allowed', `${kind} is not in methodsAllowed`);
    }
  }

  async #audit(
    user: UserRow,
    action: string,
    kind: MethodKind,
    result: string,
    reason?: string,
  ): Promise<void> {
    await this.services.audit.record({
      tenantId: user.tenant_id,
      actor: { type: 'user', id: user.id, name: user.upn },
      action,
      target: { type: 'user', id: user.id, name: user.upn },
      result,
      sourceIp: this.request.sourceIp,
      requestId: this.request.requestId,
      detail: { kind, ...(reason ? { reason } : {}) },
    });
  }
}
