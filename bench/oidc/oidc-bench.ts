import { readFileSync } from 'node:fs';
import type { LabState } from '@ferry/lab';
import { Client } from 'ldapts';
import { labConnector } from '../../scripts/support/lab-connector.js';
import { FerrySystem } from '../../test/e2e/support/ferry-system.js';
import { OidcUserAgent } from '../../test/support/oidc-user-agent.js';
import { SignInWalker } from '../../test/support/oidc-sign-in-walker.js';
import { SampleRelyingParty } from '../../test/support/sample-relying-party.js';
import { runConcurrent, summarize, type LatencySummary } from '../stats.js';
import { startMemoryProvider } from './memory-provider.js';

export interface OidcFigures {
  readonly sign_ins: number;
  /** A bind as the user on an open LDAPS connection: the floor of any password check. */
  readonly raw_bind: LatencySummary;
  /** The same on a new LDAPS connection each time (TCP + TLS + bind), as the agent binds as a user. */
  readonly raw_bind_new_connection: LatencySummary;
  /** Ferry's password step of a sign-in (synced user: pass-through to AD by the agent). */
  readonly password_step: LatencySummary;
  /** The whole sign-in: authorization request to validated tokens at the application. */
  readonly whole_sign_in: LatencySummary;
  readonly refreshes_per_run: number;
  /** Refresh-token grants per second, the library alone in memory vs Ferry. */
  readonly token_raw: { readonly c1_ops_per_s: number; readonly c8_ops_per_s: number };
  readonly token_ferry: { readonly c1_ops_per_s: number; readonly c8_ops_per_s: number };
  readonly token_ferry_c8: LatencySummary;
}

const CALLBACK = 'http://127.0.0.1:9/callback';
const CONCURRENCY = 8;

/**
 * The OpenID Connect benchmark, both sides alternating in one run:
 * - sign-in of a synced user (the lab's alice): a raw LDAPS bind as alice next to Ferry's
 *   password step (HTTP → cloud → relay → agent → AD bind → back) and the whole sign-in;
 * - token endpoint: refresh-token grants (rotated each time) against the same library with
 *   its in-memory adapter, next to Ferry's provider on its store.
 */
