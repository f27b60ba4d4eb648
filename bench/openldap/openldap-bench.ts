import { randomBytes } from 'node:crypto';
import {
  createOpenLdapUser,
  deleteLabEntry,
  generateOpenLdapBulkUsers,
  labClient,
  openLdapUp,
  type OpenLdapLabState,
} from '@ferry/lab';
import { Secret } from '@ferry/protocol';
import type { Client } from 'ldapts';
import {
  OpenLdapConnector,
  parseDirectoryConfig,
  PASSWORD_MODIFY_OID,
  passwordModifyRequest,
} from '../../packages/agent/src/index.js';
import {
  OPENLDAP_SYNCED_USER_ATTRIBUTES,
  SyncReader,
} from '../../packages/agent/src/sync/index.js';
import { summarize, type LatencySummary } from '../stats.js';

export interface OpenLdapFigures {
  readonly operations: number;
  readonly reset: { readonly raw: LatencySummary; readonly ferry: LatencySummary };
  readonly change: { readonly raw: LatencySummary; readonly ferry: LatencySummary };
  readonly sync: {
    readonly users: number;
    readonly raw_users_per_s: number;
    readonly ferry_users_per_s: number;
  };
}

const password = () => Secret.of(`Bn7#${randomBytes(6).toString('hex')}`);

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * The OpenLDAP dialect against the lab slapd, each Ferry figure beside its raw baseline in
 * the same run, alternating operation by operation on the same users:
 * - reset: the agent's connector (lookup, the user's policy, Password Modify with the ppolicy
 *   control, then pwdReset as asked) vs one raw Password Modify as the service account;
 * - change: the connector (bind as the user with the control, Password Modify with the old
 *   password) vs the same bind and exop done raw;
 * - sync: `SyncReader.fullImport` into a sink that drops batches vs one raw paged search with
 *   the same filter and attributes (best of 3 each).
 */
export async function benchOpenLdap(
  log: (line: string) => void,
  operations: number,
  syncUsers: number,
): Promise<OpenLdapFigures> {
  const state = await openLdapUp(log);
  const connector = new OpenLdapConnector(
    parseDirectoryConfig({
      dialect: 'openldap',
      urls: [state.ldapsUrl],
      caFile: state.caFile,
      bindDn: state.serviceAccount.dn,
      bindPassword: Secret.of(state.serviceAccount.password),
      baseDn: state.baseDn,
      poolSize: 4,
    }),
  );
  const admin = labClient(state.ldapsUrl, state.caFile, 30_000);
  await admin.bind(state.admin.dn, state.admin.password);
  const service = labClient(state.ldapsUrl, state.caFile, 30_000);
  await service.bind(state.serviceAccount.dn, state.serviceAccount.password);
  const created: string[] = [];
  try {
    log(`openldap: ${operations} users for reset and change (min-age-zero policy)`);
    const users = [];
    for (let index = 0; index < operations; index += 1) {
      const user = await createOpenLdapUser(admin, {
        ouDn: state.ous.tests,
        uid: `bench${randomBytes(5).toString('hex')}`,
        policyDn: state.policies.minAgeZero,
      });
      created.push(user.dn);
      users.push({ ...user, current: Secret.of(user.password) });
    }
    // Warm both paths (the pool's connections, the policy cache) before measuring.
    await connector.reset({ by: 'sAMAccountName', value: users[0]!.sAMAccountName }, password(), {
      initiator: 'admin',
      mustChangeAtNextLogon: false,
    });
    const reset = { raw: [] as number[], ferry: [] as number[] };
    for (const user of users) {
      reset.raw.push(
        await timed(() =>
          service.exop(
            PASSWORD_MODIFY_OID,
            passwordModifyRequest({ userDn: user.dn, newPassword: password() }),
          ),
        ),
      );
      const next = password();
      reset.ferry.push(
        await timed(async () => {
          const outcome = await connector.reset(
            { by: 'sAMAccountName', value: user.sAMAccountName },
            next,
            { initiator: 'admin', mustChangeAtNextLogon: false },
          );
          if (outcome.code !== 'applied') throw new Error(`reset: ${outcome.code}`);
        }),
      );
      user.current = next;
    }
    log('openldap: reset done; change');
    const change = { raw: [] as number[], ferry: [] as number[] };
    for (const user of users) {
      const middle = password();
      change.raw.push(await timed(() => rawChange(state, user.dn, user.current, middle)));
      const next = password();
      change.ferry.push(
        await timed(async () => {
          const outcome = await connector.change(
            { by: 'sAMAccountName', value: user.sAMAccountName },
            middle,
            next,
          );
          if (outcome.code !== 'applied') throw new Error(`change: ${outcome.code}`);
        }),
      );
      user.current = next;
    }

    await generateOpenLdapBulkUsers(state, syncUsers, log);
    log('openldap: sync full import vs raw paged read');
    const reader = new SyncReader(connector, { includeOus: [state.ous.bulk] });
    let raw = Infinity;
    let ferry = Infinity;
    let count = 0;
    for (let round = 0; round < 3; round += 1) {
      const started = performance.now();
      count = await rawRead(service, state.ous.bulk);
      raw = Math.min(raw, performance.now() - started);
      const ferryStarted = performance.now();
      const result = await reader.fullImport(async () => undefined);
      ferry = Math.min(ferry, performance.now() - ferryStarted);
      if (result.upserts !== count) throw new Error(`read ${result.upserts}, raw ${count}`);
    }
    return {
      operations,
      reset: { raw: summarize(reset.raw), ferry: summarize(reset.ferry) },
      change: { raw: summarize(change.raw), ferry: summarize(change.ferry) },
      sync: {
        users: count,
        raw_users_per_s: Math.round(count / (raw / 1000)),
        ferry_users_per_s: Math.round(count / (ferry / 1000)),
      },
    };
  } finally {
    for (const dn of created) await deleteLabEntry(admin, dn);
    await connector.close();
    await admin.unbind();
    await service.unbind();
  }
}

async function rawChange(
  state: OpenLdapLabState,
  dn: string,
  current: Secret,
  next: Secret,
): Promise<void> {
  const client = labClient(state.ldapsUrl, state.caFile, 30_000);
  try {
    await client.bind(dn, current.reveal());
    await client.exop(
      PASSWORD_MODIFY_OID,
      passwordModifyRequest({ oldPassword: current, newPassword: next }),
    );
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

async function rawRead(client: Client, base: string): Promise<number> {
  let count = 0;
  const pages = client.searchPaginated(base, {
    scope: 'sub',
    filter: '(objectClass=inetOrgPerson)',
    attributes: [...OPENLDAP_SYNCED_USER_ATTRIBUTES],
    paged: { pageSize: 1_000 },
    timeLimit: 0,
  });
  for await (const page of pages) count += page.searchEntries.length;
  return count;
}
