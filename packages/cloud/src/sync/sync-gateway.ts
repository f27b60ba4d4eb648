import type { AgentMessage, CloudMessage, SyncBatch } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { Database } from '../store/tables.js';
import type { CloudMetrics } from '../metrics/cloud-metrics.js';
import type { Clock, Random } from '../util/clock.js';
import { applyBatch } from './apply-batch.js';
import { countSyncedUsers, takeSyncLease } from './sync-state.js';
import { SyncPreviews } from './sync-previews.js';

export interface SyncGatewayOptions {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly random: Random;
  readonly audit: AuditLog;
  /** The agents' heartbeat: a leader silent for three of them loses its lease. */
  readonly heartbeatSeconds: number;
  readonly metrics?: Pick<CloudMetrics, 'syncBatch' | 'syncRun'> | undefined;
}

/** The agent whose socket the message came on. */
export interface SyncAgent {
  readonly tenantId: string;
  readonly agentId: string;
}

export type SyncMessage = Extract<
  AgentMessage,
  { type: 'sync_lease_request' | 'sync_preview' | 'sync_batch' }
>;

/**
 * The sync conversation on an agent's socket: the tenant's sync lease, preview batches
 * compared without writing, and batches applied atomically, each answered on the same socket.
 */
export class SyncGateway {
  readonly #options: SyncGatewayOptions;
  readonly #previews: SyncPreviews;

  constructor(options: SyncGatewayOptions) {
    this.#options = options;
    this.#previews = new SyncPreviews(options.db, options.clock);
  }

  async handle(
    agent: SyncAgent,
    message: SyncMessage,
    send: (message: CloudMessage) => void,
  ): Promise<void> {
    const { db, clock, random } = this.#options;
    switch (message.type) {
      case 'sync_lease_request': {
        const lease = await takeSyncLease(
          db,
          agent.tenantId,
          agent.agentId,
          clock,
          this.#options.heartbeatSeconds * 3000,
        );
        send({
          type: 'sync_lease',
          granted: lease.granted,
          cursor: lease.cursor,
          ...(lease.granted ? { syncedUsers: await countSyncedUsers(db, agent.tenantId) } : {}),
        });
        return;
      }
      case 'sync_preview': {
        const { batch } = message;
        const changes = await this.#previews.compare(agent.tenantId, agent.agentId, batch);
        send({
          type: 'sync_preview_result',
          runId: batch.runId,
          sequence: batch.sequence,
          changes,
        });
        return;
      }
      case 'sync_batch': {
        const { batch } = message;
        const verdict = await applyBatch(
          db,
          agent.tenantId,
          agent.agentId,
          batch,
          clock,
          random,
          this.#options.audit,
        );
        await this.#count(agent.tenantId, batch, verdict.applied ? 'applied' : verdict.code);
        send({
          type: 'sync_ack',
          runId: batch.runId,
          sequence: batch.sequence,
          applied: verdict.applied,
          cursor: verdict.cursor,
          ...(verdict.applied ? {} : { code: verdict.code }),
          ...('pending' in verdict ? { pending: verdict.pending } : {}),
        });
        return;
      }
    }
  }

  /** Counts the batch; a run it finished gives its duration and the users it changed. */
  async #count(tenantId: string, batch: SyncBatch, verdict: string): Promise<void> {
    const { metrics, db, clock } = this.#options;
    if (!metrics) return;
    metrics.syncBatch(tenantId, batch.mode, verdict, clock.now());
    if (verdict !== 'applied' || !batch.final) return;
    const run = await db
      .selectFrom('sync_runs')
      .select(['status', 'started_at', 'finished_at', 'added', 'updated', 'deleted'])
      .where('id', '=', batch.runId)
      .executeTakeFirst();
    // A poll that found nothing makes no run.
    if (run?.status !== 'done' || !run.finished_at) return;
    const seconds = (Date.parse(run.finished_at) - Date.parse(run.started_at)) / 1000;
    metrics.syncRun(batch.mode, Math.max(0, seconds), run.added + run.updated + run.deleted);
  }
}
