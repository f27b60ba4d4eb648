import type { DirectoryPolicy, Secret } from '@ferry/protocol';
import type { Clock } from '../dc-endpoints.js';
import type { Entry } from '../ad/ad-user.js';
import type { ServiceConnectionPool } from '../service-pool.js';
import { readPpolicyEntry } from './openldap-password-policy.js';
import type { OpenLdapAccount } from './openldap-user.js';
import { matchesStoredPassword } from './password-history.js';

const POLICY_CACHE_MS = 30_000;

/**
 * The ppolicy rules in force for a user, read with the service account: the user's
 * pwdPolicySubentry, else the default policy entry (cached 30 s, as AD policies are); and
 * the stored passwords the history rule compares against.
 */
export class OpenLdapPolicies {
  readonly #pool: ServiceConnectionPool;
  readonly #clock: Clock;
  readonly #defaultDn: string;
  readonly #cache = new Map<string, { policy: DirectoryPolicy; readAt: number }>();

  constructor(pool: ServiceConnectionPool, clock: Clock, defaultDn: string) {
    this.#pool = pool;
    this.#clock = clock;
    this.#defaultDn = defaultDn;
  }

  get defaultDn(): string {
    return this.#defaultDn;
  }

  defaultPolicy(): Promise<DirectoryPolicy> {
    return this.#cached(this.#defaultDn, true);
  }

  of(user: OpenLdapAccount): Promise<DirectoryPolicy> {
    return user.policyDn ? this.#cached(user.policyDn, false) : this.defaultPolicy();
  }

  clear(): void {
    this.#cache.clear();
  }

  /** Whether the password is the current one or in pwdHistory (the service account reads both). */
  async inHistory(user: OpenLdapAccount, password: Secret): Promise<boolean> {
    const { searchEntries } = await this.#pool.run(
      (client) =>
        client.search(user.dn, { scope: 'base', attributes: ['userPassword', 'pwdHistory'] }),
      true,
    );
    const entry = searchEntries[0] as Entry | undefined;
    if (!entry) return false;
    const values = (name: string): string[] => {
      const value = entry[name];
      return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
    };
    return matchesStoredPassword(password, [...values('userPassword'), ...values('pwdHistory')]);
  }

  async #cached(dn: string, isDefault: boolean): Promise<DirectoryPolicy> {
    const now = this.#clock.now().getTime();
    const cached = this.#cache.get(dn);
    if (cached && now - cached.readAt < POLICY_CACHE_MS) return cached.policy;
    const policy = await this.#pool.run((client) => readPpolicyEntry(client, dn, isDefault), true);
    this.#cache.set(dn, { policy, readAt: now });
    return policy;
  }
}
