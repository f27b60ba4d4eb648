import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateSigningKeyPair, importKey, SIGNING_ALG } from '@ferry/protocol';
import { sqliteBackend } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';
import { enrollTestAgent, proveAs, rawSession, type TestAgent } from './helpers/raw-agent.js';

/**
 * The agent gateway before a proof of key (issue 13, item 9): a small message cap, limits on
 * sockets without a proof (per address and in all), a deadline, one answer whether an agent
 * id exists or not, and nothing written until the proof.
 */
describe('agent gateway before the proof: caps, limits, deadline, no oracle, no writes', () => {
  let h: Harness;
  let url: string;
  let agent: TestAgent;
  before(async () => {
    h = await Harness.start(sqliteBackend, {
      agentPendingPerAddress: 3,
      agentPendingTotal: 5,
      agentHandshakeSeconds: 1,
    });
    const address = await h.cloud.server.listen({ host: '127.0.0.1', port: 0 });
    url = `${address.replace('http', 'ws')}/agent/v1/connect`;
    const admin = await h.signedIn(h.global);
    const token = (await admin.post('/api/v1/agents/enrollment-tokens')).json.token as string;
    h.secretsUsed.push(token);
    agent = await enrollTestAgent(h, token);
  });
  after(() => h?.stop());

  const agentRow = () =>
    h.cloud.services.db
      .selectFrom('agents')
      .selectAll()
      .where('id', '=', agent.agentId)
      .executeTakeFirstOrThrow();

  test('an unknown agent id and a known one with a wrong key get the same answers', async () => {
    const impostor = await generateSigningKeyPair();
    const wrongKey = await importKey(impostor.privateJwk, SIGNING_ALG);
    const answers = [];
    for (const agentId of [agent.agentId, 'no-such-agent-0000']) {
      const session = await rawSession(url);
      session.send({ type: 'hello', protocolVersion: 1, agentId, agentVersion: 'x' });
      const challenge = await session.next();
      assert.equal(challenge.type, 'challenge', agentId);
      session.close();
      const proving = await rawSession(url);
      const refused = await proveAs(proving, agentId, wrongKey);
      assert.equal(await proving.closed, 4001);
      answers.push(
        refused.type === 'refused' ? [refused.code, refused.message.replace(agentId, 'ID')] : [],
      );
    }
    assert.deepEqual(answers[0], ['proof_invalid', answers[0]![1]]);
    assert.deepEqual(answers[1], answers[0]);
  });

  test('nothing is written before the proof: the version of a hello is kept only once proven', async () => {
    const before = await agentRow();
    const session = await rawSession(url);
    const impostor = await importKey((await generateSigningKeyPair()).privateJwk, SIGNING_ALG);
    await proveAs(session, agent.agentId, impostor, 'forged-9.9');
    await session.closed;
    assert.deepEqual(await agentRow(), before);
    const proven = await rawSession(url);
    assert.equal(
      (await proveAs(proven, agent.agentId, agent.signingKey, '1.2.3')).type,
      'accepted',
    );
    const after = await agentRow();
    assert.equal(after.version, '1.2.3');
    assert.ok(after.node_id);
    proven.close();
  });

  test('a message above 64 KiB before the proof closes the socket (1009); after it, it is read', async () => {
    const pad = 'x'.repeat(100 * 1024);
    const early = await rawSession(url);
    early.send({
      type: 'hello',
      protocolVersion: 1,
      agentId: agent.agentId,
      agentVersion: 'x',
      pad,
    });
    assert.equal(await early.closed, 1009);
    const proven = await rawSession(url);
    assert.equal((await proveAs(proven, agent.agentId, agent.signingKey)).type, 'accepted');
    // Unknown fields are dropped: a valid heartbeat of 100 KiB, then a bad message whose
    // refusal shows the socket was still open.
    proven.send({ type: 'heartbeat', sentAt: new Date().toISOString(), pad });
    proven.send({ type: 'no-such-message' });
    const refused = await proven.nextOf('refused');
    assert.equal(refused.code, 'message_invalid');
    assert.equal(await proven.closed, 4001);
  });

  test('sockets without a proof are limited per address (429) and in all (503)', async () => {
    const silent = [await rawSession(url), await rawSession(url), await rawSession(url)];
    await assert.rejects(rawSession(url), /upgrade refused: 429/);
    // A proven socket leaves the count at once.
    assert.equal(
      (await proveAs(silent[0]!, agent.agentId, agent.signingKey)).type,
      'accepted',
      'a proof frees its place',
    );
    const fourth = await rawSession(url);
    const other = { localAddress: '127.0.0.2' };
    const more = [await rawSession(url, other), await rawSession(url, other)];
    await assert.rejects(rawSession(url, other), /upgrade refused: 503/);
    for (const session of [...silent, fourth, ...more]) session.close();
    await Promise.all([...silent, fourth, ...more].map((session) => session.closed));
  });

  test('a socket that does not prove a key in time is closed', async () => {
    const session = await rawSession(url);
    session.send({ type: 'hello', protocolVersion: 1, agentId: agent.agentId, agentVersion: 'x' });
    assert.equal((await session.next()).type, 'challenge');
    const refused = await session.next();
    assert.deepEqual(refused.type === 'refused' && refused.code, 'message_invalid');
    assert.match(refused.type === 'refused' ? refused.message : '', /no proof of identity in time/);
    assert.equal(await session.closed, 4001);
  });
});
