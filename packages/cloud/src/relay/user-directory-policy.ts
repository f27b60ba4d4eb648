import type { DirectoryPolicy } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import { onlineAgents } from './agent-store.js';
import type { OperationRelay } from './operation-relay.js';

/** How long a user's policy read from AD is reused (PSOs change rarely; typing is fast). */
const CACHE_MS = 60_000;
const CACHE_MAX = 10_000;
/** A live check must not hang on an agent that does not answer. */
const READ_TIMEOUT_MS = 5_000;

/**
 * The password policy AD applies to a synced user, so the portals show the user's real rules
 * before they submit. When the agents report no fine-grained policy in the domain it is the
 * domain policy they report (no round trip); otherwise an agent reads the user's resultant
 * PSO (`read_policy`), and the answer is reused for a minute.
 */
export class UserDirectoryPolicies {
  readonly #cache = new Map<
    string,
    { readonly policy: DirectoryPolicy; readonly readAt: number }
  >();

  constructor(
    private readonly deps: {
      readonly db: Kysely<Database>;
      readonly clock: Clock;
      readonly relay: OperationRelay;
      readonly agentStaleMs: number;
    },
  ) {}

  /**
   * The user's directory policy; undefined for a cloud-only user or when nobody can say.
   * `ask: false` never waits for an agent (a writeback's own check: AD judges anyway).
   */
  async forUser(user: UserRow, options: { ask: boolean }): Promise<DirectoryPolicy | undefined> {
    if (user.source !== 'synced' || !user.source_anchor) return undefined;
    const { db, clock, relay, agentStaleMs } = this.deps;
    const now = clock.now().getTime();
    const agents = await onlineAgents(db, user.tenant_id, new Date(now - agentStaleMs));
    const domainWide = agents
      .map((agent) => agent.status)
      .find((status) => status?.policy && status.fineGrainedPolicies === 0)?.policy;
    if (domainWide) return domainWide;
    const key = `${user.tenant_id}:${user.source_anchor}`;
    const cached = this.#cache.get(key);
    if (cached && now - cached.readAt < CACHE_MS) return cached.policy;
    if (!options.ask || agents.length === 0) return undefined;
    const { outcome } = await relay.submit({
      tenantId: user.tenant_id,
      kind: 'read_policy',
      target: { by: 'objectGUID', value: user.source_anchor },
      secrets: {},
      timeoutMs: READ_TIMEOUT_MS,
    });
    if (outcome.code !== 'user_policy') return undefined;
    this.#cache.delete(key);
    this.#cache.set(key, { policy: outcome.policy, readAt: now });
    // Oldest first in a Map: drop it when full.
    if (this.#cache.size > CACHE_MAX) this.#cache.delete(this.#cache.keys().next().value!);
    return outcome.policy;
  }
}
