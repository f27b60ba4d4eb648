import { readFileSync } from 'node:fs';
import { bulkAccountName, generateBulkUsers, type LabState } from '@ferry/lab';
import { Attribute, Change, Client } from 'ldapts';
import { labConnector } from '../../scripts/support/lab-connector.js';
import { FerrySystem } from '../../test/e2e/support/ferry-system.js';
import { runConcurrent, summarize, type LatencySummary } from '../stats.js';

export interface WritebackSide {
  readonly c1: LatencySummary;
  readonly c1_ops_per_s: number;
  readonly c8: LatencySummary;
  readonly c8_ops_per_s: number;
}

export interface WritebackFigures {
  readonly users: number;
  readonly operations_per_run: number;
  readonly raw: WritebackSide;
  readonly ferry: WritebackSide;
}

const CONCURRENCY = 8;
let counter = 0;
const nextPassword = (): string =>
  `Bench!${Date.now().toString(36)}-${(counter++).toString(36)}Aa9`;

/**
 * The writeback benchmark: the same password resets on the same DC, once as a raw ldapts
 * `replace unicodePwd` over bound service-account connections (the floor), once through
 * Ferry end to end (admin API → cloud → agent → AD → back), at concurrency 1 and 8.
 */
export async function benchWriteback(
  lab: LabState,
  operations: number,
  log: (line: string) => void,
): Promise<WritebackFigures> {
  const users = Math.max(operations, 64);
  await generateBulkUsers(lab, users, log);
  const connector = labConnector(lab);
  const targets: Array<{ dn: string; guid: string; sam: string }> = [];
  for (let index = 1; index <= users; index += 1) {
    const found = await connector.findUser({ by: 'sAMAccountName', value: bulkAccountName(index) });
    if (!found.ok) throw new Error(`bulk user ${index} missing`);
    targets.push({
      dn: found.user.dn,
      guid: found.user.objectGUID,
      sam: found.user.sAMAccountName,
    });
  }
  await connector.close();

  log('writeback: raw ldapts baseline');
  const raw = await rawSide(lab, targets, operations);
  log('writeback: Ferry end to end');
  const ferry = await ferrySide(lab, targets, operations);
  return { users, operations_per_run: operations, raw, ferry };
}

async function rawSide(
  lab: LabState,
  targets: ReadonlyArray<{ dn: string }>,
  operations: number,
): Promise<WritebackSide> {
  const ca = [readFileSync(lab.caFile)];
  const clients = await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const client = new Client({ url: lab.ldapsUrl, tlsOptions: { ca } });
      await client.bind(lab.serviceAccount.dn, lab.serviceAccount.password);
      return client;
    }),
  );
  const reset = async (index: number, worker: number): Promise<void> => {
    const target = targets[index % targets.length]!;
    const value = Buffer.from(`"${nextPassword()}"`, 'utf16le');
    await clients[worker]!.modify(target.dn, [
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'unicodePwd', values: [value] }),
      }),
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'lockoutTime', values: ['0'] }),
      }),
    ]);
  };
  try {
    return await measure(operations, reset);
  } finally {
    await Promise.all(clients.map((client) => client.unbind()));
  }
}

async function ferrySide(
  lab: LabState,
  targets: ReadonlyArray<{ dn: string; guid: string; sam: string }>,
  operations: number,
): Promise<WritebackSide> {
  const system = new FerrySystem({
    lab,
    operationTimeoutSeconds: 30,
    rateLimitPerMinute: 1_000_000,
  });
  try {
    await system.startNode();
    await system.addAgent({ env: { FERRY_AGENT_LDAP_POOL_SIZE: String(CONCURRENCY) } });
    const userIds: string[] = [];
    for (const target of targets) {
      userIds.push(
        await system.syncUser(
          {
            dn: target.dn,
            sAMAccountName: target.sam,
            userPrincipalName: `${target.sam}@${lab.realm.toLowerCase()}`,
            password: '',
          },
          target.guid,
        ),
      );
    }
    const reset = async (index: number): Promise<void> => {
      const answer = await system.api.post(
        `/api/v1/users/${userIds[index % userIds.length]}/password`,
        { password: nextPassword() },
      );
      if (answer.status !== 200)
        throw new Error(`reset failed: ${answer.status} ${JSON.stringify(answer.json)}`);
    };
    return await measure(operations, reset);
  } finally {
    await system.stop();
  }
}

async function measure(
  operations: number,
  work: (index: number, worker: number) => Promise<void>,
): Promise<WritebackSide> {
  await runConcurrent(Math.min(20, operations), 1, work); // warm-up: TLS sessions, JIT, caches
  const c1 = await runConcurrent(operations, 1, work);
  const c8 = await runConcurrent(operations, CONCURRENCY, work);
  return {
    c1: summarize(c1.latencies),
    c1_ops_per_s: c1.opsPerSecond,
    c8: summarize(c8.latencies),
    c8_ops_per_s: c8.opsPerSecond,
  };
}
