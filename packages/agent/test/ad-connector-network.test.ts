import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Secret } from '@ferry/protocol';
import { byName, openLab, type LabFixture } from './support/lab.js';

/** A TCP port that accepts connections and never says a word: a hung domain controller. */
async function silentServer(): Promise<{ server: Server; url: string }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { server, url: `ldaps://127.0.0.1:${address.port}` };
}

/** A port nothing listens on. */
async function closedPortUrl(): Promise<string> {
  const { server, url } = await silentServer();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return url;
}

describe('AD connector network behaviour: failover, TLS verification, timeouts, pool', () => {
  let lab: LabFixture;
  let hung: { server: Server; url: string };
  before(async () => {
    lab = await openLab();
    hung = await silentServer();
  });
  after(async () => {
    await lab.close();
    hung.server.close();
  });

  test('no reachable DC: directory_unavailable naming each DC tried', async () => {
    const dead = await closedPortUrl();
    const connector = lab.connector({ urls: [dead], connectTimeoutMs: 1_000 });
    const outcome = await connector.reset(
      { by: 'sAMAccountName', value: 'alice' },
      Secret.of('Xy7!abcdefg'),
      {
        initiator: 'admin',
      },
    );
    assert.equal(outcome.code, 'directory_unavailable');
    assert.ok('detail' in outcome && outcome.detail?.includes(dead), JSON.stringify(outcome));
  });

  test('fails over to the next DC when the first refuses connections', async () => {
    const user = await lab.newUser();
    const dead = await closedPortUrl();
    const connector = lab.connector({ urls: [dead, lab.state.ldapsUrl], connectTimeoutMs: 1_000 });
    const password = Secret.of('Fo7!failover-ok');
    assert.deepEqual(await connector.reset(byName(user), password, { initiator: 'admin' }), {
      code: 'applied',
    });
    assert.deepEqual(await connector.verifyCredentials(byName(user), password), {
      code: 'applied',
    });
  });

  test('a DC that accepts but never answers times out and the next DC serves', async () => {
    const connector = lab.connector({
      urls: [hung.url, lab.state.ldapsUrl],
      connectTimeoutMs: 500,
      operationTimeoutMs: 500,
    });
    const found = await connector.findUser({ by: 'sAMAccountName', value: 'alice' });
    assert.ok(found.ok, JSON.stringify(found));
  });

  test('a hung DC alone gives directory_unavailable within the timeout, not a hang', async () => {
    const connector = lab.connector({
      urls: [hung.url],
      connectTimeoutMs: 300,
      operationTimeoutMs: 300,
    });
    const outcome = await connector.verifyCredentials(
      { by: 'sAMAccountName', value: 'alice' },
      Secret.of('x-Y-1-z!'),
    );
    assert.equal(outcome.code, 'directory_unavailable');
  });

  test('certificate verification is on: without the lab CA the DC is not trusted', async () => {
    const connector = lab.connector({ caFile: undefined });
    const outcome = await connector.unlock({ by: 'sAMAccountName', value: 'alice' });
    assert.equal(outcome.code, 'directory_unavailable');
    assert.match(('detail' in outcome && outcome.detail) || '', /certificate/i);
  });

  test('dialling the DC by a name in its certificate (localhost) verifies', async () => {
    const byLocalhost = lab.connector({ urls: ['ldaps://localhost:636'] });
    assert.ok((await byLocalhost.findUser({ by: 'sAMAccountName', value: 'alice' })).ok);
  });

  test('wrong service account password: a clear directory outcome, not a crash', async () => {
    const connector = lab.connector({ bindPassword: Secret.of('not-the-service-password') });
    const outcome = await connector.unlock({ by: 'sAMAccountName', value: 'alice' });
    assert.equal(outcome.code, 'invalid_credentials');
  });

  test('concurrent operations share at most poolSize service connections', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => lab.newUser()));
    const connector = lab.connector({ poolSize: 2 });
    let maxOpen = 0;
    const sampler = setInterval(() => {
      maxOpen = Math.max(maxOpen, connector.openServiceConnections);
    }, 1);
    const outcomes = await Promise.all(
      users.map((user, index) =>
        connector.reset(byName(user), Secret.of(`Pool!${index}-ab12XY`), { initiator: 'admin' }),
      ),
    );
    clearInterval(sampler);
    assert.equal(maxOpen, 2);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.code),
      Array(6).fill('applied'),
    );
    for (const [index, user] of users.entries()) {
      assert.equal(
        (await connector.verifyCredentials(byName(user), Secret.of(`Pool!${index}-ab12XY`))).code,
        'applied',
      );
    }
  });
});
