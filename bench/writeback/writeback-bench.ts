import { readFileSync } from 'node:fs';
import { bulkAccountName, generateBulkUsers, labPaths, type LabState } from '@ferry/lab';
import { Attribute, Change, Client } from 'ldapts';
import { labConnector } from '../../scripts/support/lab-connector.js';
import { ADMIN_EMAIL, FerrySystem } from '../../test/e2e/support/ferry-system.js';
import { CpuMeter } from './cpu-meter.js';
import { KeepAliveClient } from './keep-alive-client.js';
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
  /**
   * CPU milliseconds per operation at c=1 of the cloud node, the agent and the DC (Samba,
   * all its processes), over each side's operations: unlike latency, it hardly moves with
   * what else the machine runs.
   */
  readonly cpu_ms_per_op: { readonly raw: CpuPerOp; readonly ferry: CpuPerOp };
}

export interface CpuPerOp {
  readonly cloud: number;
  readonly agent: number;
  readonly dc: number;
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

  // Both sides are up before either is timed, and their runs alternate (operation by
  // operation at c=1, block by block at c=8): the DC's own speed drifts by several ms
  // between minutes, and alternating gives both sides the same DC.
  log('writeback: raw ldapts baseline and Ferry end to end, alternating');
  const raw = await rawSide(lab, targets);
  const ferry = await ferrySide(lab, targets);
  try {
    const sambaPid = Number(readFileSync(labPaths().pidFile, 'utf8').trim().split(/\s+/)[0]);
    const meter = new CpuMeter(new Map([...ferry.pids, ['dc', sambaPid]]));
    const measured = await measureAlternating(operations, raw.reset, ferry.reset, meter);
    return { users, operations_per_run: operations, ...measured };
  } finally {
    await raw.close();
    await ferry.close();
  }
}

interface Side {
  readonly reset: Work;
  close(): Promise<void>;
}

interface FerrySide extends Side {
  /** The cloud node's and the agent's process ids. */
  readonly pids: ReadonlyMap<'cloud' | 'agent', number>;
}

type Work = (index: number, worker: number) => Promise<void>;

async function rawSide(lab: LabState, targets: ReadonlyArray<{ dn: string }>): Promise<Side> {
  const ca = [readFileSync(lab.caFile)];
  const clients = await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const client = new Client({ url: lab.ldapsUrl, tlsOptions: { ca } });
      await client.bind(lab.serviceAccount.dn, lab.serviceAccount.password);
      return client;
    }),
  );
  return {
    reset: async (index, worker) => {
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
    },
    close: async () => {
      await Promise.all(clients.map((client) => client.unbind()));
    },
  };
}

async function ferrySide(
  lab: LabState,
  targets: ReadonlyArray<{ dn: string; guid: string; sam: string }>,
): Promise<FerrySide> {
  const system = new FerrySystem({
    lab,
    operationTimeoutSeconds: 30,
    rateLimitPerMinute: 1_000_000,
  });
  const node = await system.startNode();
  const client = new KeepAliveClient(node.url);
  try {
    const agent = await system.addAgent({
      env: { FERRY_AGENT_LDAP_POOL_SIZE: String(CONCURRENCY) },
    });
    await client.signIn(ADMIN_EMAIL, system.adminPassword);
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
    return {
      pids: new Map([
        ['cloud', node.process.child.pid!],
        ['agent', agent.process.child.pid!],
      ]),
      reset: async (index) => {
        const answer = await client.post(
          `/api/v1/users/${userIds[index % userIds.length]}/password`,
          { password: nextPassword() },
        );
        if (answer.status !== 200)
          throw new Error(`reset failed: ${answer.status} ${JSON.stringify(answer.json)}`);
      },
      close: async () => {
        client.close();
        await system.stop();
      },
    };
  } catch (error) {
    client.close();
    await system.stop();
    throw error;
  }
}

const C8_BLOCKS = 5;

async function measureAlternating(
  operations: number,
  raw: Work,
  ferry: Work,
  meter: CpuMeter,
): Promise<Pick<WritebackFigures, 'raw' | 'ferry' | 'cpu_ms_per_op'>> {
  // Warm-up: TLS sessions, JIT, caches, pooled connections.
  for (const work of [raw, ferry]) await runConcurrent(Math.min(20, operations), 1, work);

  const c1 = { raw: [] as number[], ferry: [] as number[] };
  const c1Seconds = { raw: 0, ferry: 0 };
  const cpu = { raw: new Map<string, number>(), ferry: new Map<string, number>() };
  for (let index = 0; index < operations; index += 1) {
    // Which side goes first alternates too, so neither always follows the other's write.
    const order = index % 2 === 0 ? (['raw', 'ferry'] as const) : (['ferry', 'raw'] as const);
    for (const side of order) {
      const before = meter.read();
      const begin = performance.now();
      await (side === 'raw' ? raw : ferry)(index, 0);
      const elapsed = performance.now() - begin;
      for (const [name, ms] of meter.read())
        cpu[side].set(name, (cpu[side].get(name) ?? 0) + ms - before.get(name)!);
      c1[side].push(elapsed);
      c1Seconds[side] += elapsed / 1000;
    }
  }
  const perOp = (side: 'raw' | 'ferry'): CpuPerOp => {
    const of = (name: string) => Math.round(((cpu[side].get(name) ?? 0) / operations) * 10) / 10;
    return { cloud: of('cloud'), agent: of('agent'), dc: of('dc') };
  };

  const c8 = { raw: [] as number[], ferry: [] as number[] };
  const c8Seconds = { raw: 0, ferry: 0 };
  const perBlock = Math.max(CONCURRENCY, Math.ceil(operations / C8_BLOCKS));
  for (let block = 0; block < C8_BLOCKS; block += 1) {
    const order = block % 2 === 0 ? (['raw', 'ferry'] as const) : (['ferry', 'raw'] as const);
    for (const side of order) {
      const begin = performance.now();
      const run = await runConcurrent(perBlock, CONCURRENCY, side === 'raw' ? raw : ferry);
      c8Seconds[side] += (performance.now() - begin) / 1000;
      c8[side].push(...run.latencies);
    }
  }

  const sideOf = (side: 'raw' | 'ferry'): WritebackSide => ({
    c1: summarize(c1[side]),
    c1_ops_per_s: perSecond(operations, c1Seconds[side]),
    c8: summarize(c8[side]),
    c8_ops_per_s: perSecond(perBlock * C8_BLOCKS, c8Seconds[side]),
  });
  return {
    raw: sideOf('raw'),
    ferry: sideOf('ferry'),
    cpu_ms_per_op: { raw: perOp('raw'), ferry: perOp('ferry') },
  };
}

const perSecond = (count: number, seconds: number): number =>
  Math.round((count / seconds) * 10) / 10;
