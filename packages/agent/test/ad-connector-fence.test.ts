import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { passwordWriteCount, type LabAccount } from '@ferry/lab';
import { Secret } from '@ferry/protocol';
import { fenceToken, markerIds, readMarker } from '../src/directory/ad/write-marker.js';
import type { ResolvedUser, WriteGuard } from '../src/directory/directory-connector.js';
import { byName, openLab, type LabFixture } from './support/lab.js';

const MARKER = 'msDS-cloudExtensionAttribute20';
const strong = () => Secret.of(`Nw9#${Math.random().toString(36).slice(2, 10)}Qz`);
const soon = () => new Date(Date.now() + 30_000);
/**
 * A write whose expiry check passed before the fence: the agent that was stopped between
 * that check and its modify (issue 12's SIGSTOP scenario) sends it with this guard.
 */
const lateGuard = (operationId: string): WriteGuard => ({ operationId, notAfter: soon() });

describe('The expiry fence: once it lands, no write of the operation can (real Samba AD DC, ADR 0016)', () => {
  let lab: LabFixture;
  before(async () => {
    lab = await openLab();
  });
  after(async () => lab.close());

  const writes = (user: LabAccount) => passwordWriteCount(lab.admin, user.dn);
  const marker = (user: LabAccount) => readMarker(lab.admin, user.dn, MARKER);
  async function resolved(user: LabAccount, connector = lab.connector()): Promise<ResolvedUser> {
    const found = await connector.resolveUser(byName(user));
    assert.ok(found.ok, JSON.stringify(found));
    return found;
  }

  for (const start of ['no marker yet', 'a marker from an earlier write'] as const) {
    test(`the fence lands and the late write is refused by the DC (${start})`, async () => {
      const user = await lab.newUser();
      const [writer, fencer] = [lab.connector(), lab.connector()];
      if (start !== 'no marker yet') {
        const earlier = await writer.reset(
          byName(user),
          strong(),
          { initiator: 'admin' },
          lateGuard(randomUUID()),
        );
        assert.deepEqual(earlier, { code: 'applied' });
      }
      const operationId = randomUUID();
      // The late writer looked the user up (and checked its expiry) before the fence.
      const stale = await resolved(user, writer);
      const before = await writes(user);
      const lastSet = (await resolved(user)).user.passwordLastSetStamp;

      const fence = await fencer.fence(byName(user), operationId, soon());
      assert.deepEqual(fence, { code: 'applied', fence: 'landed' });
      assert.equal(markerIds(await marker(user))[0], fenceToken(operationId));
      // The fence touched no password.
      assert.equal(await writes(user), before);
      assert.equal((await resolved(user)).user.passwordLastSetStamp, lastSet);

      // Woken: its modify deletes the marker value it read, which the fence replaced; it
      // reads the marker, finds the fence, and does not try again.
      const late = await writer.reset(
        stale,
        strong(),
        { initiator: 'admin' },
        lateGuard(operationId),
      );
      assert.equal(late.code, 'expired');
      assert.match('detail' in late ? String(late.detail) : '', /fenced/);
      assert.equal(await writes(user), before);

      // A second fence (the cloud retrying on another agent) leaves one token.
      assert.deepEqual(await fencer.fence(byName(user), operationId, soon()), {
        code: 'applied',
        fence: 'landed',
      });
      const ids = markerIds(await marker(user));
      assert.equal(ids.filter((id) => id === fenceToken(operationId)).length, 1);
    });
  }

  test('the write landed before the fence: the fence answers written and changes nothing', async () => {
    const user = await lab.newUser();
    const [writer, fencer] = [lab.connector(), lab.connector()];
    const operationId = randomUUID();
    const password = strong();
    const written = await writer.reset(
      byName(user),
      password,
      { initiator: 'admin' },
      lateGuard(operationId),
    );
    assert.deepEqual(written, { code: 'applied' });
    const before = await writes(user);
    const value = await marker(user);

    const fence = await fencer.fence(byName(user), operationId, soon());
    assert.deepEqual(fence, { code: 'applied', fence: 'written' });
    assert.equal(await marker(user), value);
    assert.equal(await writes(user), before);
    assert.deepEqual(await writer.verifyCredentials(byName(user), password), { code: 'applied' });
  });

  test('a fence token at the lookup: the agent writes nothing (change and unlock too)', async () => {
    const user = await lab.newUser({ group: 'minAgeZero' });
    const connector = lab.connector();
    const before = await writes(user);
    const reset = randomUUID();
    const change = randomUUID();
    const unlock = randomUUID();
    for (const id of [reset, change, unlock]) {
      assert.deepEqual(await connector.fence(byName(user), id, soon()), {
        code: 'applied',
        fence: 'landed',
      });
    }
    const value = await marker(user);
    const answers = [
      await connector.reset(byName(user), strong(), { initiator: 'admin' }, lateGuard(reset)),
      await connector.change(byName(user), Secret.of(user.password), strong(), lateGuard(change)),
      await connector.unlock(byName(user), lateGuard(unlock)),
    ];
    assert.deepEqual(
      answers.map((answer) => answer.code),
      ['expired', 'expired', 'expired'],
    );
    assert.equal(await writes(user), before);
    assert.equal(await marker(user), value);
    // The fences are for those operations only: another one is written as usual.
    assert.deepEqual(
      await connector.reset(
        byName(user),
        strong(),
        { initiator: 'admin' },
        lateGuard(randomUUID()),
      ),
      { code: 'applied' },
    );
    assert.equal(await writes(user), before + 1);
  });

  test('a fence past its own time sends nothing and says so', async () => {
    const user = await lab.newUser();
    const value = await marker(user);
    const fence = await lab.connector().fence(byName(user), randomUUID(), new Date(Date.now() - 1));
    assert.equal(fence.code, 'outcome_unknown');
    assert.equal(await marker(user), value);
  });

  test('a fence for an unknown user answers user_not_found', async () => {
    const fence = await lab
      .connector()
      .fence(
        { by: 'sAMAccountName', value: `nobody-${randomUUID().slice(0, 8)}` },
        randomUUID(),
        soon(),
      );
    assert.equal(fence.code, 'user_not_found');
  });
});
