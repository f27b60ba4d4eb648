import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hasStagedKeys, loadEnrollment, stageNextKeys, statePaths } from '@ferry/agent';
import {
  generateSigningKeyPair,
  importKey,
  Secret,
  signProof,
  SIGNING_ALG,
  SUPPORTED_AGENT_PROTOCOL,
  type CloudMessage,
} from '@ferry/protocol';
import WebSocket from 'ws';
import { byName, openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { FerrySystem, type AgentHandle } from './support/ferry-system.js';
import { syncedLabUser } from './support/synced-lab-user.js';

/** A hand-driven agent connection, to send what a real agent never would. */
async function rawSession(url: string): Promise<{
  send(m: unknown): void;
  hello(agentId: string, protocolVersion?: number): Promise<CloudMessage>;
  next(): Promise<CloudMessage>;
  nextOf<T extends CloudMessage['type']>(type: T): Promise<Extract<CloudMessage, { type: T }>>;
  closed: Promise<number>;
  close(): void;
}> {
  const socket = new WebSocket(new URL('/agent/v1/connect', url.replace('http', 'ws')));
  const inbox: CloudMessage[] = [];
  const waiting: Array<(message: CloudMessage) => void> = [];
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as CloudMessage;
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const send = (message: unknown): void => socket.send(JSON.stringify(message));
  const next = (): Promise<CloudMessage> =>
    inbox.length > 0
      ? Promise.resolve(inbox.shift()!)
      : new Promise((resolve) => waiting.push(resolve));
  const nextOf = async <T extends CloudMessage['type']>(
    type: T,
  ): Promise<Extract<CloudMessage, { type: T }>> => {
    for (;;) {
      const message = await next();
      if (message.type === type) return message as Extract<CloudMessage, { type: T }>;
    }
  };
  return {
    send,
    next,
    nextOf,
    hello: (agentId: string, protocolVersion = 1) => {
      send({ type: 'hello', protocolVersion, agentId, agentVersion: 'test' });
      return next();
    },
    closed,
    close: () => socket.close(),
  };
}

/** The id inside a signed operation (read without verifying: the test only routes it). */
function operationIdOf(jws: string): string {
  return (JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString()) as { id: string }).id;
}

