import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { postgresBackend } from '../../packages/cloud/test/helpers/backends.js';
import { OidcUserAgent } from '../support/oidc-user-agent.js';
import { SignInWalker } from '../support/oidc-sign-in-walker.js';
import { SampleRelyingParty } from '../support/sample-relying-party.js';
import { eventually } from './support/eventually.js';
import { FerrySystem, type CloudNode } from './support/ferry-system.js';
import { SwitchingProxy } from './support/switching-proxy.js';
import { syncedLabUser } from './support/synced-lab-user.js';

const CALLBACK = 'http://127.0.0.1:9/callback';

/**
 * Two cloud nodes on one PostgreSQL behind one public address: the provider's sessions,
 * interactions, codes and tokens live in the store, its cookies are signed with a key derived
 * from the shared data key, so a sign-in started on one node finishes on the other.
 */
describe('OpenID Connect on two cloud nodes sharing PostgreSQL (cloud + agent + lab DC)', () => {
  let lab: LabFixture;
  let system: FerrySystem;
  let proxy: SwitchingProxy;
  let nodeA: CloudNode;
  let nodeB: CloudNode;
  let destroy: () => Promise<void>;
  let rp: SampleRelyingParty;

  before(async () => {
    lab = await openLab();
    const store = await postgresBackend.create();
    destroy = store.destroy;
    proxy = await SwitchingProxy.start();
    system = new FerrySystem({
      lab: lab.state,
      databaseUrl: store.databaseUrl!,
      operationTimeoutSeconds: 20,
      cloudEnv: { FERRY_PUBLIC_URL: proxy.url },
    });
    nodeA = await system.startNode();
    nodeB = await system.startNode();
    const agent = await system.addAgent({ node: nodeA });
    await system.waitForAgentStatus(agent.agentId, nodeB);
    const created = await nodeA.api.post('/api/v1/applications', {
      name: 'Two-node app',
      kind: 'confidential',
      redirectUris: [CALLBACK],
      scopes: ['profile', 'offline_access'],
      tenantConsent: true,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    proxy.target = nodeA.port;
    rp = await SampleRelyingParty.discover({
      issuer: `${proxy.url}/oidc`,
      clientId: created.json.application.clientId,
      clientSecret: created.json.clientSecret,
      redirectUri: CALLBACK,
    });
  });
  after(async () => {
    await system?.stop();
    await proxy?.close();
    await destroy?.();
    await lab?.close();
  });

  test('a synced user’s sign-in started on node A completes on node B; tokens and refresh work on both', async () => {
    const user = await syncedLabUser(lab, system);
    const walker = new SignInWalker(new OidcUserAgent(), CALLBACK);
    proxy.target = nodeA.port;
    const pending = await rp.authorizationUrl('openid profile offline_access');
    const started = await walker.agent.get(pending.url);
    assert.equal(started.status, 303, started.text);
    assert.ok(proxy.served.get(nodeA.port)?.some((line) => line.startsWith('GET /oidc/auth')));

    proxy.target = nodeB.port;
    const bServedBefore = proxy.served.get(nodeB.port)?.length ?? 0;
    const callback = await walker.signIn(started.location!, {
      upn: user.account.userPrincipalName,
      password: user.account.password,
    });
    const onB = (proxy.served.get(nodeB.port) ?? []).slice(bServedBefore);
    assert.ok(
      onB.some((line) => line.endsWith('/password')),
      'the password step ran on node B',
    );
    assert.ok(
      onB.some((line) => line.startsWith('GET /oidc/auth/')),
      'the resume ran on node B',
    );
    assert.ok(
      !nodeB.process.output.some((line) => line.includes('agent gateway: agent online')),
      'the agent is held by node A: B relayed the pass-through check',
    );
    const tokens = await rp.callback(callback, pending);
    assert.equal(tokens.claims()?.sub, user.userId);
    assert.equal(tokens.claims()?.iss, `${proxy.url}/oidc`);

    proxy.target = nodeA.port;
    const onA = await rp.refresh(tokens.refresh_token!);
    proxy.target = nodeB.port;
    const again = await rp.refresh(onA.refresh_token!);
    assert.equal(again.claims()?.sub, user.userId);
    proxy.target = nodeA.port;
    await assert.rejects(rp.refresh(onA.refresh_token!), 'a token spent on B is spent on A');
  });

  test('a key rotated on node A is published by node B at once', async () => {
    const rotated = await nodeA.api.post('/api/v1/applications/signing-keys/rotate', {
      activateInMinutes: 0,
    });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.json));
    await eventually(
      async () => {
        const jwks = (await (await fetch(`${nodeB.url}/oidc/jwks`)).json()) as {
          keys: { kid: string }[];
        };
        return jwks.keys.some((key) => key.kid === rotated.json.kid);
      },
      'node B to publish the new key',
      5_000,
    );
  });

  test('node A is killed (SIGKILL) at a seeded point of a sign-in; node B finishes it', async () => {
    const seed = Number(process.env['FERRY_TEST_SEED'] ?? Date.now());
    const killBefore = 1 + (seed % 4); // 1 state, 2 password, 3 resume, 4 code exchange
    console.log(`oidc two nodes: seed ${seed}, node A dies before step ${killBefore}`);
    // Pass-through needs an agent on a node that stays.
    const spare = await system.addAgent({ node: nodeB });
    await system.waitForAgentStatus(spare.agentId, nodeB);
    const user = await syncedLabUser(lab, system);
    const walker = new SignInWalker(new OidcUserAgent(), CALLBACK);
    proxy.target = nodeA.port;
    const pending = await rp.authorizationUrl('openid profile');
    const started = await walker.agent.get(pending.url);
    assert.equal(started.status, 303);
    const uid = /\/api\/v1\/sign-in\/([\w-]+)$/.exec(started.location!)![1]!;
    const at = async (step: number) => {
      if (step === killBefore) {
        await nodeA.process.kill();
        proxy.target = nodeB.port;
        // The agent whose socket died with A counts as online until its heartbeats are
        // missed; the relay's routing (not this test's subject) would wait for it meanwhile.
        const lost = system.agents[0]!.agentId;
        await eventually(
          async () => {
            const { json } = await nodeB.api.get('/api/v1/agents');
            return json.items?.find((item: { id: string }) => item.id === lost)?.online === false;
          },
          'node B to see the agent of the dead node offline',
          20_000,
        );
      }
    };
    await at(1);
    assert.equal((await walker.state(uid, proxy.url)).status, 200);
    await at(2);
    const view = await walker.step(uid, proxy.url, 'password', {
      userPrincipalName: user.account.userPrincipalName,
      password: user.account.password,
    });
    assert.equal(view.status, 200, view.text);
    await at(3);
    const back = await walker.go(view.json.redirectTo);
    assert.equal(back.kind, 'callback');
    await at(4);
    const tokens = await rp.callback((back as { url: string }).url, pending);
    assert.equal(tokens.claims()?.sub, user.userId);
    assert.equal(
      nodeA.process.child.exitCode === null && nodeA.process.child.signalCode === null,
      false,
    );
  });
});
