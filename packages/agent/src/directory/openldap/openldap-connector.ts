import type { DirectoryPolicy, Outcome, Secret } from '@ferry/protocol';
import type { DcObserver } from '../timed-client.js';
import { Control, type Change, type Client } from 'ldapts';
import type { AdOperation } from '../ad/ad-outcomes.js';
import type { UserReference } from '../ad/ad-user.js';
import { readRootDse, type RootDse } from '../ad/root-dse.js';
import { DcEndpoints, systemClock, type Clock } from '../dc-endpoints.js';
import type { DirectoryConfig } from '../directory-config.js';
import type {
  AccountLookup,
  DirectoryConnector,
  PolicyLookup,
  ResetOptions,
  UserLookup,
  UserTarget,
} from '../directory-connector.js';
import { ServiceConnectionPool } from '../service-pool.js';
import { OpenLdapPolicies } from './openldap-policies.js';
import {
  agentCheckedRules,
  ppolicyOutcome,
  translateOpenLdapFailure,
  type OpenLdapContext,
} from './openldap-outcomes.js';
import { LOCKED_FOR_EVER, lookupOpenLdapUser, type OpenLdapAccount } from './openldap-user.js';
import { passwordModifyRequest } from './password-modify.js';
import { PASSWORD_MODIFY_OID, PasswordPolicyControl } from './ppolicy-control.js';
import {
  changesAfterReset,
  generalizedNow,
  missingManage,
  RELAX_RULES_OID,
  replace,
} from './openldap-writes.js';

type Resolved = { ok: true; user: OpenLdapAccount } | { ok: false; outcome: Outcome };

/**
 * The agent's connector to OpenLDAP (slapd with the ppolicy overlay). Passwords go through
 * the Password Modify extended operation with the ppolicy control on every password
 * operation and bind, so slapd names the broken rule. The service account holds `manage`
 * on the password attributes, which exempts its writes from ppolicy: the agent checks the
 * user's policy itself before a reset (length; minimum age and history for self-service).
 */
export class OpenLdapConnector implements DirectoryConnector {
  readonly #config: DirectoryConfig;
  readonly #clock: Clock;
  readonly #endpoints: DcEndpoints;
  readonly #pool: ServiceConnectionPool;
  readonly #policies: OpenLdapPolicies;

