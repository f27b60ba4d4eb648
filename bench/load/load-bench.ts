import { readFileSync } from 'node:fs';
import { bulkAccountName, generateBulkUsers, type LabState } from '@ferry/lab';
import autocannon from 'autocannon';
import { Attribute, Change, Client } from 'ldapts';
import { postgresBackend } from '../../packages/cloud/test/helpers/backends.js';
import { labConnector } from '../../scripts/support/lab-connector.js';
import { ADMIN_EMAIL, FerrySystem, type CloudNode } from '../../test/e2e/support/ferry-system.js';
import { summarize, type LatencySummary } from '../stats.js';
import { KeepAliveClient } from '../writeback/keep-alive-client.js';
import { RssSampler } from './rss-sampler.js';

export interface LoadSide {
  readonly requests: number;
  readonly errors: number;
  readonly ops_per_s: number;
  readonly error_rate: number;
  readonly latency: LatencySummary;
}

export interface LoadFigures {
  readonly users: number;
  readonly connections: number;
  readonly seconds_per_block: number;
  readonly blocks: number;
  readonly raw: LoadSide;
  readonly ferry: LoadSide;
  /** Peak RSS in MB of each process tree during the Ferry blocks. */
  readonly peak_rss_mb: Record<string, number>;
}

const CONNECTIONS = 8;
const BLOCKS = 2;
const USERS = 200;
let counter = 0;
const nextPassword = (): string => `Load!${Date.now().toString(36)}-${(counter++).toString(36)}Aa9`;

/** A signed-in admin session whose cookie and CSRF header autocannon sends. */
class SessionClient extends KeepAliveClient {
  headers(): Record<string, string> {
    return this.headersFor('POST', {});
  }
}

interface Target {
  readonly dn: string;
  readonly guid: string;
  readonly sam: string;
}

/**
 * The load benchmark: admin password resets driven by autocannon through two cloud nodes on
 * one PostgreSQL with two agents, against the lab DC, beside raw ldapts resets of the same
 * users on the same DC at the same concurrency; blocks alternate raw / Ferry.
 */
export async function benchLoad(
  lab: LabState,
  secondsPerBlock: number,
  log: (line: string) => void,
): Promise<LoadFigures> {
  await generateBulkUsers(lab, USERS, log);
  const targets = await bulkTargets(lab);
  const store = await postgresBackend.create();
  const system = new FerrySystem({
    lab,
    databaseUrl: store.databaseUrl!,
    operationTimeoutSeconds: 30,
    rateLimitPerMinute: 1_000_000,
  });
  const ca = [readFileSync(lab.caFile)];
  const rawClients: Client[] = [];
  try {
    log('load: two cloud nodes on one PostgreSQL, two agents');
    const nodes = [await system.startNode(), await system.startNode()];
    const env = { FERRY_AGENT_LDAP_POOL_SIZE: String(CONNECTIONS / 2) };
    const agents = [
      await system.addAgent({ node: nodes[0]!, env }),
      await system.addAgent({ node: nodes[1]!, env }),
    ];
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
    for (let index = 0; index < CONNECTIONS; index += 1) {
      const client = new Client({ url: lab.ldapsUrl, tlsOptions: { ca } });
      await client.bind(lab.serviceAccount.dn, lab.serviceAccount.password);
      rawClients.push(client);
    }
    const pids = new Map<string, number>();
    nodes.forEach((node, index) => pids.set(`cloud ${index + 1}`, node.process.child.pid!));
    agents.forEach((agent, index) => pids.set(`agent ${index + 1}`, agent.process.child.pid!));

    // Warm-up of both sides (TLS, JIT, pools), not counted.
    await rawBlock(rawClients, targets, 2);
    await ferryBlock(nodes, userIds, system.adminPassword, 2);

    const raw: BlockResult[] = [];
    const ferry: BlockResult[] = [];
    let peaks: Record<string, number> = {};
    for (let block = 0; block < BLOCKS; block += 1) {
      log(
        `load: block ${block + 1}/${BLOCKS}, ${secondsPerBlock} s raw then ${secondsPerBlock} s Ferry`,
      );
      raw.push(await rawBlock(rawClients, targets, secondsPerBlock));
      const sampler = new RssSampler(pids);
      ferry.push(await ferryBlock(nodes, userIds, system.adminPassword, secondsPerBlock));
      const sampled = sampler.stop();
      for (const [name, mb] of Object.entries(sampled))
        peaks[name] = Math.max(peaks[name] ?? 0, mb);
    }
    peaks = Object.fromEntries(Object.entries(peaks).sort());
    return {
      users: USERS,
      connections: CONNECTIONS,
      seconds_per_block: secondsPerBlock,
      blocks: BLOCKS,
      raw: sideOf(raw, secondsPerBlock * BLOCKS),
      ferry: sideOf(ferry, secondsPerBlock * BLOCKS),
      peak_rss_mb: peaks,
    };
  } finally {
    await Promise.all(rawClients.map((client) => client.unbind().catch(() => undefined)));
    await system.stop();
    await store.destroy();
  }
}