export async function benchOidc(
  lab: LabState,
  signIns: number,
  log: (line: string) => void,
): Promise<OidcFigures> {
  const alice = lab.users['alice']!;
  const ldap = new Client({ url: lab.ldapsUrl, tlsOptions: { ca: [readFileSync(lab.caFile)] } });
  const system = new FerrySystem({
    lab,
    operationTimeoutSeconds: 30,
    rateLimitPerMinute: 1_000_000,
  });
  const memory = await startMemoryProvider();
  try {
    const node = await system.startNode();
    await system.addAgent({ env: { FERRY_AGENT_LDAP_POOL_SIZE: String(CONCURRENCY) } });
    const connector = labConnector(lab);
    const found = await connector.findUser({ by: 'sAMAccountName', value: alice.sAMAccountName });
    await connector.close();
    if (!found.ok) throw new Error('lab user alice missing');
    await system.syncUser(alice, found.user.objectGUID);
    const created = await node.api.post('/api/v1/applications', {
      name: 'Bench app',
      kind: 'confidential',
      redirectUris: [CALLBACK],
      scopes: ['profile', 'offline_access'],
      tenantConsent: true,
    });
    if (created.status !== 201) throw new Error(`register: ${JSON.stringify(created.json)}`);
    const rp = await SampleRelyingParty.discover({
      issuer: `${node.url}/oidc`,
      clientId: created.json.application.clientId,
      clientSecret: created.json.clientSecret,
      redirectUri: CALLBACK,
    });

    const rawBind = async () => ldap.bind(alice.dn, alice.password);
    const ca = [readFileSync(lab.caFile)];
    const rawBindNew = async () => {
      const fresh = new Client({ url: lab.ldapsUrl, tlsOptions: { ca } });
      await fresh.bind(alice.dn, alice.password);
      await fresh.unbind();
    };
    const signIn = async (timing: { password?: number }) => {
      const walker = new SignInWalker(new OidcUserAgent(), CALLBACK);
      const pending = await rp.authorizationUrl('openid profile offline_access');
      const hop = await walker.go(pending.url);
      if (hop.kind !== 'page') throw new Error('no sign-in page');
      await walker.state(hop.uid, node.url);
      const begin = performance.now();
      const view = await walker.step(hop.uid, node.url, 'password', {
        userPrincipalName: alice.userPrincipalName,
        password: alice.password,
      });
      timing.password = performance.now() - begin;
      if (view.status !== 200 || !view.json.redirectTo) throw new Error(`password: ${view.text}`);
      const back = await walker.go(view.json.redirectTo);
      if (back.kind !== 'callback') throw new Error('no callback');
      return rp.callback(back.url, pending);
    };

    log(`oidc: ${signIns} sign-ins of a synced user next to raw binds, alternating`);
    for (let i = 0; i < 5; i++) {
      await rawBind();
      await signIn({});
    }
    const raw: number[] = [];
    const rawNew: number[] = [];
    const step: number[] = [];
    const whole: number[] = [];
    const refreshTokens: string[] = [];
    for (let index = 0; index < signIns; index += 1) {
      const timing: { password?: number } = {};
      const order = index % 2 === 0 ? ['raw', 'new', 'ferry'] : ['ferry', 'new', 'raw'];
      for (const side of order) {
        const begin = performance.now();
        if (side === 'raw') {
          await rawBind();
          raw.push(performance.now() - begin);
        } else if (side === 'new') {
          await rawBindNew();
          rawNew.push(performance.now() - begin);
        } else {
          const tokens = await signIn(timing);
          whole.push(performance.now() - begin);
          step.push(timing.password!);
          if (refreshTokens.length < CONCURRENCY) refreshTokens.push(tokens.refresh_token!);
        }
      }
    }

    log('oidc: refresh-token grants, in-memory library next to Ferry, alternating');
    const chains = {
      ferry: refreshTokens,
      raw: await Promise.all(Array.from({ length: CONCURRENCY }, () => memory.refreshToken())),
    };
    const memoryRp = await SampleRelyingParty.discover({
      issuer: memory.issuer,
      clientId: memory.clientId,
      clientSecret: memory.clientSecret,
      redirectUri: CALLBACK,
    });
    const refresh = (side: 'raw' | 'ferry') => async (_index: number, worker: number) => {
      const answer = await (side === 'raw' ? memoryRp : rp).refresh(chains[side][worker]!);
      chains[side][worker] = answer.refresh_token!;
    };
    const refreshes = Math.max(CONCURRENCY * 10, signIns * 2);
    const seconds = { raw: { c1: 0, c8: 0 }, ferry: { c1: 0, c8: 0 } };
    const ferryC8: number[] = [];
    for (const warm of ['raw', 'ferry'] as const) await runConcurrent(20, 1, refresh(warm));
    for (let block = 0; block < 4; block += 1) {
      const order = block % 2 === 0 ? (['raw', 'ferry'] as const) : (['ferry', 'raw'] as const);
      for (const side of order) {
        let begin = performance.now();
        await runConcurrent(refreshes / 4, 1, refresh(side));
        seconds[side].c1 += (performance.now() - begin) / 1000;
        begin = performance.now();
        const run = await runConcurrent(refreshes / 4, CONCURRENCY, refresh(side));
        seconds[side].c8 += (performance.now() - begin) / 1000;
        if (side === 'ferry') ferryC8.push(...run.latencies);
      }
    }
    const rate = (side: 'raw' | 'ferry') => ({
      c1_ops_per_s: Math.round((refreshes / seconds[side].c1) * 10) / 10,
      c8_ops_per_s: Math.round((refreshes / seconds[side].c8) * 10) / 10,
    });
    return {
      sign_ins: signIns,
      raw_bind: summarize(raw),
      raw_bind_new_connection: summarize(rawNew),
      password_step: summarize(step),
      whole_sign_in: summarize(whole),
      refreshes_per_run: refreshes,
      token_raw: rate('raw'),
      token_ferry: rate('ferry'),
      token_ferry_c8: summarize(ferryC8),
    };
  } finally {
    await ldap.unbind().catch(() => undefined);
    await memory.close();
    await system.stop();
  }
}
