import { randomBytes } from 'node:crypto';
import {
  add,
  addEntry,
  createOpenLdapUser,
  PPOLICY_LOCKED_FOR_EVER,
  deleteLabEntry,
  labClient,
  replace,
  requireOpenLdapState,
  type LabAccount,
} from '@ferry/lab';
import { parseDirectoryConfig, type DirectoryConfigInput } from '../../src/index.js';
import { OpenLdapConnector } from '../../src/directory/openldap/openldap-connector.js';
import type { DirectoryConnector } from '../../src/directory/directory-connector.js';
import { Secret } from '@ferry/protocol';
import type { Client } from 'ldapts';
import { openLab } from './lab.js';
import { createOuTree, type SyncOus } from './sync-ou.js';
import type { SyncableConnector } from '../../src/sync/index.js';

export type Dialect = 'ad' | 'openldap';
export const dialects: readonly Dialect[] = ['ad', 'openldap'];

/** The lab policies both dialects have (AD: fine-grained policies by group; OpenLDAP: pwdPolicySubentry). */
export type LabPolicy = 'minAgeZero' | 'lockoutThree';

/** What differs between the two labs' default policies, for tests that name a rule's parameter. */
export interface DialectFacts {
  readonly minLength: number;
  readonly historyLength: number;
  readonly minAgeSeconds: number;
}

/**
 * One fixture over either lab directory, so that a connector suite runs unchanged against
 * Samba AD and OpenLDAP. Users are made per test and deleted afterwards.
 */
export interface DirectoryLab {
  readonly dialect: Dialect;
  readonly facts: DialectFacts;
  readonly admin: Client;
  readonly users: Readonly<Record<'alice' | 'carol' | 'olga', LabAccount>>;
  readonly noRightsAccount: LabAccount;
  /** The agent's lab service account, with the rights writeback needs over `staffOu`. */
  readonly serviceAccount: LabAccount;
  readonly staffOu: string;
  readonly ldapsUrl: string;
  readonly caFile: string;
  /** The lab admin's bind, for connectors that must read as the admin. */
  readonly adminBind: Pick<DirectoryConfigInput, 'bindDn' | 'bindPassword'>;
  /** The users' naming attribute: a user's DN is `${rdn}=<its name>,<OU>`. */
  readonly rdn: 'CN' | 'uid';
  newUser(options?: {
    readonly policy?: LabPolicy;
    readonly mustChange?: boolean;
    readonly disabled?: boolean;
    readonly givenName?: string;
    readonly sn?: string;
  }): Promise<LabAccount>;
  connector(overrides?: Partial<DirectoryConfigInput>): DirectoryConnector & SyncableConnector;
  /** A throwaway OU tree for a sync test file (its users only). */
  syncOus(): Promise<SyncOus>;
  /** Disables a user the dialect's way (AD: ACCOUNTDISABLE; OpenLDAP: the administrative lock). */
  disable(dn: string): Promise<void>;
  /** Adds a group with one member (an OpenLDAP groupOfNames needs one). */
  newGroup(dn: string, member: string): Promise<void>;
  close(): Promise<void>;
}

export async function openDirectoryLab(dialect: Dialect): Promise<DirectoryLab> {
  return dialect === 'ad' ? openAdLab() : openOpenLdapLab();
}

async function openAdLab(): Promise<DirectoryLab> {
  const lab = await openLab();
  const users = lab.state.users;
  return {
    dialect: 'ad',
    facts: { minLength: 7, historyLength: 24, minAgeSeconds: 86_400 },
    admin: lab.admin,
    users: { alice: users['alice']!, carol: users['carol']!, olga: users['olga']! },
    noRightsAccount: lab.state.noRightsAccount,
    serviceAccount: lab.state.serviceAccount,
    staffOu: lab.state.ous.staff,
    ldapsUrl: lab.state.ldapsUrl,
    caFile: lab.state.caFile,
    adminBind: { bindDn: lab.state.admin.dn, bindPassword: Secret.of(lab.state.admin.password) },
    rdn: 'CN',
    newUser: (options = {}) =>
      lab.newUser({
        ...(options.policy ? { group: options.policy } : {}),
        ...(options.mustChange ? { mustChange: true } : {}),
        ...(options.disabled ? { disabled: true } : {}),
        ...(options.givenName ? { givenName: options.givenName } : {}),
        ...(options.sn ? { sn: options.sn } : {}),
      }),
    connector: (overrides) => lab.connector(overrides),
    syncOus: () => createOuTree(lab.admin, lab.state.ous.tests, 'CN'),
    disable: (dn) => lab.admin.modify(dn, [replace('userAccountControl', ['514'])]),
    newGroup: async (dn, member) => {
      await addEntry(lab.admin, dn, {
        objectClass: ['top', 'group'],
        sAMAccountName: `g-${randomBytes(5).toString('hex')}`,
      });
      await lab.admin.modify(dn, [add('member', [member])]);
    },
    close: () => lab.close(),
  };
}

async function openOpenLdapLab(): Promise<DirectoryLab> {
  const state = await requireOpenLdapState();
  const admin = labClient(state.ldapsUrl, state.caFile);
  await admin.bind(state.admin.dn, state.admin.password);
  const created: string[] = [];
  const connectors: OpenLdapConnector[] = [];
  return {
    dialect: 'openldap',
    facts: { minLength: 8, historyLength: 5, minAgeSeconds: 86_400 },
    admin,
    users: {
      alice: state.users['alice']!,
      carol: state.users['carol']!,
      olga: state.users['olga']!,
    },
    noRightsAccount: state.noRightsAccount,
    serviceAccount: state.serviceAccount,
    staffOu: state.ous.staff,
    ldapsUrl: state.ldapsUrl,
    caFile: state.caFile,
    adminBind: { bindDn: state.admin.dn, bindPassword: Secret.of(state.admin.password) },
    rdn: 'uid',
    async newUser(options = {}) {
      const account = await createOpenLdapUser(admin, {
        ouDn: state.ous.tests,
        uid: `t${randomBytes(5).toString('hex')}`,
        givenName: options.givenName ?? 'Test',
        sn: options.sn ?? 'User',
        ...(options.policy ? { policyDn: state.policies[options.policy] } : {}),
        ...(options.mustChange ? { mustChange: true } : {}),
        ...(options.disabled ? { disabled: true } : {}),
      });
      created.push(account.dn);
      return account;
    },
    connector(overrides = {}) {
      const connector = new OpenLdapConnector(
        parseDirectoryConfig({
          dialect: 'openldap',
          urls: [state.ldapsUrl],
          caFile: state.caFile,
          bindDn: state.serviceAccount.dn,
          bindPassword: Secret.of(state.serviceAccount.password),
          baseDn: state.baseDn,
          ...overrides,
        }),
      );
      connectors.push(connector);
      return connector;
    },
    syncOus: () => createOuTree(admin, state.ous.tests, 'uid'),
    disable: (dn) => admin.modify(dn, [replace('pwdAccountLockedTime', [PPOLICY_LOCKED_FOR_EVER])]),
    newGroup: (dn, member) =>
      addEntry(admin, dn, {
        objectClass: ['groupOfNames'],
        cn: /^cn=([^,]+)/i.exec(dn)![1]!,
        member,
      }),
    async close() {
      await Promise.all(connectors.map((connector) => connector.close()));
      for (const dn of created) await deleteLabEntry(admin, dn);
      await admin.unbind();
    },
  };
}

export const byName = (account: LabAccount) =>
  ({ by: 'sAMAccountName', value: account.sAMAccountName }) as const;
