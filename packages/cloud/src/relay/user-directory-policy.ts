import type { DirectoryPolicy } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import { onlineAgents, type OnlineAgent } from './agent-store.js';
import type { OperationRelay } from './operation-relay.js';

/** How long a user's policy read from AD is reused (PSOs change rarely; typing is fast). */
const CACHE_MS = 60_000;
const CACHE_MAX = 10_000;
/** A live check must not hang on an agent that does not answer. */
const READ_TIMEOUT_MS = 5_000;

/**
 * The password policy AD applies to a synced user, so the portals show the user's real rules
 * before they submit: an agent reads the user's resultant policy and account state
 * (`read_policy`), reused for a minute; without a read, the domain policy the agents report
 * when the domain has no fine-grained policy.
 */
/** What the cloud knows of a synced user's AD side without a write. */
export interface UserDirectoryFacts {
  readonly policy: DirectoryPolicy | undefined;
  /** Known when an agent read the user (a portal's live check did, in the last minute). */
  readonly account: { readonly enabled: boolean; readonly protected: boolean } | undefined;
}

const NOTHING_KNOWN: UserDirectoryFacts = { policy: undefined, account: undefined };

export class UserDirectoryPolicies {
  readonly #cache = new Map<
    string,
    { readonly facts: UserDirectoryFacts; readonly readAt: number }
  >();

  constructor(
    private readonly deps: {
      readonly db: Kysely<Database>;
      readonly clock: Clock;
      readonly relay: OperationRelay;
      readonly agentStaleMs: number;
    },
  ) {}

  /** The user's directory policy; undefined for a cloud-only user or when nobody can say. */
  async forUser(user: UserRow, options: { ask: boolean }): Promise<DirectoryPolicy | undefined> {
    return (await this.facts(user, options)).policy;
  }

  /**
   * The user's policy and account state: a read from the last minute; else, with `ask`, a
   * fresh read through an agent; else the domain policy when the agents report no
   * fine-grained policy. `ask: false` never waits for an agent (a writeback's own check: AD
   * judges anyway); `online` spares the query when the caller just listed the agents.
   * `fresh` skips the reuse and asks an agent, which reads AD uncached: before a refusal that
   * only reused facts would make is final.
   */
  async facts(
    user: UserRow,
    options: { ask: boolean; fresh?: boolean; online?: readonly OnlineAgent[] },
  ): Promise<UserDirectoryFacts> {
    if (user.source !== 'synced' || !user.source_anchor) return NOTHING_KNOWN;
    const { db, clock, relay, agentStaleMs } = this.deps;
    const now = clock.now().getTime();
    const key = `${user.tenant_id}:${user.source_anchor}`;
    const cached = this.#cache.get(key);
    if (cached && !options.fresh && now - cached.readAt < CACHE_MS) return cached.facts;
    const agents =
      options.online ?? (await onlineAgents(db, user.tenant_id, new Date(now - agentStaleMs)));
    if ((options.ask || options.fresh) && agents.length > 0) {
      const { outcome } = await relay.submit({
        tenantId: user.tenant_id,
        kind: 'read_policy',
        target: { by: 'objectGUID', value: user.source_anchor },
        secrets: {},
        timeoutMs: READ_TIMEOUT_MS,
      });
      if (outcome.code === 'user_policy') {
        const facts = { policy: outcome.policy, account: outcome.account };
        this.#cache.delete(key);
        this.#cache.set(key, { facts, readAt: now });
        // Oldest first in a Map: drop it when full.
        if (this.#cache.size > CACHE_MAX) this.#cache.delete(this.#cache.keys().next().value!);
        return facts;
      }
    }
    // A fresh answer was asked for and none came: the agents' reports are not one.
    if (options.fresh) return NOTHING_KNOWN;
    const domainWide = agents
      .map((agent) => agent.status)
      .find((status) => status?.policy && status.fineGrainedPolicies === 0)?.policy;
    return { policy: domainWide, account: undefined };
  }
}
