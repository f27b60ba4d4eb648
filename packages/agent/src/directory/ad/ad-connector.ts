import { changeAllowedAt } from '@ferry/policy';
import type { DcObserver } from '../timed-client.js';
import { violation, type DirectoryPolicy, type Outcome, type Secret } from '@ferry/protocol';
import { Attribute, Change, type Client } from 'ldapts';
import { DcEndpoints, systemClock, type Clock } from '../dc-endpoints.js';
import type { DirectoryConfig } from '../directory-config.js';
import type {
  AccountLookup,
  DirectoryConnector,
  PolicyLookup,
  ResolvedUser,
  ResetOptions,
  UserLookup,
  UserTarget,
} from '../directory-connector.js';
import { ServiceConnectionPool } from '../service-pool.js';
import { readDomainPolicy, readPasswordSettingsObject } from './ad-password-policy.js';
import {
  namesPasswordRules,
  passwordContext,
  translateAdFailure,
  type AdOperation,
  type TranslationContext,
} from './ad-outcomes.js';
import {
  lookupAccount,
  lookupUser,
  RESULTANT_PSO,
  text,
  type DirectoryAccount,
  type Entry,
  type LookupResult,
  type UserReference,
} from './ad-user.js';
import { guardedFence, guardedWrite, type WriteGuard } from './guarded-write.js';
import { PolicyHintsControl } from './policy-hints-control.js';
import { carriesOperation, readMarker } from './write-marker.js';
import { readRootDse, CONTROL_OIDS, type RootDse } from './root-dse.js';

const POLICY_CACHE_MS = 30_000;

function replace(type: string, value: string | Buffer): Change {
  const values = typeof value === 'string' ? [value] : [value];
  return new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
}

/** unicodePwd takes the password in double quotes, encoded as UTF-16LE. */
export function unicodePwd(password: Secret): Buffer {
  return Buffer.from(`"${password.reveal()}"`, 'utf16le');
}

/**
 * The agent's connector to Active Directory (and Samba AD): reads policy and users with a
 * pooled service-account connection, writes passwords, and answers every operation with
 * an outcome of the shared vocabulary.
 */
export class AdConnector implements DirectoryConnector {
  readonly #config: DirectoryConfig;
  readonly #clock: Clock;
  readonly #endpoints: DcEndpoints;
  readonly #pool: ServiceConnectionPool;
  readonly #policyCache = new Map<string, { policy: DirectoryPolicy; readAt: number }>();
  #rootDse: { url: string; value: RootDse } | undefined;

  constructor(config: DirectoryConfig, clock: Clock = systemClock, observer?: DcObserver) {
    this.#config = config;
    this.#clock = clock;
    this.#endpoints = new DcEndpoints(config, clock, observer);
    this.#pool = new ServiceConnectionPool(this.#endpoints, config);
  }

  async rootDse(): Promise<RootDse> {
    const url = this.#endpoints.preferred;
    if (this.#rootDse?.url === url) return this.#rootDse.value;
    const value = await this.#pool.run(readRootDse, true);
    this.#rootDse = { url: this.#endpoints.preferred, value };
    return value;
  }

  async domainPolicy(): Promise<DirectoryPolicy> {
    return this.#cachedPolicy(this.#config.baseDn, (client) =>
      readDomainPolicy(client, this.#config.baseDn),
    );
  }

  findUser(reference: UserReference): Promise<UserLookup> {
    return this.#lookup(reference, lookupUser);
  }

  async resolveUser(reference: UserReference): Promise<AccountLookup> {
    const attribute = this.#config.writeMarkerAttribute;
    const found = await this.#lookup(reference, (client, baseDn, wanted) =>
      lookupAccount(client, baseDn, wanted, attribute),
    );
    if (!found.ok) return found;
    let policy: Promise<DirectoryPolicy> | undefined;
    return {
      ok: true,
      user: found.user,
      policy: () => (policy ??= this.#policyOfAccount(found.user)),
    };
  }

  async #lookup<User>(
    reference: UserReference,
    lookup: (
      client: Client,
      baseDn: string,
      reference: UserReference,
    ) => Promise<LookupResult<User>>,
  ): Promise<{ ok: true; user: User } | { ok: false; outcome: Outcome }> {
    try {
      const result = await this.#pool.run(
        (client) => lookup(client, this.#config.baseDn, reference),
        true,
      );
      if (result.found === 'one') return { ok: true, user: result.user };
      if (result.found === 'none') {
        return {
          ok: false,
          outcome: { code: 'user_not_found', detail: `no user with ${reference.by} given` },
        };
      }
      return { ok: false, outcome: { code: 'ambiguous_user', matches: result.count } };
    } catch (error) {
      return {
        ok: false,
        outcome: this.#translate(error, { operation: 'read', boundAs: 'service' }),
      };
    }
  }

