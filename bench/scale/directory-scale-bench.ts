import type { LabState } from '@ferry/lab';
import { Secret } from '@ferry/protocol';
import { verifyPassword } from '../../packages/cloud/src/crypto/password-hash.js';
import { findUserByUpn, userListQuery } from '../../packages/cloud/src/directory/users.js';
import { solveChallenge } from '../../packages/cloud/src/sspr/proof-of-work.js';
import { openStore, type Store } from '../../packages/cloud/src/store/connect.js';
import { bulkUserNames } from '../../packages/cloud/test/helpers/bulk-users.js';
import { Api } from '../../scripts/support/api.js';
import { FerrySystem } from '../../test/e2e/support/ferry-system.js';
import { summarize, type LatencySummary } from '../stats.js';
import { SEEDED_PASSWORD, seededDirectoryCopy } from './seeded-directory.js';

export interface ScaleCase {
  readonly name: string;
  readonly raw: LatencySummary;
  readonly ferry: LatencySummary;
  /** The plan of the raw query: node types, with the index each scan uses. */
  readonly plan: string;
}

export interface DirectoryScaleFigures {
  readonly users: number;
  readonly samples: number;
  readonly seeded_seconds: number | null;
  readonly cases: ScaleCase[];
}

/** A seeded pseudo-random sequence, so each run asks the same questions. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

type Explained = { 'Node Type': string; 'Index Name'?: string; Plans?: Explained[] };
const describePlan = (node: Explained): string =>
  `${node['Node Type']}${node['Index Name'] ? ` (${node['Index Name']})` : ''}` +
  (node.Plans?.length ? ` → ${node.Plans.map(describePlan).join(' + ')}` : '');

/**
 * A cloud directory of `users` users on PostgreSQL: admin search, deep paging, SSPR start and
 * My Account sign-in through the HTTP API, each next to its raw floor (the same SQL from this
 * process; for sign-in, the lookup plus the Argon2 check), alternating one by one.
 */
export async function benchDirectoryScale(
  lab: LabState,
  users: number,
  samples: number,
  log: (line: string) => void,
): Promise<DirectoryScaleFigures> {
  const copy = await seededDirectoryCopy(users, log);
  const system = new FerrySystem({
    lab,
    databaseUrl: copy.databaseUrl,
    rateLimitPerMinute: 1_000_000,
    startTimeoutMs: 180_000,
  });
  let raw: Store | undefined;
  try {
    await system.startNode();
    const api = system.api;
    const settings = await api.get('/api/v1/settings/password-reset');
    await api.put('/api/v1/settings/password-reset', { ...settings.json, ssprEnabled: 'all' });
    raw = openStore({ databaseUrl: copy.databaseUrl, dataDir: system.dataDir });
    const db = raw.db;
    const tenantId = (await db.selectFrom('tenants').select('id').executeTakeFirstOrThrow()).id;
    const random = sequence(19);
    const someone = () => bulkUserNames(Math.floor(random() * users));
    const anonymous = new Api(system.nodes[0]!.url);

    const listCase = async (
      name: string,
      options: () => { search?: string; after?: string },
    ): Promise<ScaleCase> => {
      const first = options();
      const explained = (await userListQuery(db, tenantId, { ...first, limit: 50 }).explain(
        'json',
      )) as unknown as Array<{ 'QUERY PLAN': Array<{ Plan: Explained }> }>;
      return {
        name,
        plan: describePlan(explained[0]!['QUERY PLAN'][0]!.Plan),
        ...(await alternate(
          samples,
          async () => {
            await userListQuery(db, tenantId, { ...options(), limit: 50 }).execute();
          },
          async () => {
            const query = new URLSearchParams({ ...options(), limit: '50' });
            const answer = await api.get(`/api/v1/users?${query.toString()}`);
            if (answer.status !== 200) throw new Error(`list answered ${answer.status}`);
          },
        )),
      };
    };

    const cases: ScaleCase[] = [];
    log('scale: admin search and paging');
    cases.push(
      await listCase('search: UPN prefix', () => {
        const upn = someone().upn;
        return { search: upn.slice(0, upn.indexOf('@') - 2) };
      }),
      await listCase('search: name substring', () => {
        const [first, last] = someone().displayName.split(' ');
        return { search: `${first!.slice(-3)} ${last!.slice(0, 3)}` };
      }),
      await listCase('search: 5-digit substring', () => ({
        search: String(10_000 + Math.floor(random() * 90_000)),
      })),
      await listCase('search: two letters', () => ({
        search: ['an', 'er', 'ia', 'os', 'ka'][Math.floor(random() * 5)]!,
      })),
      await listCase('page deep in the list (keyset)', () => ({ after: someone().upn })),
    );

    log('scale: SSPR start and My Account sign-in');
    const start = async (upn: string) => {
      const challenge = (await anonymous.get('/api/v1/sspr/challenge')).json as {
        challenge: string;
        difficulty: number;
      };
      const nonce = solveChallenge(challenge.challenge, challenge.difficulty);
      return async () => {
        const answer = await anonymous.post('/api/v1/sspr/start', {
          userPrincipalName: upn,
          challenge: challenge.challenge,
          nonce,
        });
        if (answer.status !== 200) throw new Error(`start answered ${answer.status}`);
      };
    };
    for (const [name, pick] of [
      ['SSPR start: known name', () => someone().upn],
      ['SSPR start: unknown name', () => `nobody.${Math.floor(random() * 1e9)}@scale.test`],
    ] as const) {
      cases.push({
        name,
        plan: 'Index Scan (users_tenant_upn)',
        ...(await alternatePrepared(
          samples,
          async () => {
            await findUserByUpn(db, tenantId, pick());
          },
          () => start(pick()),
        )),
      });
    }
    const password = Secret.of(SEEDED_PASSWORD);
    cases.push({
      name: 'My Account sign-in (cloud user)',
      plan: 'Index Scan (users_tenant_upn)',
      ...(await alternate(
        samples,
        async () => {
          const user = await findUserByUpn(db, tenantId, someone().upn);
          if (!user || !(await verifyPassword(user.password_hash!, password)))
            throw new Error('the raw check failed');
        },
        async () => {
          const answer = await anonymous.post('/api/v1/me/sign-in', {
            userPrincipalName: someone().upn,
            password: SEEDED_PASSWORD,
          });
          if (answer.status !== 200) throw new Error(`sign-in answered ${answer.status}`);
        },
      )),
    });
    return { users, samples, seeded_seconds: copy.seededSeconds, cases };
  } finally {
    await raw?.close();
    await system.stop();
    await copy.drop();
  }
}

/** Raw and Ferry one after the other, `samples` times each. */
async function alternate(
  samples: number,
  raw: () => Promise<void>,
  ferry: () => Promise<void>,
): Promise<{ raw: LatencySummary; ferry: LatencySummary }> {
  return alternatePrepared(samples, raw, async () => ferry);
}

/** As `alternate`, with an untimed preparation before each Ferry operation. */
async function alternatePrepared(
  samples: number,
  raw: () => Promise<void>,
  prepareFerry: () => Promise<() => Promise<void>>,
): Promise<{ raw: LatencySummary; ferry: LatencySummary }> {
  const rawTimes: number[] = [];
  const ferryTimes: number[] = [];
  for (let index = 0; index < samples; index += 1) {
    let began = performance.now();
    await raw();
    rawTimes.push(performance.now() - began);
    const ferry = await prepareFerry();
    began = performance.now();
    await ferry();
    ferryTimes.push(performance.now() - began);
  }
  return { raw: summarize(rawTimes), ferry: summarize(ferryTimes) };
}