describe('agent identity on the channel: proof of key, revocation, protocol version, replays', () => {
  let lab: LabFixture;
  let system: FerrySystem;
  let agent: AgentHandle;

  before(async () => {
    lab = await openLab();
    system = new FerrySystem({ lab: lab.state });
    await system.startNode();
    agent = await system.addAgent();
  });
  after(async () => {
    await system?.stop();
    await lab?.close();
  });

  /** A hand-driven session proven with the real agent's own keys (it replaces the agent's). */
  async function sessionAsTheAgent(protocolVersion: number) {
    const { keys } = await loadEnrollment(statePaths(agent.stateDir));
    const session = await rawSession(system.nodes[0]!.url);
    const challenge = await session.hello(agent.agentId, protocolVersion);
    session.send({
      type: 'proof',
      jws: await signProof(keys.signing, {
        nonce: challenge.type === 'challenge' ? challenge.nonce : '',
        agentId: agent.agentId,
      }),
    });
    assert.equal((await session.next()).type, 'accepted');
    return session;
  }

  test('a proof signed with another key is refused (proof_invalid)', async () => {
    const session = await rawSession(system.nodes[0]!.url);
    const challenge = await session.hello(agent.agentId);
    assert.equal(challenge.type, 'challenge');
    const impostor = await generateSigningKeyPair();
    const jws = await signProof(await importKey(impostor.privateJwk, SIGNING_ALG), {
      nonce: challenge.type === 'challenge' ? challenge.nonce : '',
      agentId: agent.agentId,
    });
    session.send({ type: 'proof', jws });
    const refused = await session.next();
    assert.deepEqual(refused.type === 'refused' && refused.code, 'proof_invalid');
    assert.equal(await session.closed, 4001);
  });

  test('a proof over an old nonce (replayed handshake) is refused', async () => {
    const { keys } = await loadEnrollment(statePaths(agent.stateDir));
    const first = await rawSession(system.nodes[0]!.url);
    const old = await first.hello(agent.agentId);
    const replayed = await signProof(keys.signing, {
      nonce: old.type === 'challenge' ? old.nonce : '',
      agentId: agent.agentId,
    });
    first.close();
    const second = await rawSession(system.nodes[0]!.url);
    await second.hello(agent.agentId);
    second.send({ type: 'proof', jws: replayed });
    const refused = await second.next();
    assert.deepEqual(refused.type === 'refused' && refused.code, 'proof_invalid');
  });

  test('an incompatible protocol version is refused with both versions named', async () => {
    const session = await rawSession(system.nodes[0]!.url);
    const refused = await session.hello(agent.agentId, 99);
    assert.equal(refused.type, 'refused');
    assert.ok(
      refused.type === 'refused' &&
        refused.code === 'protocol_incompatible' &&
        refused.message.includes(
          `99, cloud supports ${SUPPORTED_AGENT_PROTOCOL.min}..${SUPPORTED_AGENT_PROTOCOL.max}`,
        ),
      JSON.stringify(refused),
    );
  });

  test('anything before the proof closes the connection', async () => {
    const session = await rawSession(system.nodes[0]!.url);
    session.send({ type: 'claim', operationId: '00000000-0000-4000-8000-000000000000' });
    const refused = await session.next();
    assert.deepEqual(refused.type === 'refused' && refused.code, 'message_invalid');
  });

  test('a replayed result or claim for a finished operation changes nothing', async () => {
    const user = await syncedLabUser(lab, system);
    const answer = await system.api.post(`/api/v1/users/${user.userId}/password`, {
      password: 'Rp!ay-9f3k2Lm-Qx',
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    const row = await system
      .store()
      .db.selectFrom('operations')
      .selectAll()
      .where('target_json', 'like', `%${user.objectGUID}%`)
      .executeTakeFirstOrThrow();
    // Act as the real agent, with its own keys, and replay.
    const session = await sessionAsTheAgent(1);
    session.send({ type: 'claim', operationId: row.id, passwordLastSet: '1' });
    const claim = await session.next();
    assert.deepEqual(claim.type === 'claim_answer' && claim.granted, false);
    session.send({ type: 'result', operationId: row.id, outcome: { code: 'access_denied' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await system
      .store()
      .db.selectFrom('operations')
      .selectAll()
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [after.state, after.outcome_code, after.attempts],
      ['done', 'applied', row.attempts],
    );
    session.close();
    await system.waitForAgentStatus(agent.agentId);
  });

  test('an agent lost after its write: the next attempt finds the operation in the write marker and writes nothing', async () => {
    const user = await syncedLabUser(lab, system);
    const password = 'Lost!Agent-7hQ2x';
    // The real agent sleeps while this session, with its keys, takes its place.
    agent.process.freeze();
    try {
      const session = await sessionAsTheAgent(2);
      const pending = system.api.post(`/api/v1/users/${user.userId}/password`, { password });
      const { jws } = await session.nextOf('operation');
      const operationId = operationIdOf(jws);
      session.send({ type: 'claim', operationId });
      assert.equal((await session.nextOf('claim_answer')).granted, true);
      const seen = await lab.connector().findUser(byName(user.account));
      assert.ok(seen.ok);
      session.send({
        type: 'writing',
        operationId,
        passwordLastSet: seen.user.passwordLastSetStamp,
      });
      // The write lands, guarded as an agent guards it; the agent is lost before it reports.
      const written = await lab
        .connector()
        .reset(
          byName(user.account),
          Secret.of(password),
          { initiator: 'admin' },
          { operationId, notAfter: new Date(Date.now() + 30_000) },
        );
      assert.equal(written.code, 'applied');
      const landed = await lab.connector().findUser(byName(user.account));
      assert.ok(landed.ok);
      session.close();
      agent.process.thaw();
      // The real agent reconnects, takes the retry, finds the id in the marker, writes nothing.
      const answer = await pending;
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      const row = await system
        .store()
        .db.selectFrom('operations')
        .selectAll()
        .where('id', '=', operationId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        [row.state, row.attempts, row.prior_pwd_last_set],
        ['done', 2, seen.user.passwordLastSetStamp],
      );
      const after = await lab.connector().findUser(byName(user.account));
      assert.equal(after.ok && after.user.passwordLastSetStamp, landed.user.passwordLastSetStamp);
    } finally {
      agent.process.thaw();
    }
    await system.waitForAgentStatus(agent.agentId);
  });

  test('a connection replaced by a newer one of the same agent hands its operations back', async () => {
    const user = await syncedLabUser(lab, system);
    agent.process.freeze();
    try {
      const first = await sessionAsTheAgent(2);
      const pending = system.api.post(`/api/v1/users/${user.userId}/password`, {
        password: 'Repl!aced-8kQ2x',
      });
      const operationId = operationIdOf((await first.nextOf('operation')).jws);
      first.send({ type: 'claim', operationId });
      assert.equal((await first.nextOf('claim_answer')).granted, true);
      // The agent reconnects before its write: the agent writes only on the connection its
      // claim was granted on, so the cloud must give the operation out again.
      const second = await sessionAsTheAgent(2);
      assert.equal(await first.closed, 4000);
      assert.equal(operationIdOf((await second.nextOf('operation')).jws), operationId);
      second.close();
      agent.process.thaw();
      const answer = await pending;
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
    } finally {
      agent.process.thaw();
    }
    await system.waitForAgentStatus(agent.agentId);
  });

  test('keys rotate without downtime: the agent keeps serving, the old key no longer proves', async () => {
    const before = await loadEnrollment(statePaths(agent.stateDir));
    const rowBefore = await system
      .store()
      .db.selectFrom('agents')
      .selectAll()
      .where('id', '=', agent.agentId)
      .executeTakeFirstOrThrow();
    const requested = await system.api.post(`/api/v1/agents/${agent.agentId}/rotate-keys`);
    assert.equal(requested.status, 202);
    await agent.process.waitFor(/agent channel: keys rotated/);
    const rowAfter = await system
      .store()
      .db.selectFrom('agents')
      .selectAll()
      .where('id', '=', agent.agentId)
      .executeTakeFirstOrThrow();
    assert.notEqual(rowAfter.signing_key_json, rowBefore.signing_key_json);
    assert.notEqual(rowAfter.encryption_key_json, rowBefore.encryption_key_json);
    assert.ok(rowAfter.keys_rotated_at);
    // Same session, new keys: an operation is encrypted to the new key and applied.
    const user = await syncedLabUser(lab, system);
    const answer = await system.api.post(`/api/v1/users/${user.userId}/password`, {
      password: 'R0tated!-kq8Zm3x',
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    // The old signing key is retired.
    const session = await rawSession(system.nodes[0]!.url);
    const challenge = await session.hello(agent.agentId);
    session.send({
      type: 'proof',
      jws: await signProof(before.keys.signing, {
        nonce: challenge.type === 'challenge' ? challenge.nonce : '',
        agentId: agent.agentId,
      }),
    });
    const refused = await session.next();
    assert.deepEqual(refused.type === 'refused' && refused.code, 'proof_invalid');
    // A restarted agent proves with the new key from its state folder.
    await agent.process.stop();
    agent = await agent.restart();
    await system.waitForAgentStatus(agent.agentId);
  });

  test('a rotation interrupted after the cloud took the new keys is finished at the next connect', async () => {
    await agent.process.stop();
    // As if the agent died right after the cloud accepted its staged keys.
    const paths = statePaths(agent.stateDir);
    const staged = await stageNextKeys(paths);
    await system
      .store()
      .db.updateTable('agents')
      .set({
        encryption_key_json: JSON.stringify(staged.encryption.publicJwk),
        signing_key_json: JSON.stringify(staged.signing.publicJwk),
      })
      .where('id', '=', agent.agentId)
      .execute();
    agent = await agent.restart();
    await agent.process.waitFor(/finished an interrupted key rotation/);
    assert.equal(hasStagedKeys(paths), false);
    const user = await syncedLabUser(lab, system);
    const answer = await system.api.post(`/api/v1/users/${user.userId}/password`, {
      password: 'Rec0vered!-Kx2p9',
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
  });

  test('a removed agent is disconnected and cannot come back (proof_invalid, as any unknown id)', async () => {
    const removed = await system.api.delete(`/api/v1/agents/${agent.agentId}`);
    assert.equal(removed.status, 204);
    await agent.process.waitFor(/"code":"proof_invalid"/);
  });

  test('an enrollment token works once', async () => {
    const token = (await system.api.post('/api/v1/agents/enrollment-tokens')).json.token as string;
    const keysOf = async () => {
      const { generateEncryptionKeyPair } = await import('@ferry/protocol');
      return {
        encryption: await generateEncryptionKeyPair(),
        signing: await generateSigningKeyPair(),
      };
    };
    const enroll = async () => {
      const keys = await keysOf();
      return fetch(new URL('/api/v1/agents/enroll', system.nodes[0]!.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          token,
          name: 'once',
          hostname: 'host',
          agentVersion: '0.1.0',
          protocolVersion: 1,
          encryptionKey: keys.encryption.publicJwk,
          signingKey: keys.signing.publicJwk,
        }),
      });
    };
    assert.equal((await enroll()).status, 201);
    const second = await enroll();
    assert.equal(second.status, 401);
    assert.equal(
      ((await second.json()) as { error: { code: string } }).error.code,
      'enrollment_token_invalid',
    );
  });
});
