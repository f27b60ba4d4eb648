import { hashToken, newToken } from '../crypto/tokens.js';
import type { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { Database, MethodKind } from '../store/tables.js';
import { addMinutes, type Clock, type Random } from '../util/clock.js';
import type { Gate } from './gate.js';

export const FLOW_MINUTES = 15;

export type DoomedReason = 'unknown_user' | 'out_of_scope' | 'too_few_methods' | 'disabled_user';

export interface SsprFlow {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string | null;
  readonly upnLower: string;
  /** Why the flow can never pass verification; null for a flow that can. */
  readonly doomedReason: DoomedReason | null;
  readonly required: number;
  readonly gates: readonly Gate[];
  readonly passed: readonly MethodKind[];
  readonly questions: readonly number[] | null;
  readonly expiresAt: string;
}

/**
 * Reset flows, found by an opaque 256-bit token the client sends in `x-ferry-flow`. Only the
 * token's SHA-256 is stored. A flow lives 15 minutes and ends at the first applied reset.
 */
export class SsprFlows {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  async create(input: {
    tenantId: string;
    userId: string | null;
    upnLower: string;
    doomedReason: DoomedReason | null;
    required: number;
    gates: readonly Gate[];
  }): Promise<{ token: Secret; flow: SsprFlow }> {
    const token = newToken(this.random);
    const now = this.clock.now();
    const flow: SsprFlow = {
      id: this.random.uuid(),
      tenantId: input.tenantId,
      userId: input.userId,
      upnLower: input.upnLower,
      doomedReason: input.doomedReason,
      required: input.required,
      gates: input.gates,
      passed: [],
      questions: null,
      expiresAt: addMinutes(now, FLOW_MINUTES).toISOString(),
    };
    await this.db.deleteFrom('sspr_flows').where('expires_at', '<=', now.toISOString()).execute();
    await this.db
      .insertInto('sspr_flows')
      .values({
        id: flow.id,
        token_hash: hashToken(token),
        tenant_id: flow.tenantId,
        user_id: flow.userId,
        upn_lower: flow.upnLower,
        doomed_reason: flow.doomedReason,
        required: flow.required,
        gates_json: JSON.stringify(flow.gates),
        passed_json: '[]',
        questions_json: null,
        created_at: now.toISOString(),
        expires_at: flow.expiresAt,
        finished_at: null,
      })
      .execute();
    return { token, flow };
  }

  /** The live flow the token names, or undefined (unknown, expired or finished). */
  async find(token: Secret): Promise<SsprFlow | undefined> {
    const row = await this.db
      .selectFrom('sspr_flows')
      .selectAll()
      .where('token_hash', '=', hashToken(token))
      .where('finished_at', 'is', null)
      .where('expires_at', '>', this.clock.now().toISOString())
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      tenantId: row.tenant_id,
      userId: row.user_id,
      upnLower: row.upn_lower,
      doomedReason: row.doomed_reason as DoomedReason | null,
      required: Number(row.required),
      gates: JSON.parse(row.gates_json) as Gate[],
      passed: JSON.parse(row.passed_json) as MethodKind[],
      questions: row.questions_json ? (JSON.parse(row.questions_json) as number[]) : null,
      expiresAt: row.expires_at,
    };
  }

  /** Adds a passed gate; compare-and-set, so two gates passed at once both count. */
  async markPassed(flow: SsprFlow, kind: MethodKind): Promise<readonly MethodKind[]> {
    let before = JSON.stringify(flow.passed);
    for (;;) {
      const current = JSON.parse(before) as MethodKind[];
      const passed = current.includes(kind) ? current : [...current, kind];
      const updated = await this.db
        .updateTable('sspr_flows')
        .set({ passed_json: JSON.stringify(passed) })
        .where('id', '=', flow.id)
        .where('passed_json', '=', before)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 1) return passed;
      const row = await this.db
        .selectFrom('sspr_flows')
        .select('passed_json')
        .where('id', '=', flow.id)
        .executeTakeFirstOrThrow();
      before = row.passed_json;
    }
  }

  async setQuestions(flow: SsprFlow, indexes: readonly number[]): Promise<void> {
    await this.db
      .updateTable('sspr_flows')
      .set({ questions_json: JSON.stringify(indexes) })
      .where('id', '=', flow.id)
      .where('questions_json', 'is', null)
      .execute();
  }

  /**
   * Takes the flow for one reset or unlock at a time: a second request of the same flow
   * finds it ended until `release` (the first did not apply) gives it back.
   */
  async claim(flow: SsprFlow): Promise<boolean> {
    const taken = await this.db
      .updateTable('sspr_flows')
      .set({ finished_at: this.clock.now().toISOString() })
      .where('id', '=', flow.id)
      .where('finished_at', 'is', null)
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1;
  }

  async release(flow: SsprFlow): Promise<void> {
    await this.db
      .updateTable('sspr_flows')
      .set({ finished_at: null })
      .where('id', '=', flow.id)
      .execute();
  }
}
