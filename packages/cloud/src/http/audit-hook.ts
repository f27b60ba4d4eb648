import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import { STORE_RESTART_WAIT_MS, retryWhileUnreachable } from '../store/store-unreachable.js';

/**
 * Records one audit row for every authenticated call of a route that names an `audit`
 * action, with `success` or the error code. It runs before the response is sent, so a
 * caller that has its answer can read the row.
 */
export function installAuditHook(app: FastifyInstance, audit: AuditLog): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const action = request.routeOptions.config.audit;
    const admin = request.admin;
    if (!action || !admin) return payload;
    const record = () =>
      audit.record({
        tenantId: admin.tenantId,
        actor: { type: 'admin', id: admin.userId, name: admin.upn },
        action,
        target: request.auditTarget ?? undefined,
        result: reply.statusCode < 400 ? 'success' : (request.errorCode ?? 'internal_error'),
        sourceIp: request.ip,
        requestId: request.id,
        detail: request.auditDetail ?? undefined,
      });
    // A restarting PostgreSQL is waited for: the row is written, and the caller's answer (an
    // operation AD may have applied) is not turned into a failure.
    await retryWhileUnreachable(record, Date.now() + STORE_RESTART_WAIT_MS);
    return payload;
  });
}
