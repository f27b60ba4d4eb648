import { randomBytes } from 'node:crypto';
import {
  createOpenLdapUser,
  deleteLabEntry,
  labClient,
  requireOpenLdapState,
  type LabAccount,
} from '@ferry/lab';
import { parseDirectoryConfig, type DirectoryConfigInput } from '../../src/index.js';
import { OpenLdapConnector } from '../../src/directory/openldap/openldap-connector.js';
import type { DirectoryConnector } from '../../src/directory/directory-connector.js';
import { Secret } from '@ferry/protocol';
import type { Client } from 'ldapts';
import { openLab } from './lab.js';

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
  newUser(options?: {
    readonly policy?: LabPolicy;
    readonly mustChange?: boolean;
    readonly disabled?: boolean;
  }): Promise<LabAccount>;
  connector(overrides?: Partial<DirectoryConfigInput>): DirectoryConnector;
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
    newUser: (options = {}) =>
      lab.newUser({
        ...(options.policy ? { group: options.policy } : {}),
        ...(options.mustChange ? { mustChange: true } : {}),
        ...(options.disabled ? { disabled: true } : {}),
      }),
    connector: (overrides) => lab.connector(overrides),
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
    async newUser(options = {}) {
      const account = await createOpenLdapUser(admin, {
        ouDn: state.ous.tests,
        uid: `t${randomBytes(5).toString('hex')}`,
        givenName: 'Test',
        sn: 'User',
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
    async close() {
      await Promise.all(connectors.map((connector) => connector.close()));
      for (const dn of created) await deleteLabEntry(admin, dn);
      await admin.unbind();
    },
  };
}

export const byName = (account: LabAccount) =>
  ({ by: 'sAMAccountName', value: account.sAMAccountName }) as const;
