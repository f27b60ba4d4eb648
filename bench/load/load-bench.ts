import { Agent } from 'node:http';
import { loadavg } from 'node:os';
import { generateBulkUsers, type LabState } from '@ferry/lab';
import autocannon from 'autocannon';
import type { Client } from 'ldapts';
import { postgresBackend } from '../../packages/cloud/test/helpers/backends.js';
import { ADMIN_EMAIL, FerrySystem, type CloudNode } from '../../test/e2e/support/ferry-system.js';
import { MailCatcher, type CaughtMail } from '../../test/support/mail-catcher.js';
import { summarize, type LatencySummary } from '../stats.js';
import { KeepAliveClient } from '../writeback/keep-alive-client.js';
import { UserSession } from './change-load.js';
import { closedLoopBlock, Rotation, type BlockResult } from './closed-loop.js';
import {
  bulkLoadUsers,
  changeChanges,
  labConnection,
  prepareLoadUsers,
  resetChanges,
  type LoadUser,
} from './load-users.js';
import { RssSampler } from './rss-sampler.js';
import { ssprAddress, ssprReset } from './sspr-load.js';

export interface LoadSide {
  readonly requests: number;
  readonly errors: number;
  readonly ops_per_s: number;
  readonly error_rate: number;
  readonly latency: LatencySummary;
}

/** One kind of operation under load, beside its raw LDAP write in the same run. */
export interface LoadKind {
  readonly users: number;
  readonly raw: LoadSide;
  readonly ferry: LoadSide;
  /** Peak RSS in MB of each process tree during this kind's Ferry blocks. */
  readonly peak_rss_mb: Record<string, number>;
  /** SSPR only: the last step (`POST /sspr/reset`, relayed to an agent) on its own. */
  readonly write_step?: LatencySummary;
}

export interface LoadFigures {
  readonly connections: number;
  readonly seconds_per_block: number;
  readonly blocks: number;
  /** The machine's 1-minute load average when the load part began and when it ended. */
  readonly load_average: { readonly start: number; readonly end: number };
  readonly admin_reset: LoadKind;
  readonly sspr: LoadKind;
  readonly change: LoadKind;
}

const CONNECTIONS = 8;
const BLOCKS = 2;
const WARM_UP_SECONDS = 2;
/** Bulk users 1..200 take admin resets, the next 160 self-service resets, the next 96 changes. */
const ADMIN_USERS = 200;
/** Each user may start 5 resets an hour (the cloud's per-user throttle, kept): 160 users hold ~800. */
const SSPR_USERS = 160;
const CHANGE_USERS = 96;
/** The bench's proof of work (the default, 18 bits, would spend ~0.3 s of this machine's CPU per start in the client). */
const POW_BITS = 8;

let counter = 0;
const nextPassword = (): string => `Load!${Date.now().toString(36)}-${(counter++).toString(36)}Aa9`;
const round1 = (value: number): number => Math.round(value * 10) / 10;

/** A signed-in admin session whose cookie and CSRF header autocannon sends. */
class SessionClient extends KeepAliveClient {
  headers(): Record<string, string> {
    return this.headersFor('POST', {});
  }
}

/**
 * The load benchmark: admin resets, self-service resets (codes by mail) and My Account changes,
 * through two cloud nodes on one PostgreSQL with two agents against the lab DC; each kind
 * beside the same LDAP write sent raw (ldapts, bound as the agent's service account) at the
 * same concurrency, blocks alternating raw / Ferry.
 */
