import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { passwordWriteCount, type LabAccount } from '@ferry/lab';
import { Secret } from '@ferry/protocol';
import { mayWriteMarker, readMarker } from '../src/directory/ad/write-marker.js';
import type { ResolvedUser, WriteGuard } from '../src/directory/directory-connector.js';
import { CuttingProxy } from './support/cutting-proxy.js';
import { byName, openLab, type LabFixture } from './support/lab.js';

const MARKER = 'msDS-cloudExtensionAttribute20';
const strong = () => Secret.of(`Nw9#${Math.random().toString(36).slice(2, 10)}Qz`);
const guardOf = (operationId = randomUUID()): WriteGuard => ({
  operationId,
  notAfter: new Date(Date.now() + 30_000),
});

describe('Writes at most once per operation: the write marker (real Samba AD DC, ADR 0011)', () => {
  let lab: LabFixture;
  before(async () => {
    lab = await openLab();
  });
  after(async () => lab.close());

  const writes = (user: LabAccount) => passwordWriteCount(lab.admin, user.dn);
  async function resolved(user: LabAccount, connector = lab.connector()): Promise<ResolvedUser> {
    const found = await connector.resolveUser(byName(user));
    assert.ok(found.ok, JSON.stringify(found));
    return found;
  }

  test('a reset carries its operation id in the marker; a retry of it writes nothing', async () => {
    const user = await lab.newUser();
    const connector = lab.connector();
    const before = await writes(user);
    const guard = guardOf();
    const stale = await resolved(user, connector);
    const password = strong();
    const first = await connector.reset(stale, password, { initiator: 'admin' }, guard);
    assert.deepEqual(first, { code: 'applied' });
    assert.equal(await writes(user), before + 1);
    assert.ok((await readMarker(lab.admin, user.dn, MARKER))?.includes(guard.operationId));
    // A retry from the lookup made before the write (the window of issue 12): the marker
    // it would delete is gone, so the DC refuses the whole modify; the agent reads the
    // marker again, finds the id, and answers applied.
    const again = await connector.reset(stale, strong(), { initiator: 'admin' }, guard);
    assert.deepEqual(again, { code: 'applied' });
    // And from a fresh lookup: the marker already names the operation.
    const fresh = await connector.reset(byName(user), strong(), { initiator: 'admin' }, guard);
    assert.deepEqual(fresh, { code: 'applied' });
    assert.equal(await writes(user), before + 1);
    assert.deepEqual(await connector.verifyCredentials(byName(user), password), {
      code: 'applied',
    });
  });

  test('two agents racing on one operation from the same lookup: one write, both say applied', async () => {
    const user = await lab.newUser();
    const before = await writes(user);
    const guard = guardOf();
    const [agentA, agentB] = [lab.connector(), lab.connector()];
    const [seenA, seenB] = await Promise.all([resolved(user, agentA), resolved(user, agentB)]);
    const answers = await Promise.all([
      agentA.reset(seenA, strong(), { initiator: 'admin' }, guard),
      agentB.reset(seenB, strong(), { initiator: 'admin' }, guard),
    ]);
    assert.deepEqual(answers, [{ code: 'applied' }, { code: 'applied' }]);
    assert.equal(await writes(user), before + 1);
  });

  test('different operations on one user from stale lookups are each written once', async () => {
    const user = await lab.newUser();
    const connector = lab.connector();
    const before = await writes(user);
    const stale = await resolved(user, connector);
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() => connector.reset(stale, strong(), { initiator: 'admin' }, guardOf())),
    );
    assert.deepEqual(
      answers.map((answer) => answer.code),
      ['applied', 'applied', 'applied', 'applied'],
    );
    assert.equal(await writes(user), before + 4);
  });

  test('change (old + new) and unlock carry the marker too; a retry writes nothing', async () => {
    const user = await lab.newUser({ group: 'minAgeZero' });
    const connector = lab.connector();
    const before = await writes(user);
    const guard = guardOf();
    const stale = await resolved(user, connector);
    const next = strong();
    const current = Secret.of(user.password);
    assert.deepEqual(await connector.change(stale, current, next, guard), { code: 'applied' });
    assert.deepEqual(await connector.change(stale, current, next, guard), { code: 'applied' });
    assert.equal(await writes(user), before + 1);
    const wrong = await connector.change(
      byName(user),
      Secret.of('Not-the-0ne!'),
      strong(),
      guardOf(),
    );
    assert.equal(wrong.code, 'wrong_current_password');
    assert.equal(await writes(user), before + 1);

    const unlock = guardOf();
    assert.deepEqual(await connector.unlock(byName(user), unlock), { code: 'applied' });
    assert.ok((await readMarker(lab.admin, user.dn, MARKER))?.includes(unlock.operationId));
    assert.equal(await writes(user), before + 1);
  });

  test('a reset with must-change at next logon (pwdLastSet 0) is guarded in the same modify', async () => {
    const user = await lab.newUser();
    const connector = lab.connector();
    const before = await writes(user);
    const guard = guardOf();
    const stale = await resolved(user, connector);
    const options = { initiator: 'admin', mustChangeAtNextLogon: true } as const;
    assert.deepEqual(await connector.reset(stale, strong(), options, guard), { code: 'applied' });
    assert.deepEqual(await connector.reset(stale, strong(), options, guard), { code: 'applied' });
    assert.equal(await writes(user), before + 1);
    const found = await connector.findUser(byName(user));
    assert.ok(found.ok && found.user.mustChangePassword);
  });

  test('an expired operation sends nothing and says expired', async () => {
    const user = await lab.newUser();
    const before = await writes(user);
    const outcome = await lab.connector().reset(
      byName(user),
      strong(),
      { initiator: 'admin' },
      {
        operationId: randomUUID(),
        notAfter: new Date(Date.now() - 1),
      },
    );
    assert.equal(outcome.code, 'expired');
    assert.equal(await writes(user), before);
  });

  test('the answer to a sent write is lost: the agent finds its id and answers applied, once', async () => {
    const user = await lab.newUser();
    const proxy = await CuttingProxy.start(Number(new URL(lab.state.ldapsUrl).port || 636));
    try {
      const connector = lab.connector({ urls: [proxy.url], poolSize: 1 });
      const stale = await resolved(user, connector);
      const before = await writes(user);
      proxy.arm();
      const outcome = await connector.reset(stale, strong(), { initiator: 'admin' }, guardOf());
      assert.equal(proxy.cuts, 1);
      assert.deepEqual(outcome, { code: 'applied' });
      assert.equal(await writes(user), before + 1);
    } finally {
      await proxy.close();
    }
  });

  test('the answer is lost and the DC cannot be reached again: outcome_unknown, never a guess', async () => {
    const user = await lab.newUser();
    const proxy = await CuttingProxy.start(Number(new URL(lab.state.ldapsUrl).port || 636));
    try {
      const connector = lab.connector({ urls: [proxy.url], poolSize: 1, connectTimeoutMs: 1_000 });
      const stale = await resolved(user, connector);
      const before = await writes(user);
      proxy.arm();
      proxy.refuseNew = true;
      const outcome = await connector.reset(stale, strong(), { initiator: 'admin' }, guardOf());
      assert.equal(outcome.code, 'outcome_unknown', JSON.stringify(outcome));
      // It did land (the DC got the modify); the caller was told "may have been applied".
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      assert.equal(await writes(user), before + 1);
    } finally {
      await proxy.close();
    }
  });

  test('the service account may write the marker on delegated users only (for the doctor)', async () => {
    const service = lab.connector();
    const user = await lab.newUser();
    const olga = lab.state.users['olga']!;
    const [onStaff, onOutside] = await service.withServiceConnection(async (client) => [
      await mayWriteMarker(client, user.dn, MARKER),
      await mayWriteMarker(client, olga.dn, MARKER),
    ]);
    assert.equal(onStaff, true);
    assert.equal(onOutside, false);
    const noRights = lab.connector({
      bindDn: lab.state.noRightsAccount.dn,
      bindPassword: Secret.of(lab.state.noRightsAccount.password),
    });
    assert.equal(
      await noRights.withServiceConnection((client) => mayWriteMarker(client, user.dn, MARKER)),
      false,
    );
  });
});
