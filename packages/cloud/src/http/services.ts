import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { Sessions } from '../auth/sessions.js';
import type { Config } from '../config/schema.js';
import type { VerificationMethods } from '../directory/verification-methods.js';
import type { Database } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';

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
  /** True once the store is migrated and until shutdown starts. */
  ready(): Promise<boolean>;
}
