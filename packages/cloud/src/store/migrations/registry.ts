import type { Migration } from 'kysely';
import type { Dialect } from '../dialect.js';
import { coreMigration } from './0001-core.js';
import { agentsMigration } from './0002-agents.js';
import { syncMigration } from './0003-sync.js';
import { portalMigration } from './0004-portal.js';
import { userSessionsMigration } from './0005-user-sessions.js';
import { oidcMigration } from './0006-oidc.js';
import { softMatchGuardMigration } from './0007-soft-match-guard.js';
import { userSearchMigration } from './0008-user-search.js';
import { agentDoctorMigration } from './0009-agent-doctor.js';
import { registrationReviewMigration } from './0010-registration-review.js';
import { cloudKeyEndorsementsMigration } from './0011-cloud-key-endorsements.js';
import { userSessionDetailsMigration } from './0012-user-session-details.js';
import { guessCountersMigration } from './0013-guess-counters.js';
import { retiredSignInColumnsMigration } from './0014-retired-sign-in-columns.js';

/**
 * The one migration set, in order. A later subsystem (agents, sync) adds its tables by
 * appending an entry here; names sort by their number and are never renamed.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-core': coreMigration(dialect),
    '0002-agents': agentsMigration(),
    '0003-sync': syncMigration(),
    '0004-portal': portalMigration(),
    '0005-user-sessions': userSessionsMigration(),
    '0006-oidc': oidcMigration(),
    '0007-soft-match-guard': softMatchGuardMigration(),
    '0008-user-search': userSearchMigration(dialect),
    '0009-agent-doctor': agentDoctorMigration(),
    '0010-registration-review': registrationReviewMigration(),
    '0011-cloud-key-endorsements': cloudKeyEndorsementsMigration(),
    '0012-user-session-details': userSessionDetailsMigration(),
    '0013-guess-counters': guessCountersMigration(),
    '0014-retired-sign-in-columns': retiredSignInColumnsMigration(),
  };
}
