import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { Sessions } from '../auth/sessions.js';
import type { Config } from '../config/schema.js';
import type { VerificationMethods } from '../directory/verification-methods.js';
import type { Database } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';
import type { JWK } from 'jose';
import type { OperationRelay } from '../relay/operation-relay.js';
import type { RelayBus } from '../relay/relay-bus.js';

/** What route modules get: the store, the injected clock and randomness, and the services. */
export interface Services {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly random: Random;
  readonly audit: AuditLog;
  readonly sessions: Sessions;
  readonly methods: VerificationMethods;
  readonly defaultTenantId: string;
  /** Hands password operations of synced users to the tenant's agents. */
  readonly relay: OperationRelay;
  readonly bus: RelayBus;
  readonly nodeId: string;
  /** The public key agents verify operations with (given to them at enrollment). */
  readonly cloudSigningKey: JWK;
  /** True once the store is migrated and until shutdown starts. */
  ready(): Promise<boolean>;
}