interface BlockResult {
  readonly ok: number[];
  readonly errors: number;
}

function sideOf(blocks: readonly BlockResult[], seconds: number): LoadSide {
  const ok = blocks.flatMap((block) => block.ok);
  const errors = blocks.reduce((sum, block) => sum + block.errors, 0);
  const requests = ok.length + errors;
  return {
    requests,
    errors,
    ops_per_s: Math.round((ok.length / seconds) * 10) / 10,
    error_rate: requests === 0 ? 0 : Math.round((errors / requests) * 10_000) / 10_000,
    latency: summarize(ok),
  };
}

async function rawBlock(
  clients: readonly Client[],
  targets: readonly Target[],
  seconds: number,
): Promise<BlockResult> {
  const ok: number[] = [];
  let errors = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        const target = targets[next++ % targets.length]!;
        const begin = performance.now();
        try {
          await client.modify(target.dn, [
            new Change({
              operation: 'replace',
              modification: new Attribute({
                type: 'unicodePwd',
                values: [Buffer.from(`"${nextPassword()}"`, 'utf16le')],
              }),
            }),
            new Change({
              operation: 'replace',
              modification: new Attribute({ type: 'lockoutTime', values: ['0'] }),
            }),
          ]);
          ok.push(performance.now() - begin);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return { ok, errors };
}

/** autocannon on each node at once (half the connections each), each on its own half of the users. */
async function ferryBlock(
  nodes: readonly CloudNode[],
  userIds: readonly string[],
  adminPassword: string,
  seconds: number,
): Promise<BlockResult> {
  const ok: number[] = [];
  let errors = 0;
  const runs = nodes.map(async (node, nodeIndex) => {
    const session = new SessionClient(node.url);
    await session.signIn(ADMIN_EMAIL, adminPassword);
    const mine = userIds.filter((_, index) => index % nodes.length === nodeIndex);
    let next = 0;
    const instance = autocannon({
      url: node.url,
      connections: CONNECTIONS / nodes.length,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => ({
            ...request,
            path: `/api/v1/users/${mine[next++ % mine.length]}/password`,
            headers: { ...session.headers(), 'content-type': 'application/json' },
            body: JSON.stringify({ password: nextPassword() }),
          }),
        },
      ],
    });
    instance.on('response', (_client, status, _bytes, time) => {
      if (status === 200) ok.push(time);
      else errors += 1;
    });
    const result = await instance;
    errors += result.errors + result.timeouts;
    session.close();
  });
  await Promise.all(runs);
  return { ok, errors };
}

async function bulkTargets(lab: LabState): Promise<Target[]> {
  const connector = labConnector(lab);
  try {
    const targets: Target[] = [];
    for (let index = 1; index <= USERS; index += 1) {
      const found = await connector.findUser({
        by: 'sAMAccountName',
        value: bulkAccountName(index),
      });
      if (!found.ok) throw new Error(`bulk user ${index} missing`);
      targets.push({
        dn: found.user.dn,
        guid: found.user.objectGUID,
        sam: found.user.sAMAccountName,
      });
    }
    return targets;
  } finally {
    await connector.close();
  }
}
