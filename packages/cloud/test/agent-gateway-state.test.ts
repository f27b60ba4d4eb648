import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  followCloudKeyChain,
  generateEncryptionKeyPair,
  generateSigningKeyPair,
  importKey,
  signProof,
  SIGNING_ALG,
} from '@ferry/protocol';
import type { ApiClient } from './helpers/api-client.js';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';
import { enrollTestAgent, proveAs, rawSession, type TestAgent } from './helpers/raw-agent.js';

/**
 * The agent's state as the gateway sees it (issue 13, item 10): read at proof time, a
 * disabled agent's live socket dropped, and new agent keys taken only when the cloud asked.
 */
for (const backend of backends) {
  describe(`agent gateway and the agent's state on ${backend.name}`, () => {
    let h: Harness;
    let url: string;
    let admin: ApiClient;
    before(async () => {
      h = await Harness.start(backend);
      const address = await h.cloud.server.listen({ host: '127.0.0.1', port: 0 });
      url = `${address.replace('http', 'ws')}/agent/v1/connect`;
      admin = await h.signedIn(h.global);
    });
    after(() => h?.stop());

    async function newAgent(): Promise<TestAgent> {
      const token = (await admin.post('/api/v1/agents/enrollment-tokens')).json.token as string;
      h.secretsUsed.push(token);
      return enrollTestAgent(h, token);
    }

    const nodeOf = async (agentId: string) =>
      (
        await h.cloud.services.db
          .selectFrom('agents')
          .select('node_id')
          .where('id', '=', agentId)
          .executeTakeFirstOrThrow()
      ).node_id;

    test('an agent disabled between hello and proof does not come online', async () => {
      const agent = await newAgent();
      const session = await rawSession(url);
      session.send({
        type: 'hello',
        protocolVersion: 1,
        agentId: agent.agentId,
        agentVersion: 'x',
      });
      const challenge = await session.next();
      assert.equal(challenge.type, 'challenge');
      const disabled = await admin.patch(`/api/v1/agents/${agent.agentId}`, { status: 'disabled' });
      assert.equal(disabled.status, 200);
      session.send({
        type: 'proof',
        jws: await signProof(agent.signingKey, {
          nonce: challenge.type === 'challenge' ? challenge.nonce : '',
          agentId: agent.agentId,
        }),
      });
      const refused = await session.next();
      assert.deepEqual(refused.type === 'refused' && refused.code, 'agent_disabled');
      assert.equal(await session.closed, 4001);
      assert.equal(await nodeOf(agent.agentId), null);
      // Enabled again, it connects.
      await admin.patch(`/api/v1/agents/${agent.agentId}`, { status: 'active' });
      const again = await rawSession(url);
      assert.equal((await proveAs(again, agent.agentId, agent.signingKey)).type, 'accepted');
      again.close();
    });

    test('disabling an online agent closes its socket; it cannot come back', async () => {
      const agent = await newAgent();
      const session = await rawSession(url);
      assert.equal((await proveAs(session, agent.agentId, agent.signingKey)).type, 'accepted');
      await admin.patch(`/api/v1/agents/${agent.agentId}`, { status: 'disabled' });
      assert.equal(await session.closed, 4003);
      const back = await rawSession(url);
      const refused = await proveAs(back, agent.agentId, agent.signingKey);
      assert.deepEqual(refused.type === 'refused' && refused.code, 'agent_disabled');
    });

    test('new agent keys are taken only when the cloud asked for them, once per request', async () => {
      const agent = await newAgent();
      const session = await rawSession(url);
      const accepted = await proveAs(session, agent.agentId, agent.signingKey);
      assert.equal(accepted.type, 'accepted');
      const sessionId = accepted.type === 'accepted' ? accepted.sessionId : '';
      const rotation = async () => {
        const encryption = await generateEncryptionKeyPair();
        const signing = await generateSigningKeyPair();
        const proof = await signProof(await importKey(signing.privateJwk, SIGNING_ALG), {
          nonce: sessionId,
          agentId: agent.agentId,
        });
        return {
          type: 'rotate_keys',
          encryptionKey: encryption.publicJwk,
          signingKey: signing.publicJwk,
          proof,
        };
      };
      const keyOf = async () =>
        (
          await h.cloud.services.db
            .selectFrom('agents')
            .select('signing_key_json')
            .where('id', '=', agent.agentId)
            .executeTakeFirstOrThrow()
        ).signing_key_json;
      const original = await keyOf();
      session.send(await rotation());
      const unasked = await session.nextOf('keys_rotated');
      assert.deepEqual(unasked, {
        type: 'keys_rotated',
        accepted: false,
        reason: 'the cloud did not ask for new keys',
      });
      assert.equal(await keyOf(), original);
      assert.equal((await admin.post(`/api/v1/agents/${agent.agentId}/rotate-keys`)).status, 202);
      await session.nextOf('rotate_keys_request');
      session.send(await rotation());
      assert.equal((await session.nextOf('keys_rotated')).accepted, true);
      const rotated = await keyOf();
      assert.notEqual(rotated, original);
      session.send(await rotation());
      assert.equal(
        (await session.nextOf('keys_rotated')).accepted,
        false,
        'one request, one rotation',
      );
      assert.equal(await keyOf(), rotated);
      session.close();
    });

    test('the cloud signing key rotates: endorsed by the old key, announced to online and later agents', async () => {
      const agent = await newAgent();
      const pinned = h.cloud.services.cloudKeys.current.publicJwk;
      const online = await rawSession(url);
      assert.equal((await proveAs(online, agent.agentId, agent.signingKey)).type, 'accepted');
      const helpdesk = await h.signedIn(h.helpdesk);
      const other = await h.signedIn(h.otherGlobal);
      assert.equal(
        (await helpdesk.post('/api/v1/cloud-signing-key/rotate')).json.error.code,
        'forbidden',
      );
      assert.equal(
        (await other.post('/api/v1/cloud-signing-key/rotate')).json.error.code,
        'forbidden',
      );
      const rotated = await admin.post('/api/v1/cloud-signing-key/rotate');
      assert.equal(rotated.status, 200, rotated.body);
      assert.equal(rotated.json.key.d, undefined);
      const announced = await online.nextOf('cloud_key');
      const newKey = { kty: 'OKP', crv: 'Ed25519', x: rotated.json.key.x };
      assert.deepEqual(followCloudKeyChain(pinned, announced.endorsements), newKey);
      // Operations are signed with the new key from now on; enrollment hands it out.
      assert.equal(h.cloud.services.cloudKeys.current.publicJwk.x, newKey.x);
      const later = await rawSession(url);
      assert.equal((await proveAs(later, agent.agentId, agent.signingKey)).type, 'accepted');
      assert.deepEqual((await later.nextOf('cloud_key')).endorsements, announced.endorsements);
      later.close();
      online.close();
      const actions = (await h.auditRows()).map((row) => `${row.action}:${row.result}`);
      assert.ok(actions.includes('cloud.signing_key_rotated:success'));
    });
  });
}
