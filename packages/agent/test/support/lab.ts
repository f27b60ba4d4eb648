import { randomBytes } from 'node:crypto';
import {
  addMember,
  createLabUser,
  deleteLabEntry,
  labClient,
  requireLabState,
  type LabAccount,
  type LabState,
} from '@ferry/lab';
import type { Client } from 'ldapts';
import type { AdConnector, DirectoryConfigInput } from '../../src/index.js';
import { labConnector } from '../../../../scripts/support/lab-connector.js';

/**
 * Real-peer fixture: the lab's Samba AD DC (started by `npm test` through `npm run lab -- up`).
 * Each test makes its own users under OU=Tests so tests do not depend on each other.
 */
export interface LabFixture {
  readonly state: LabState;
  readonly admin: Client;
  newUser(options?: {
    readonly group?: keyof LabState['groups'];
    readonly givenName?: string;
    readonly sn?: string;
    readonly disabled?: boolean;
    readonly mustChange?: boolean;
  }): Promise<LabAccount>;
  connector(overrides?: Partial<DirectoryConfigInput>): AdConnector;
  close(): Promise<void>;
}

export async function openLab(): Promise<LabFixture> {
  const state = await requireLabState();
  const admin = labClient(state.ldapsUrl, state.caFile);
  await admin.bind(state.admin.dn, state.admin.password);
  const created: string[] = [];
  const connectors: AdConnector[] = [];
  return {
    state,
    admin,
    async newUser(options = {}) {
      const account = await createLabUser(admin, {
        ouDn: state.ous.tests,
        sAMAccountName: `t${randomBytes(5).toString('hex')}`,
        givenName: options.givenName ?? 'Test',
        sn: options.sn ?? 'User',
        disabled: options.disabled ?? false,
        mustChange: options.mustChange ?? false,
      });
      created.push(account.dn);
      if (options.group) await addMember(admin, state.groups[options.group], account.dn);
      return account;
    },
    connector(overrides = {}) {
      const connector = labConnector(state, overrides);
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
