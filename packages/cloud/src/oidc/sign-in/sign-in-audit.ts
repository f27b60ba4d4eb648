import type { AuditLog } from '../../audit/audit-log.js';
import { unknownNameForAudit } from '../../audit/typed-name.js';
import type { AttemptSource } from '../../auth/guess-guard.js';
import type { UserRow } from '../../store/tables.js';
import type { ApplicationRow } from '../applications.js';
import type { SignInRecord } from './sign-in-records.js';

export interface SignInEvent {
  readonly record: SignInRecord;
  readonly application: ApplicationRow | undefined;
  readonly user: UserRow | undefined;
  /** `success` or a registry code. */
  readonly result: string;
  readonly source: AttemptSource;
  readonly detail: Record<string, string | null>;
  readonly action: string;
  /** The user name typed, when no account matched. */
  readonly anonymousName?: string | undefined;
}

/**
 * One audit row per sign-in outcome, per application: the audit log's "sign-ins" view. The
 * detail holds reasons and ids, never a password, code or token.
 */
export async function recordSignInEvent(
  audit: AuditLog,
  tenantId: string,
  event: SignInEvent,
): Promise<void> {
  const { record, application, user } = event;
  await audit.record({
    tenantId,
    actor: user
      ? { type: 'user', id: user.id, name: user.upn }
      : {
          type: 'anonymous',
          name: event.anonymousName === undefined ? null : unknownNameForAudit(event.anonymousName),
        },
    action: event.action,
    target: {
      type: 'application',
      id: application?.id ?? record.client_id,
      name: application?.name ?? null,
    },
    result: event.result,
    sourceIp: event.source.sourceIp,
    requestId: event.source.requestId,
    detail: { ...event.detail, signIn: record.uid },
  });
}
