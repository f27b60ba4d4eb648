import type { CloudKeyRing } from '../relay/cloud-key-ring.js';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { Sessions } from '../auth/sessions.js';
import type { Config } from '../config/schema.js';
import type { VerificationMethods } from '../directory/verification-methods.js';
import type { Database } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';
import type { OperationRelay } from '../relay/operation-relay.js';
import type { UserDirectoryPolicies } from '../relay/user-directory-policy.js';
import type { RelayBus } from '../relay/relay-bus.js';
import type { Mailer } from '../notify/mailer.js';
import type { SmsGateway } from '../notify/sms-gateway.js';
import type { SsprKit } from '../sspr/sspr-kit.js';
import type { OneTimeCodes } from '../verification/one-time-codes.js';
import type { PendingRegistrations } from '../me/pending-registrations.js';
import type { UserSessions } from '../me/user-sessions.js';
import type { PasswordChecks } from '../password-checks/password-checks.js';
import type { OidcHost } from '../oidc/oidc-host.js';
import type { CloudMetrics } from '../metrics/cloud-metrics.js';

/** What route modules get: the store, the injected clock and randomness, and the services. */
export interface Services {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly random: Random;
  readonly audit: AuditLog;
  readonly sessions: Sessions;
  readonly methods: VerificationMethods;
  /** Mail (codes, notifications); refuses with mail_not_configured when SMTP is unset. */
  readonly mailer: Mailer;
  /** Text messages (codes); refuses with sms_not_configured when no gateway is set. */
  readonly sms: SmsGateway;
  /** Six-digit one-time codes sent by mail or SMS. */
  readonly codes: OneTimeCodes;
  /** Self-service password reset: proof of work, flows, throttles. */
  readonly sspr: SsprKit;
  /** My Account sessions (cookie ferry_user). */
  readonly userSessions: UserSessions;
  /** Method registrations waiting for their confirmation code. */
  readonly pendingRegistrations: PendingRegistrations;
  readonly defaultTenantId: string;
  /** Hands password operations of synced users to the tenant's agents. */
  readonly relay: OperationRelay;
  /** The password policy AD applies to a synced user (read through an agent when needed). */
  readonly directoryPolicies: UserDirectoryPolicies;
  /** Password evaluation, on worker threads. */
  readonly passwordChecks: PasswordChecks;
  readonly bus: RelayBus;
  readonly nodeId: string;
  /** The key agents verify operations with (its public half given at enrollment). */
  readonly cloudKeys: CloudKeyRing;
  /** The OpenID Connect provider of the default tenant (mounted under /oidc). */
  readonly oidc: OidcHost;
  /** The process's Prometheus metrics (served on the metrics listener, never the public port). */
  readonly metrics: CloudMetrics;
  /** Keys the hash a guess counter uses for a name that matches no account (ADR 0014). */
  readonly guessKey: Buffer;
  /** True once the store is migrated and until shutdown starts. */
  ready(): Promise<boolean>;
}