export async function benchLoad(
  lab: LabState,
  secondsPerBlock: number,
  log: (line: string) => void,
): Promise<LoadFigures> {
  const loadAtStart = round1(loadavg()[0]!);
  await generateBulkUsers(lab, ADMIN_USERS + SSPR_USERS + CHANGE_USERS, log);
  const adminUsers = await bulkLoadUsers(lab, 1, ADMIN_USERS);
  const ssprUsers = await bulkLoadUsers(lab, ADMIN_USERS + 1, SSPR_USERS);
  const changeUsers = await bulkLoadUsers(lab, ADMIN_USERS + SSPR_USERS + 1, CHANGE_USERS);
  const passwords = new Map(changeUsers.map((user) => [user.dn, nextPassword()]));
  await prepareLoadUsers(lab, ssprUsers);
  await prepareLoadUsers(lab, changeUsers, passwords);

  const store = await postgresBackend.create();
  const mail = await MailCatcher.start();
  const system = new FerrySystem({
    lab,
    databaseUrl: store.databaseUrl!,
    operationTimeoutSeconds: 30,
    rateLimitPerMinute: 1_000_000,
    cloudEnv: { FERRY_SMTP_URL: mail.url, FERRY_SSPR_POW_BITS: String(POW_BITS) },
  });
  const http = new Agent({ keepAlive: true, maxSockets: CONNECTIONS * 2 });
  const rawClients: Client[] = [];
  try {
    log('load: two cloud nodes on one PostgreSQL, two agents');
    const nodes = [await system.startNode(), await system.startNode()];
    const env = { FERRY_AGENT_LDAP_POOL_SIZE: String(CONNECTIONS / 2) };
    const agents = [
      await system.addAgent({ node: nodes[0]!, env }),
      await system.addAgent({ node: nodes[1]!, env }),
    ];
    const sync = async (users: readonly LoadUser[]): Promise<string[]> => {
      const ids: string[] = [];
      for (const user of users) {
        ids.push(
          await system.syncUser(
            { dn: user.dn, sAMAccountName: user.sam, userPrincipalName: user.upn, password: '' },
            user.guid,
          ),
        );
      }
      return ids;
    };
    const adminIds = await sync(adminUsers);
    const ssprIds = await sync(ssprUsers);
    await sync(changeUsers);
    await enableSspr(nodes[0]!, ssprUsers, ssprIds);
    for (let index = 0; index < CONNECTIONS; index += 1) rawClients.push(await labConnection(lab));
    const pids = new Map<string, number>();
    nodes.forEach((node, index) => pids.set(`cloud ${index + 1}`, node.process.child.pid!));
    agents.forEach((agent, index) => pids.set(`agent ${index + 1}`, agent.process.child.pid!));
    const measure = (
      name: string,
      raw: (seconds: number) => Promise<BlockResult>,
      ferry: (seconds: number) => Promise<BlockResult>,
      afterWarmUp?: () => void,
    ) => measureKind(name, raw, ferry, secondsPerBlock, pids, log, afterWarmUp);

    // Admin resets: autocannon on each node.
    const adminRotation = new Rotation(adminUsers, CONNECTIONS);
    const admin = await measure(
      'admin reset',
      (seconds) =>
        closedLoopBlock(CONNECTIONS, seconds, async (worker) => {
          const user = adminRotation.next(worker);
          await rawClients[worker]!.modify(user.dn, resetChanges(nextPassword()));
        }),
      (seconds) => adminResetBlock(nodes, adminIds, system.adminPassword, seconds),
    );

    // Self-service resets: each a whole flow (proof of work, start, email code, verify, reset).
    const ssprRotation = new Rotation(ssprUsers, CONNECTIONS);
    const consumed = new WeakSet<CaughtMail>();
    let writeSteps: number[] = [];
    const sspr = await measure(
      'self-service reset',
      (seconds) =>
        closedLoopBlock(CONNECTIONS, seconds, async (worker) => {
          const user = ssprRotation.next(worker);
          await rawClients[worker]!.modify(user.dn, resetChanges(nextPassword()));
        }),
      (seconds) =>
        closedLoopBlock(CONNECTIONS, seconds, async (worker) => {
          const node = nodes[worker % nodes.length]!;
          const user = ssprRotation.next(worker);
          writeSteps.push(await ssprReset(node.url, http, mail, consumed, user, nextPassword()));
        }),
      () => (writeSteps = []),
    );

    // My Account changes: every user signed in first, on the node its worker calls.
    log('load: signing the change users in to My Account');
    const sessions = new Map<string, UserSession>();
    await Promise.all(
      Array.from({ length: 4 }, async (_, lane) => {
        for (let index = lane; index < changeUsers.length; index += 4) {
          const user = changeUsers[index]!;
          const node = nodes[(index % CONNECTIONS) % nodes.length]!;
          sessions.set(
            user.dn,
            await UserSession.signIn(node.url, http, user.upn, passwords.get(user.dn)!),
          );
        }
      }),
    );
    const changeRotation = new Rotation(changeUsers, CONNECTIONS);
    /** A user whose change failed leaves the rotation: its password is no longer certain. */
    const changeOne = async (
      worker: number,
      write: (user: LoadUser, current: string, next: string) => Promise<void>,
    ) => {
      const user = changeRotation.next(worker);
      const next = nextPassword();
      try {
        await write(user, passwords.get(user.dn)!, next);
      } catch (error) {
        changeRotation.drop(worker, user);
        throw error;
      }
      passwords.set(user.dn, next);
    };
    const change = await measure(
      'change',
      (seconds) =>
        closedLoopBlock(CONNECTIONS, seconds, (worker) =>
          changeOne(worker, (user, current, next) =>
            rawClients[worker]!.modify(user.dn, changeChanges(current, next)),
          ),
        ),
      (seconds) =>
        closedLoopBlock(CONNECTIONS, seconds, (worker) =>
          changeOne(worker, (user, current, next) => sessions.get(user.dn)!.change(current, next)),
        ),
    );

    return {
      connections: CONNECTIONS,
      seconds_per_block: secondsPerBlock,
      blocks: BLOCKS,
      load_average: { start: loadAtStart, end: round1(loadavg()[0]!) },
      admin_reset: { users: ADMIN_USERS, ...admin },
      sspr: { users: SSPR_USERS, ...sspr, write_step: summarize(writeSteps) },
      change: { users: CHANGE_USERS, ...change },
    };
  } finally {
    await Promise.all(rawClients.map((client) => client.unbind().catch(() => undefined)));
    http.destroy();
    await system.stop();
    await mail.stop();
    await store.destroy();
  }
}

