import type { SyncBatch, SyncPreviewChanges, SyncedUser } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import { fromBool } from '../store/connect.js';
import type { Database, UserRow } from '../store/tables.js';
import { upnOf } from './apply-batch.js';
import { syncState } from './sync-state.js';
import type { Clock } from '../util/clock.js';

const EXAMPLES = 10;
/** A preview whose agent went silent is forgotten after this long. */
const STALE_MS = 10 * 60_000;

interface PreviewRun {
  readonly tenantId: string;
  readonly agentId: string;
  readonly startedAt: number;
  /** Anchors the run read: after a full run, synced users outside it would be deleted. */
  readonly seen: Set<string>;
  readonly changes: SyncPreviewChanges;
}

/**
 * Staging: the batches of a preview run are compared with the cloud directory, and nothing
 * is written. Each answer carries the run's totals so far; the final one counts the deletes
 * a real run would make (the deletes the batches name, and after a full run the synced users
 * it did not read), which may exceed the accidental-delete threshold.
 */
export class SyncPreviews {
  readonly #runs = new Map<string, PreviewRun>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async compare(tenantId: string, agentId: string, batch: SyncBatch): Promise<SyncPreviewChanges> {
    const run = await this.#run(tenantId, agentId, batch);
    for (const user of batch.upserts) await this.#compareUser(run, user);
    if (batch.final) {
      this.#runs.delete(batch.runId);
      await this.#countDeletes(run, batch);
    }
    return structuredClone(run.changes);
  }

  async #run(tenantId: string, agentId: string, batch: SyncBatch): Promise<PreviewRun> {
    const now = this.clock.now().getTime();
    for (const [id, stale] of this.#runs)
      if (now - stale.startedAt > STALE_MS) this.#runs.delete(id);
    const known = this.#runs.get(batch.runId);
    // A run id belongs to the agent and tenant that started it.
    if (known && known.tenantId === tenantId && known.agentId === agentId) return known;
    const state = await syncState(this.db, tenantId, this.clock);
    const run: PreviewRun = {
      tenantId,
      agentId,
      startedAt: now,
      seen: new Set(),
      changes: {
        added: 0,
        updated: 0,
        unchanged: 0,
        softMatched: 0,
        deleted: 0,
        deleteThreshold: state.delete_threshold,
        examples: { added: [], updated: [], deleted: [] },
      },
    };
    if (!batch.final) this.#runs.set(batch.runId, run);
    return run;
  }

  async #compareUser(run: PreviewRun, user: SyncedUser): Promise<void> {
    const anchor = user.sourceAnchor.toLowerCase();
    run.seen.add(anchor);
    const upn = upnOf(user);
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', run.tenantId)
      .where('source_anchor', '=', anchor)
      .executeTakeFirst();
    const { changes } = run;
    if (!row) {
      const twin = await this.db
        .selectFrom('users')
        .select('id')
        .where('tenant_id', '=', run.tenantId)
        .where('source', '=', 'cloud')
        .where('upn_lower', '=', upn.toLowerCase())
        .executeTakeFirst();
      if (twin) changes.softMatched += 1;
      else changes.added += 1;
      note(changes.examples.added, upn);
    } else if (differs(row, user, upn)) {
      changes.updated += 1;
      note(changes.examples.updated, upn);
    } else {
      changes.unchanged += 1;
    }
  }

  async #countDeletes(run: PreviewRun, batch: SyncBatch): Promise<void> {
    const named = new Set(batch.deletes.map((anchor) => anchor.toLowerCase()));
    const synced = await this.db
      .selectFrom('users')
      .select(['source_anchor', 'upn'])
      .where('tenant_id', '=', run.tenantId)
      .where('source', '=', 'synced')
      .execute();
    for (const user of synced) {
      const anchor = user.source_anchor ?? '';
      const leaving = named.has(anchor) || (batch.mode === 'full' && !run.seen.has(anchor));
      if (!leaving) continue;
      run.changes.deleted += 1;
      note(run.changes.examples.deleted, user.upn);
    }
  }
}

/** Whether applying `user` would change the stored row (the fields the sync writes). */
function differs(row: UserRow, user: SyncedUser, upn: string): boolean {
  return (
    row.upn !== upn ||
    row.display_name !== (user.displayName ?? user.sAMAccountName) ||
    row.email !== user.mail ||
    row.on_prem_dn !== user.onPremDn ||
    row.sam_account_name !== user.sAMAccountName ||
    row.enabled !== fromBool(user.enabled) ||
    row.locked_out !== fromBool(user.lockedOut) ||
    row.password_last_set_at !== user.passwordLastSet
  );
}

function note(examples: string[], upn: string): void {
  if (examples.length < EXAMPLES) examples.push(upn);
}