  constructor(config: DirectoryConfig, clock: Clock = systemClock, observer?: DcObserver) {
    this.#config = config;
    this.#clock = clock;
    this.#endpoints = new DcEndpoints(config, clock, observer);
    this.#pool = new ServiceConnectionPool(this.#endpoints, config);
    this.#policies = new OpenLdapPolicies(
      this.#pool,
      clock,
      config.ppolicyDefaultDn ?? `cn=default,ou=policies,${config.baseDn}`,
    );
  }

  get baseDn(): string {
    return this.#config.baseDn;
  }

  rootDse(): Promise<RootDse> {
    return this.#pool.run(readRootDse, true);
  }

  domainPolicy(): Promise<DirectoryPolicy> {
    return this.#policies.defaultPolicy();
  }

  async findUser(reference: UserReference): Promise<UserLookup> {
    return this.#lookup(reference);
  }

  async resolveUser(reference: UserReference): Promise<AccountLookup> {
    const found = await this.#lookup(reference);
    if (!found.ok) return found;
    let policy: Promise<DirectoryPolicy> | undefined;
    return { ok: true, user: found.user, policy: () => (policy ??= this.#policies.of(found.user)) };
  }

  async effectivePolicy(reference: UserReference): Promise<PolicyLookup> {
    const found = await this.#lookup(reference);
    if (!found.ok) return found;
    try {
      return { ok: true, user: found.user, policy: await this.#policies.of(found.user) };
    } catch (error) {
      return { ok: false, outcome: this.#translate(error, { operation: 'read' }) };
    }
  }

  async reset(target: UserTarget, newPassword: Secret, options: ResetOptions): Promise<Outcome> {
    const found = await this.#resolve(target);
    if (!found.ok) return found.outcome;
    const { user } = found;
    const asUser = options.initiator === 'user';
    if (asUser && !user.enabled) return { code: 'account_disabled' };
    let policy: DirectoryPolicy;
    let inHistory = false;
    try {
      policy = await this.#policies.of(user);
      if (asUser && policy.historyLength > 0)
        inHistory = await this.#policies.inHistory(user, newPassword);
    } catch (error) {
      return this.#translate(error, { operation: 'read', user });
    }
    const now = this.#clock.now();
    const rules = agentCheckedRules(policy, user, newPassword, { asUser, inHistory, now });
    if (rules.length > 0) return { code: 'policy_violation', rules };
    const context = { operation: 'reset' as const, user, policy, newPassword };
    const request = passwordModifyRequest({ userDn: user.dn, newPassword });
    const control = new PasswordPolicyControl();
    try {
      await this.#pool.run((client) => client.exop(PASSWORD_MODIFY_OID, request, control), false);
    } catch (error) {
      const denied = missingManage(user, control.response);
      if (denied) return denied;
      return this.#translate(error, { ...context, ppolicy: control.response });
    }
    const after = changesAfterReset(user, options);
    try {
      await this.#pool.run((client) => client.modify(user.dn, after), true);
      return { code: 'applied' };
    } catch (error) {
      return this.#translate(error, context);
    }
  }

  async change(target: UserTarget, currentPassword: Secret, newPassword: Secret): Promise<Outcome> {
    if (currentPassword.length === 0) return { code: 'wrong_current_password' };
    const found = await this.#resolve(target);
    if (!found.ok) return found.outcome;
    const { user } = found;
    const context = { operation: 'change' as const, user, newPassword };
    const bindControl = new PasswordPolicyControl();
    let session: { client: Client };
    try {
      session = await this.#endpoints.connectBound(user.dn, currentPassword.reveal(), () => [
        bindControl,
      ]);
    } catch (error) {
      const ppolicy = bindControl.response;
      if (ppolicy?.error === 'passwordExpired') {
        return this.#changeExpired(user, currentPassword, newPassword);
      }
      return this.#translate(error, { ...context, boundAs: 'user', ppolicy, policy: undefined });
    }
    const control = new PasswordPolicyControl();
    const request = passwordModifyRequest({ oldPassword: currentPassword, newPassword });
    try {
      await session.client.exop(PASSWORD_MODIFY_OID, request, control);
      return { code: 'applied' };
    } catch (error) {
      const policy = await this.#policies.of(user).catch(() => undefined);
      return this.#translate(error, {
        ...context,
        boundAs: 'user',
        policy,
        ppolicy: control.response,
      });
    } finally {
      await session.client.unbind().catch(() => undefined);
    }
  }

  /**
   * An expired password (no grace logins left) cannot bind, yet its owner must be able to
   * change it: the service account sends the change with the old value, which slapd still
   * verifies; the agent applies the rules slapd would have applied to the user.
   */
  async #changeExpired(
    user: OpenLdapAccount,
    currentPassword: Secret,
    newPassword: Secret,
  ): Promise<Outcome> {
    const context = { operation: 'change' as const, user, newPassword };
    let policy: DirectoryPolicy;
    let inHistory: boolean;
    try {
      policy = await this.#policies.of(user);
      inHistory = policy.historyLength > 0 && (await this.#policies.inHistory(user, newPassword));
    } catch (error) {
      return this.#translate(error, { operation: 'read', user });
    }
    const now = this.#clock.now();
    const rules = agentCheckedRules(policy, user, newPassword, { asUser: true, inHistory, now });
    if (rules.length > 0) return { code: 'policy_violation', rules };
    const request = passwordModifyRequest({
      userDn: user.dn,
      oldPassword: currentPassword,
      newPassword,
    });
    const control = new PasswordPolicyControl();
    try {
      await this.#pool.run((client) => client.exop(PASSWORD_MODIFY_OID, request, control), false);
      await this.#pool.run((client) => client.modify(user.dn, [replace('pwdReset', [])]), true);
      return { code: 'applied' };
    } catch (error) {
      return this.#translate(error, { ...context, policy, ppolicy: control.response });
    }
  }

  /**
   * Unlocking removes pwdAccountLockedTime (slapd then clears pwdFailureTime). An account
   * locked "for ever" is disabled, not locked out: unlock leaves it so, as AD's unlock
   * leaves a disabled account disabled.
   */
  async unlock(target: UserTarget): Promise<Outcome> {
    const found = await this.#resolve(target);
    if (!found.ok) return found.outcome;
    if (found.user.lockedTime === LOCKED_FOR_EVER) return { code: 'applied' };
    return this.#modify(found.user, 'unlock', [replace('pwdAccountLockedTime', [])]);
  }

  /**
   * The OpenLDAP dialect keeps no write marker (ADR 0010), so it cannot fence: the cloud tells
   * its caller `outcome_unknown`, as without a fence (ADR 0016).
   */
  fence(): Promise<Outcome> {
    return Promise.resolve({
      code: 'operation_rejected',
      detail: 'the OpenLDAP dialect keeps no write marker to fence',
    });
  }

  async forceChangeAtNextLogon(reference: UserReference): Promise<Outcome> {
    const found = await this.#resolve(reference);
    if (!found.ok) return found.outcome;
    return this.#modify(found.user, 'force_change', [replace('pwdReset', ['TRUE'])]);
  }

  /** A fresh pwdChangedTime restarts the maximum age (needs `manage` and Relax Rules). */
  async unexpire(reference: UserReference): Promise<Outcome> {
    const found = await this.#resolve(reference);
    if (!found.ok) return found.outcome;
    const stamp = generalizedNow(this.#clock.now());
    return this.#modify(
      found.user,
      'unexpire',
      [replace('pwdChangedTime', [stamp])],
      [new Control(RELAX_RULES_OID, { critical: true })],
    );
  }

  async verifyCredentials(reference: UserReference, password: Secret): Promise<Outcome> {
    if (password.length === 0) return { code: 'invalid_credentials' };
    const found = await this.#lookup(reference);
    if (!found.ok) return found.outcome;
    const user = found.user;
    const control = new PasswordPolicyControl();
    try {
      const { client } = await this.#endpoints.connectBound(user.dn, password.reveal(), () => [
        control,
      ]);
      await client.unbind().catch(() => undefined);
    } catch (error) {
      const policy = await this.#policies.of(user).catch(() => undefined);
      return this.#translate(error, {
        operation: 'verify',
        boundAs: 'user',
        user,
        policy,
        ppolicy: control.response,
      });
    }
    // slapd lets a user bind after a reset but refuses everything but a change: as AD's 773.
    const named = ppolicyOutcome({
      operation: 'verify',
      boundAs: 'user',
      ppolicy: control.response,
      now: this.#clock.now(),
    });
    return named?.code === 'must_change_password' ? named : { code: 'applied' };
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  /** Read work (sync, doctor) on a pooled service-account connection. */
  withServiceConnection<T>(work: (client: Client) => Promise<T>, retryable = true): Promise<T> {
    return this.#pool.run(work, retryable);
  }

  get openServiceConnections(): number {
    return this.#pool.openConnections;
  }

  clearPolicyCache(): void {
    this.#policies.clear();
  }

  async #modify(
    user: OpenLdapAccount,
    operation: AdOperation,
    changes: Change[],
    controls: Control[] = [],
  ): Promise<Outcome> {
    try {
      await this.#pool.run((client) => client.modify(user.dn, changes, controls), true);
      return { code: 'applied' };
    } catch (error) {
      return this.#translate(error, { operation, user });
    }
  }

  async #lookup(reference: UserReference): Promise<Resolved> {
    try {
      const result = await this.#pool.run(
        (client) => lookupOpenLdapUser(client, this.#config.baseDn, reference),
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
      return { ok: false, outcome: this.#translate(error, { operation: 'read' }) };
    }
  }

  /** A user this connector resolved keeps its ppolicy state; any other is looked up again. */
  async #resolve(target: UserTarget): Promise<Resolved> {
    if ('user' in target) {
      const { user } = target;
      if ('lockedTime' in user) return { ok: true, user: user as OpenLdapAccount };
      return this.#lookup({ by: 'objectGUID', value: user.objectGUID });
    }
    return this.#lookup(target);
  }

  #translate(
    error: unknown,
    context: Partial<Omit<OpenLdapContext, 'now'>> & { operation: AdOperation },
  ): Outcome {
    return translateOpenLdapFailure(error, {
      boundAs: 'service',
      ...context,
      now: this.#clock.now(),
    });
  }
}