  async effectivePolicy(reference: UserReference): Promise<PolicyLookup> {
    const found = await this.findUser(reference);
    if (!found.ok) return found;
    try {
      return {
        ok: true,
        user: found.user,
        // Uncached: the cloud asks for this read when its own copy may be stale.
        policy: await this.#policyFor(found.user.resultantPsoDn, { fresh: true }),
      };
    } catch (error) {
      return {
        ok: false,
        outcome: this.#translate(error, { operation: 'read', boundAs: 'service' }),
      };
    }
  }

  async reset(
    target: UserTarget,
    newPassword: Secret,
    options: ResetOptions,
    guard?: WriteGuard,
  ): Promise<Outcome> {
    const resolved = await this.#resolve(target);
    if (!resolved.ok) return resolved.outcome;
    const { user } = resolved;
    if (user.protected) return { code: 'protected_account' };
    if (options.initiator === 'user' && !user.enabled) return { code: 'account_disabled' };

    const controls: PolicyHintsControl[] = [];
    if (options.initiator === 'user') {
      const hints = await this.#policyHintsOid();
      if (hints) {
        controls.push(new PolicyHintsControl(hints));
      } else {
        // The DC cannot enforce minimum age on a reset (Samba, Windows before 2008 R2): the
        // agent applies it, so self-service behaves as on a DC with policy hints.
        let policy: DirectoryPolicy;
        try {
          policy = await resolved.policy();
        } catch (error) {
          return this.#translate(error, { operation: 'read', boundAs: 'service' });
        }
        const allowedAt = changeAllowedAt(policy, passwordContext(user));
        if (allowedAt && allowedAt > this.#clock.now()) {
          return {
            code: 'policy_violation',
            rules: [
              violation('min_age', 'policy', {
                minAgeSeconds: policy.minAgeSeconds,
                allowedAt: allowedAt.toISOString(),
              }),
            ],
          };
        }
      }
    }
    const changes = [replace('unicodePwd', unicodePwd(newPassword))];
    if (options.unlock ?? true) changes.push(replace('lockoutTime', '0'));
    if (options.mustChangeAtNextLogon) changes.push(replace('pwdLastSet', '0'));
    if (guard) {
      const context = { operation: 'reset' as const, boundAs: 'service' as const, newPassword };
      return this.#guardedWrite(resolved, guard, changes, context, controls);
    }
    try {
      await this.#pool.run((client) => client.modify(user.dn, changes, controls), false);
      return { code: 'applied' };
    } catch (error) {
      return this.#translateWrite(error, resolved, {
        operation: 'reset',
        boundAs: 'service',
        newPassword,
      });
    }
  }

  async change(
    target: UserTarget,
    currentPassword: Secret,
    newPassword: Secret,
    guard?: WriteGuard,
  ): Promise<Outcome> {
    if (currentPassword.length === 0) return { code: 'wrong_current_password' };
    const resolved = await this.#resolve(target);
    if (!resolved.ok) return resolved.outcome;
    const { user } = resolved;
    const changes = [
      new Change({
        operation: 'delete',
        modification: new Attribute({ type: 'unicodePwd', values: [unicodePwd(currentPassword)] }),
      }),
      new Change({
        operation: 'add',
        modification: new Attribute({ type: 'unicodePwd', values: [unicodePwd(newPassword)] }),
      }),
    ];
    const context = { operation: 'change' as const, newPassword };
    let session: { client: Client } | undefined;
    try {
      session = await this.#endpoints.connectBound(user.dn, currentPassword.reveal());
    } catch (error) {
      const outcome = await this.#translateWrite(error, resolved, { ...context, boundAs: 'user' });
      // A retry from a lookup made before this operation's change landed: the old password
      // no longer binds, and the marker says why.
      if (guard && (await this.#markerCarries(user.dn, guard))) return { code: 'applied' };
      if (outcome.code !== 'must_change_password' && outcome.code !== 'password_expired')
        return outcome;
      // AD lets no one bind with an expired or must-change password, yet such a user must be
      // able to change it: the service account sends the change; the old value still proves it.
      if (guard) {
        return this.#guardedWrite(resolved, guard, changes, { ...context, boundAs: 'service' });
      }
      try {
        await this.#pool.run((client) => client.modify(user.dn, changes), false);
        return { code: 'applied' };
      } catch (serviceError) {
        return this.#translateWrite(serviceError, resolved, { ...context, boundAs: 'service' });
      }
    }
    if (guard) {
      // The bind proved the old password; the write itself goes through the service account
      // (the change right), so it can carry the write marker the user may not write.
      await session.client.unbind().catch(() => undefined);
      return this.#guardedWrite(resolved, guard, changes, { ...context, boundAs: 'service' });
    }
    try {
      await session.client.modify(user.dn, changes);
      return { code: 'applied' };
    } catch (error) {
      return this.#translateWrite(error, resolved, { ...context, boundAs: 'user' });
    } finally {
      await session.client.unbind().catch(() => undefined);
    }
  }

  async unlock(target: UserTarget, guard?: WriteGuard): Promise<Outcome> {
    if (!guard) return this.#writeAttribute(target, 'unlock', 'lockoutTime', '0');
    const resolved = await this.#resolve(target);
    if (!resolved.ok) return resolved.outcome;
    if (resolved.user.protected) return { code: 'protected_account' };
    return this.#guardedWrite(resolved, guard, [replace('lockoutTime', '0')], {
      operation: 'unlock',
      boundAs: 'service',
    });
  }

  /**
   * Fences the user against a lapsed operation (ADR 0016): `applied` with `fence: 'landed'`
   * (no write of it can land any more) or `fence: 'written'` (it landed before the fence);
   * anything else leaves the question open. Touches only the write marker.
   */
  async fence(
    reference: UserReference,
    fencedOperationId: string,
    notAfter: Date,
  ): Promise<Outcome> {
    const resolved = await this.resolveUser(reference);
    if (!resolved.ok) return resolved.outcome;
    const { dn, writeMarker } = resolved.user;
    const attribute = this.#config.writeMarkerAttribute;
    const result = await guardedFence(
      {
        attribute,
        clock: this.#clock,
        send: (changes) => this.#pool.run((client) => client.modify(dn, changes), false),
        readMarker: () => this.#pool.run((client) => readMarker(client, dn, attribute), true),
      },
      fencedOperationId,
      notAfter,
      writeMarker,
    );
    switch (result.kind) {
      case 'landed':
      case 'written':
        return { code: 'applied', fence: result.kind };
      case 'unconfirmed':
        return {
          code: 'outcome_unknown',
          detail: 'the fence could not be confirmed on the domain controller',
        };
      case 'refused':
        return this.#translate(result.error, {
          operation: 'fence',
          boundAs: 'service',
          user: resolved.user,
        });
    }
  }

  forceChangeAtNextLogon(reference: UserReference): Promise<Outcome> {
    return this.#writeAttribute(reference, 'force_change', 'pwdLastSet', '0');
  }

  /** pwdLastSet = -1 makes the DC stamp "now": the password is fresh again. */
  unexpire(reference: UserReference): Promise<Outcome> {
    return this.#writeAttribute(reference, 'unexpire', 'pwdLastSet', '-1');
  }

  async verifyCredentials(reference: UserReference, password: Secret): Promise<Outcome> {
    // An empty password would be an anonymous bind, which "succeeds".
    if (password.length === 0) return { code: 'invalid_credentials' };
    const found = await this.findUser(reference);
    if (!found.ok) return found.outcome;
    try {
      const { client } = await this.#endpoints.connectBound(found.user.dn, password.reveal());
      await client.unbind().catch(() => undefined);
      return { code: 'applied' };
    } catch (error) {
      return this.#translate(error, { operation: 'verify', boundAs: 'user', user: found.user });
    }
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  /**
   * Runs read work (sync, doctor) on a pooled service-account connection, with the same
   * failover; `retryable` work is repeated once on a fresh connection if one breaks.
   */
  withServiceConnection<T>(work: (client: Client) => Promise<T>, retryable = true): Promise<T> {
    return this.#pool.run(work, retryable);
  }

  /** The base DN this connector searches under. */
  get baseDn(): string {
    return this.#config.baseDn;
  }

  /** Service-account connections open now (for metrics and the agent's status report). */
  get openServiceConnections(): number {
    return this.#pool.openConnections;
  }

  async #writeAttribute(
    target: UserTarget,
    operation: AdOperation,
    attribute: string,
    value: string,
  ): Promise<Outcome> {
    const found = await this.#resolve(target);
    if (!found.ok) return found.outcome;
    if (found.user.protected) return { code: 'protected_account' };
    try {
      // Setting the same value twice is harmless, so a broken connection may retry it.
      await this.#pool.run(
        (client) => client.modify(found.user.dn, [replace(attribute, value)]),
        true,
      );
      return { code: 'applied' };
    } catch (error) {
      return this.#translate(error, { operation, boundAs: 'service', user: found.user });
    }
  }

  /** A write that lands at most once for its operation (ADR 0011, `guarded-write.ts`). */
  async #guardedWrite(
    target: ResolvedUser,
    guard: WriteGuard,
    changes: readonly Change[],
    context: Omit<TranslationContext, 'now' | 'user' | 'policy'>,
    controls: readonly PolicyHintsControl[] = [],
  ): Promise<Outcome> {
    const { dn, writeMarker } = target.user;
    const attribute = this.#config.writeMarkerAttribute;
    const result = await guardedWrite(
      {
        attribute,
        clock: this.#clock,
        send: (all, sending) =>
          this.#pool.run(async (client) => {
            sending();
            await client.modify(dn, all, [...controls]);
          }, false),
        readMarker: () => this.#pool.run((client) => readMarker(client, dn, attribute), true),
      },
      guard,
      writeMarker,
      changes,
    );
    switch (result.kind) {
      case 'applied':
        return { code: 'applied' };
      case 'expired':
        return { code: 'expired', detail: 'the operation expired before its write was sent' };
      case 'fenced':
        return {
          code: 'expired',
          detail: 'the cloud fenced the operation at its expiry: nothing was written',
        };
      case 'unknown':
        return {
          code: 'outcome_unknown',
          detail: 'the connection to the domain controller broke after the write was sent',
        };
      case 'refused':
        return this.#translateWrite(result.error, target, context);
    }
  }

  async #markerCarries(dn: string, guard: WriteGuard): Promise<boolean> {
    const attribute = this.#config.writeMarkerAttribute;
    const marker = await this.#pool
      .run((client) => readMarker(client, dn, attribute), true)
      .catch(() => undefined);
    return carriesOperation(marker, guard.operationId);
  }

  async #resolve(target: UserTarget): Promise<AccountLookup> {
    return 'user' in target ? { ok: true, ...target } : this.resolveUser(target);
  }

  async #policyFor(
    resultantPsoDn: string | undefined,
    options: { fresh?: boolean } = {},
  ): Promise<DirectoryPolicy> {
    const dn = resultantPsoDn ?? this.#config.baseDn;
    const read = resultantPsoDn
      ? (client: Client) => readPasswordSettingsObject(client, dn)
      : (client: Client) => readDomainPolicy(client, dn);
    return this.#cachedPolicy(dn, read, options);
  }

  /**
   * The policy in force for an account looked up without its resultant PSO, read now: it
   * decides a refusal (a minimum age the agent applies, a rule named after AD refused), and
   * an admin who just changed the policy expects the next operation to see it.
   */
  async #policyOfAccount(account: DirectoryAccount): Promise<DirectoryPolicy> {
    const { searchEntries } = await this.#pool.run(
      (client) =>
        client.search(account.dn, {
          scope: 'base',
          filter: '(objectClass=user)',
          attributes: [RESULTANT_PSO],
        }),
      true,
    );
    const entry = searchEntries[0] as Entry | undefined;
    return this.#policyFor(entry ? text(entry, RESULTANT_PSO) : undefined, { fresh: true });
  }

  /**
   * AD's refusal of a write as an outcome. A broken password rule is named from the user's
   * policy, read now: the write's lookup left it out, as most writes never need it.
   */
  async #translateWrite(
    error: unknown,
    target: ResolvedUser,
    context: Omit<TranslationContext, 'now' | 'user' | 'policy'>,
  ): Promise<Outcome> {
    const policy = namesPasswordRules(error, context)
      ? await target.policy().catch(() => undefined)
      : undefined;
    return this.#translate(error, { ...context, user: target.user, policy });
  }

  async #cachedPolicy(
    key: string,
    read: (client: Client) => Promise<DirectoryPolicy>,
    options: { fresh?: boolean } = {},
  ): Promise<DirectoryPolicy> {
    const now = this.#clock.now().getTime();
    const cached = this.#policyCache.get(key);
    if (cached && !options.fresh && now - cached.readAt < POLICY_CACHE_MS) return cached.policy;
    const policy = await this.#pool.run(read, true);
    this.#policyCache.set(key, { policy, readAt: now });
    return policy;
  }

  /**
   * How many fine-grained policies the domain has (0: the domain policy is everyone's, so
   * the cloud may check it before dispatch); undefined when the container is not readable.
   */
  async countFineGrainedPolicies(): Promise<number | undefined> {
    const container = `CN=Password Settings Container,CN=System,${this.#config.baseDn}`;
    try {
      const { searchEntries } = await this.#pool.run(
        (client) =>
          client.search(container, {
            scope: 'one',
            filter: '(objectClass=msDS-PasswordSettings)',
            attributes: ['cn'],
          }),
        true,
      );
      return searchEntries.length;
    } catch {
      return undefined;
    }
  }

  /** Forget cached policies (after an admin changed them, or for a fresh report). */
  clearPolicyCache(): void {
    this.#policyCache.clear();
  }

  async #policyHintsOid(): Promise<string | undefined> {
    const { capabilities } = await this.rootDse();
    if (capabilities.policyHints) return CONTROL_OIDS.policyHints;
    if (capabilities.policyHintsDeprecated) return CONTROL_OIDS.policyHintsDeprecated;
    return undefined;
  }

  #translate(
    error: unknown,
    context: Omit<Parameters<typeof translateAdFailure>[1], 'now'>,
  ): Outcome {
    return translateAdFailure(error, { ...context, now: this.#clock.now() });
  }
}