/** Self-service reset for everyone, by one emailed code; each SSPR user's address registered. */
async function enableSspr(
  node: CloudNode,
  users: readonly LoadUser[],
  ids: readonly string[],
): Promise<void> {
  const current = await node.api.get('/api/v1/settings/password-reset');
  const put = await node.api.put('/api/v1/settings/password-reset', {
    ...current.json,
    ssprEnabled: 'all',
    methodsRequired: 1,
    methodsAllowed: ['email', 'totp'],
  });
  if (put.status !== 200) throw new Error(`sspr settings: ${JSON.stringify(put.json)}`);
  for (const [index, user] of users.entries()) {
    const answer = await node.api.put(`/api/v1/users/${ids[index]}/methods/email`, {
      address: ssprAddress(user),
    });
    if (answer.status !== 200) throw new Error(`email method: ${JSON.stringify(answer.json)}`);
  }
}

/**
 * A warm-up of both sides (TLS, JIT, pools; not counted), then `BLOCKS` rounds of one raw and
 * one Ferry block, which goes first alternating; RSS is sampled during the Ferry blocks.
 */
async function measureKind(
  name: string,
  raw: (seconds: number) => Promise<BlockResult>,
  ferry: (seconds: number) => Promise<BlockResult>,
  secondsPerBlock: number,
  pids: ReadonlyMap<string, number>,
  log: (line: string) => void,
  afterWarmUp: () => void = () => undefined,
): Promise<{ raw: LoadSide; ferry: LoadSide; peak_rss_mb: Record<string, number> }> {
  log(`load: ${name}: warm-up`);
  await raw(WARM_UP_SECONDS);
  await ferry(WARM_UP_SECONDS);
  afterWarmUp();
  const sides = { raw: [] as BlockResult[], ferry: [] as BlockResult[] };
  const peaks: Record<string, number> = {};
  for (let block = 0; block < BLOCKS; block += 1) {
    const order = block % 2 === 0 ? (['raw', 'ferry'] as const) : (['ferry', 'raw'] as const);
    for (const side of order) {
      log(`load: ${name}: block ${block + 1}/${BLOCKS}, ${side}, ${secondsPerBlock} s`);
      const sampler = side === 'ferry' ? new RssSampler(pids) : undefined;
      const result = await (side === 'raw' ? raw : ferry)(secondsPerBlock);
      for (const [process, mb] of Object.entries(sampler?.stop() ?? {}))
        peaks[process] = Math.max(peaks[process] ?? 0, mb);
      if (result.errors > 0)
        log(
          `load: ${name}: ${side}: ${result.errors} errors, e.g. ${result.errorSamples.join(' | ')}`,
        );
      sides[side].push(result);
    }
  }
  return {
    raw: sideOf(sides.raw),
    ferry: sideOf(sides.ferry),
    peak_rss_mb: Object.fromEntries(Object.entries(peaks).sort()),
  };
}

function sideOf(blocks: readonly BlockResult[]): LoadSide {
  const ok = blocks.flatMap((block) => block.ok);
  const errors = blocks.reduce((sum, block) => sum + block.errors, 0);
  const seconds = blocks.reduce((sum, block) => sum + block.seconds, 0);
  const requests = ok.length + errors;
  return {
    requests,
    errors,
    ops_per_s: round1(ok.length / seconds),
    error_rate: requests === 0 ? 0 : Math.round((errors / requests) * 10_000) / 10_000,
    latency: summarize(ok),
  };
}

/**
 * autocannon on each node at once (half the connections each), each on its own half of the
 * users; requests still in flight when autocannon stops are not counted.
 */
async function adminResetBlock(
  nodes: readonly CloudNode[],
  userIds: readonly string[],
  adminPassword: string,
  seconds: number,
): Promise<BlockResult> {
  const ok: number[] = [];
  const errorSamples: string[] = [];
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
    // `on` returns the instance, the thenable awaited just below: nothing is dropped here.
    void instance.on('response', (_client, status, _bytes, time) => {
      if (status === 200) ok.push(time);
      else {
        errors += 1;
        if (errorSamples.length < 5) errorSamples.push(`HTTP ${status}`);
      }
    });
    const result = await instance;
    errors += result.errors + result.timeouts;
    session.close();
  });
  await Promise.all(runs);
  return { ok, errors, seconds, errorSamples };
}
