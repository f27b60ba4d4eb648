import type { ErrorCode } from '@ferry/protocol';
import type { AuditDetail } from '../audit/audit-log.js';
import type { AdminRole } from '../store/tables.js';

/** The signed-in admin behind a request (set by the authentication hook). */
export interface AdminContext {
  readonly tenantId: string;
  readonly userId: string;
  readonly upn: string;
  readonly roles: readonly AdminRole[];
}

export interface AuditTarget {
  readonly type: string;
  readonly id?: string | null;
  readonly name?: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    admin: AdminContext | null;
    auditTarget: AuditTarget | null;
    auditDetail: AuditDetail | null;
    errorCode: ErrorCode | null;
  }
  interface FastifyContextConfig {
    /** Audit action recorded for every authenticated call of the route (success or code). */
    audit?: string;
  }
}
