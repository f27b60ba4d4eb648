import type { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { AttemptSource } from '../../auth/guess-guard.js';
import type { VerificationMethods } from '../../directory/verification-methods.js';
import type { Mailer } from '../../notify/mailer.js';
import type { SmsGateway } from '../../notify/sms-gateway.js';
import { hourlyFive, type Throttle } from '../../sspr/throttle.js';
import type { Database, UserRow } from '../../store/tables.js';
import type { Clock } from '../../util/clock.js';
import { FerryError } from '../../util/ferry-error.js';
import type { OneTimeCodes } from '../../verification/one-time-codes.js';
import { verifyTotp } from '../../verification/totp.js';
import type { PasswordGuard } from './password-guard.js';
import type { SecondFactorKind } from './sign-in-view.js';

export interface SecondFactorDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly methods: VerificationMethods;
  readonly codes: OneTimeCodes;
  readonly mailer: Mailer;
  readonly sms: SmsGateway;
  readonly throttle: Throttle;
  readonly guard: PasswordGuard;
  readonly log: { warn(fields: object, message: string): void };
}

const purposeOf = { email: 'sign_in_email', phone: 'sign_in_sms' } as const;

/**
 * Sends a six-digit code to the user's registered address or number for this sign-in (five
 * sends an hour per user and kind, as method registration). The send runs in the background:
 * a failed delivery is logged, and the user asks for another code.
 */
export async function sendSignInCode(
  deps: SecondFactorDeps,
  user: UserRow,
  kind: 'email' | 'phone',
  signInId: string,
): Promise<void> {
  const method = (await deps.methods.list(user.tenant_id, user.id)).find(
    (item) => item.kind === kind,
  );
  if (!method?.value) throw new FerryError('verification_failed', `no ${kind} method registered`);
  await deps.throttle.take(
    { tenantId: user.tenant_id, scope: `sign_in_code_${kind}`, subject: user.id },
    hourlyFive,
  );
  const code = await deps.codes.issue({
    tenantId: user.tenant_id,
    purpose: purposeOf[kind],
    subject: signInId,
  });
  const delivery =
    kind === 'email'
      ? deps.mailer.send({
          to: method.value,
          subject: 'Your sign-in code',
          text:
            `Your sign-in verification code is ${code.reveal()}.\n\n` +
            'It is valid for 5 minutes. If you are not signing in, someone knows your password: change it.',
        })
      : deps.sms.send(method.value, `Your sign-in code is ${code.reveal()} (valid 5 minutes).`);
  delivery.catch((error: unknown) => {
    deps.log.warn(
      { kind, code: (error as { code?: string }).code ?? 'unknown' },
      'sign-in code not delivered',
    );
  });
}

/**
 * Checks the second factor. A wrong code counts against the account like a wrong password
 * (the same counter and lockout), so holding the password does not buy unlimited guesses.
 * TOTP steps are burnt once used; mailed codes work once, five tries each.
 */
export async function verifySecondFactor(
  deps: SecondFactorDeps,
  user: UserRow,
  kind: SecondFactorKind,
  code: Secret,
  signInId: string,
  source: AttemptSource,
): Promise<void> {
  await deps.guard.begin(user, source);
  let ok: boolean;
  if (kind === 'totp') {
    const seed = await deps.methods.totpSeed(user.tenant_id, user.id);
    ok =
      seed !== undefined &&
      (await verifyTotp(deps.db, deps.clock, {
        tenantId: user.tenant_id,
        userId: user.id,
        seed,
        code,
      }));
  } else {
    const result = await deps.codes.verify({
      tenantId: user.tenant_id,
      purpose: purposeOf[kind],
      subject: signInId,
      code,
    });
    ok = result === 'ok';
  }
  if (ok) {
    await deps.guard.succeeded(user, source);
    return;
  }
  await deps.guard.failed(user, source, 'oidc.lockout');
  throw new FerryError('verification_failed', `wrong ${kind} code in an application sign-in`);
}
