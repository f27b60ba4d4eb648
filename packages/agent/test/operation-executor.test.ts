import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  encryptSecrets,
  generateEncryptionKeyPair,
  importKey,
  Secret,
  type OperationRequest,
  type OperationKind,
} from '@ferry/protocol';
import type { CryptoKey } from 'jose';
import { OperationJournal } from '../src/state/operation-journal.js';
import { OperationExecutor } from '../src/writeback/operation-executor.js';
import { byName, openLab, type LabFixture } from './support/lab.js';

describe('operation executor: exactly-once writeback against the lab DC', () => {
  let lab: LabFixture;
  let encryptTo: CryptoKey;
  let decryptWith: CryptoKey;
  before(async () => {
    lab = await openLab();
    const pair = await generateEncryptionKeyPair();
    encryptTo = await importKey(pair.publicJwk, 'RSA-OAEP-256');
    decryptWith = await importKey(pair.privateJwk, 'RSA-OAEP-256');
  });
  after(async () => lab.close());

  /**
   * The executor against the lab DC, with a hand-played cloud connection: `grantedOn` and
   * `announcedOn` say which connection the claim and the stamp went over (undefined: refused,
   * or no connection), `connected` whether that connection is still up at the write.
   */
  function setup(
    options: {
      writeback?: boolean;
      unlock?: boolean;
      grantedOn?: number | undefined;
      announcedOn?: number | undefined;
      connected?: boolean;
    } = {},
  ) {
    const journal = new OperationJournal(
      path.join(mkdtempSync(path.join(tmpdir(), 'exec-')), 'journal.jsonl'),
    );
    const claims: string[] = [];
    /** The stamps the cloud was told before each write. */
    const announced: Array<{ id: string; stamp: string | undefined }> = [];
    const executor = new OperationExecutor({
      connector: lab.connector(),
      journal,
      decryptionKeys: () => [decryptWith],
      passwordWritebackEnabled: () => options.writeback ?? true,
      accountUnlockEnabled: () => options.unlock ?? true,
      clock: { now: () => new Date() },
      claim: async (id) => {
        claims.push(id);
        return 'grantedOn' in options ? options.grantedOn : 1;
      },
      announceWrite: (id, seen) => {
        announced.push({ id, stamp: seen });
        return 'announcedOn' in options ? options.announcedOn : 1;
      },
      isConnected: () => options.connected ?? true,
    });
    return { executor, journal, claims, announced };
  }

  async function operation(
    kind: OperationKind,
    sAMAccountName: string,
    secrets: { newPassword?: string; currentPassword?: string },
    overrides: Partial<OperationRequest> = {},
  ): Promise<OperationRequest> {
    const base = {
      id: randomUUID(),
      expiresAt: new Date(Date.now() + 30_000).toISOString(),
      ...overrides,
    };

    return {
      kind,
      tenantId: 'default',
      agentId: 'agent-test',
      target: { by: 'sAMAccountName', value: sAMAccountName },
      options: {},
      issuedAt: new Date().toISOString(),
      secrets: await encryptSecrets(encryptTo, base, {
        newPassword: secrets.newPassword ? Secret.of(secrets.newPassword) : undefined,
        currentPassword: secrets.currentPassword ? Secret.of(secrets.currentPassword) : undefined,
      }),
      ...base,
    } as OperationRequest;
  }

  async function stamp(sAMAccountName: string): Promise<string> {
    const found = await lab.connector().findUser({ by: 'sAMAccountName', value: sAMAccountName });
    assert.ok(found.ok);
    return found.user.passwordLastSetStamp;
  }

  test('admin reset applies once; a replay returns the journaled outcome without writing again', async () => {
    const user = await lab.newUser();
    const before = await stamp(user.sAMAccountName);
    const { executor, claims, announced } = setup();
    const op = await operation('admin_reset', user.sAMAccountName, {
      newPassword: 'Exec!0nce-Ab12',
    });
    assert.deepEqual(await executor.execute(op), { code: 'applied' });
    // The cloud was told the stamp as it was before the write (and, below, no announcement
    // means no write).
    assert.deepEqual(announced, [{ id: op.id, stamp: before }]);
    const afterFirst = await stamp(user.sAMAccountName);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(await executor.execute(op), { code: 'applied' });
    assert.equal(await stamp(user.sAMAccountName), afterFirst, 'the replay wrote again');
    assert.deepEqual(claims, [op.id]);
    assert.equal(
      (await lab.connector().verifyCredentials(byName(user), Secret.of('Exec!0nce-Ab12'))).code,
      'applied',
    );
  });

  test('a redelivery while the first run is still going waits for it: one claim, one write', async () => {
    const user = await lab.newUser();
    const { executor, claims } = setup();
    const op = await operation('admin_reset', user.sAMAccountName, {
      newPassword: 'Twice!Deliv-Ab12',
    });
    const [first, second] = await Promise.all([executor.execute(op), executor.execute(op)]);
    assert.deepEqual([first, second], [{ code: 'applied' }, { code: 'applied' }]);
    assert.deepEqual(claims, [op.id], 'the second run found the outcome in the journal');
  });

  test('a fence (v4) runs without a claim; the fenced operation is then refused here too', async () => {
    const user = await lab.newUser();
    const before = await stamp(user.sAMAccountName);
    const { executor, claims } = setup();
    const lapsed = await operation('admin_reset', user.sAMAccountName, {
      newPassword: 'Fenced!Out-Ab12',
    });
    const fence = await operation('fence', user.sAMAccountName, {}, {});
    const fenceOp = { ...fence, options: { fences: lapsed.id } } as OperationRequest;
    delete (fenceOp as { secrets?: string }).secrets;
    assert.deepEqual(await executor.execute(fenceOp), { code: 'applied', fence: 'landed' });
    assert.deepEqual(claims, [], 'a fence is not claimed');
    // The lapsed operation delivered late (its agent woken): claimed, looked up, not written.
    assert.equal((await executor.execute(lapsed))?.code, 'expired');
    assert.equal(await stamp(user.sAMAccountName), before);
    // With writeback off on this agent, it does not fence either.
    const off = setup({ writeback: false });
    assert.deepEqual(await off.executor.execute({ ...fenceOp, id: randomUUID() }), {
      code: 'writeback_disabled',
      scope: 'agent',
    });
  });

  test('an expired operation is never applied', async () => {
    const user = await lab.newUser();
    const before = await stamp(user.sAMAccountName);
    const { executor } = setup();
    const op = await operation(
      'admin_reset',
      user.sAMAccountName,
      { newPassword: 'Too!Late-Ab12' },
      {
        expiresAt: new Date(Date.now() - 1).toISOString(),
      },
    );
    assert.equal((await executor.execute(op))?.code, 'expired');
    assert.equal(await stamp(user.sAMAccountName), before);
  });

  test("the agent's own writeback switch off: writeback_disabled (agent), nothing written", async () => {
    const user = await lab.newUser();
    const before = await stamp(user.sAMAccountName);
    const { executor } = setup({ writeback: false });
    const op = await operation('sspr_reset', user.sAMAccountName, {
      newPassword: 'Off!Switch-Ab12',
    });
    assert.deepEqual(await executor.execute(op), { code: 'writeback_disabled', scope: 'agent' });
    assert.equal(await stamp(user.sAMAccountName), before);
  });

  test("the agent's accountUnlock option off: unlock_disabled, nothing claimed; resets still go through", async () => {
    const user = await lab.newUser();
    const { executor, claims } = setup({ unlock: false });
    const unlock = await operation('unlock', user.sAMAccountName, {});
    assert.deepEqual(await executor.execute(unlock), {
      code: 'unlock_disabled',
      detail: "this agent's accountUnlock option is off",
    });
    assert.deepEqual(claims, []);
    const reset = await operation('admin_reset', user.sAMAccountName, {
      newPassword: 'Unl0ck!Off-Ab12',
    });
    assert.deepEqual(await executor.execute(reset), { code: 'applied' });
  });

  test('secrets lifted from another operation are rejected', async () => {
    const user = await lab.newUser();
    const { executor } = setup();
    const donor = await operation('admin_reset', user.sAMAccountName, {
      newPassword: 'Stolen!Ab12-x',
    });
    const op = await operation('admin_reset', user.sAMAccountName, { newPassword: 'Own!Ab12-xyz' });
    const outcome = await executor.execute({ ...op, secrets: donor.secrets });
    assert.equal(outcome?.code, 'operation_rejected');
  });

  test('the cloud cannot be told the stamp (its socket is gone): no write and no result', async () => {
    const user = await lab.newUser();
    const before = await stamp(user.sAMAccountName);
    const { executor, journal } = setup({ announcedOn: undefined });
    const op = await operation('admin_reset', user.sAMAccountName, {
      newPassword: 'Unheard!Ab12-x',
    });
    assert.equal(await executor.execute(op), undefined);
    assert.equal(await stamp(user.sAMAccountName), before);
    assert.equal(journal.state(op.id).phase, 'unknown', 'a redelivery claims afresh');
  });

  test('granted on a connection that then dropped: no write, whatever connection comes next', async () => {
    for (const connection of [
      { grantedOn: 1, announcedOn: 2 },
      { grantedOn: 1, announcedOn: 1, connected: false },
    ]) {
      const user = await lab.newUser();
      const before = await stamp(user.sAMAccountName);
      const { executor } = setup(connection);
      const op = await operation('admin_reset', user.sAMAccountName, {
        newPassword: 'Dropped!Ab12-x',
      });
      assert.equal(await executor.execute(op), undefined, JSON.stringify(connection));
      assert.equal(await stamp(user.sAMAccountName), before, JSON.stringify(connection));
    }
  });

  test('claim refused (another agent holds it): no write and no result', async () => {
    const user = await lab.newUser();
    const before = await stamp(user.sAMAccountName);
    const { executor } = setup({ grantedOn: undefined });
    const op = await operation('admin_reset', user.sAMAccountName, {
      newPassword: 'Not!Mine-Ab12',
    });
    assert.equal(await executor.execute(op), undefined);
    assert.equal(await stamp(user.sAMAccountName), before);
  });

  test('a retry after another agent already wrote reports applied without writing twice', async () => {
    const user = await lab.newUser();
    const seenByFirstAgent = await stamp(user.sAMAccountName);
    const { executor, claims } = setup();
    const op = await operation(
      'admin_reset',
      user.sAMAccountName,
      { newPassword: 'First!Agent-Ab12' },
      {},
    );
    // The first agent's write landed (carrying the operation in the marker), then it died
    // before reporting.
    await lab
      .connector()
      .reset(
        byName(user),
        Secret.of('First!Agent-Ab12'),
        { initiator: 'admin' },
        { operationId: op.id, notAfter: new Date(op.expiresAt) },
      );
    const landed = await stamp(user.sAMAccountName);
    assert.deepEqual(await executor.execute({ ...op, priorPasswordLastSet: seenByFirstAgent }), {
      code: 'applied',
    });
    assert.equal(await stamp(user.sAMAccountName), landed);
    assert.deepEqual(claims, [op.id], 'the retry claims before it answers');
  });

  test('a retry whose stamp moved for another reason still writes: the marker, not the stamp, decides', async () => {
    const user = await lab.newUser();
    const seen = await stamp(user.sAMAccountName);
    // Someone else (not this operation) reset the password meanwhile.
    await lab
      .connector()
      .reset(byName(user), Secret.of('Other!Write-Ab12'), { initiator: 'admin' });
    const { executor } = setup();
    const op = await operation('admin_reset', user.sAMAccountName, {
      newPassword: 'Mine!Landed-Ab12',
    });
    assert.deepEqual(await executor.execute({ ...op, priorPasswordLastSet: seen }), {
      code: 'applied',
    });
    assert.deepEqual(
      await lab.connector().verifyCredentials(byName(user), Secret.of('Mine!Landed-Ab12')),
      { code: 'applied' },
    );
  });

  test('a retry when the first attempt did not land applies it', async () => {
    const user = await lab.newUser();
    const seen = await stamp(user.sAMAccountName);
    const { executor } = setup();
    const op = await operation('admin_reset', user.sAMAccountName, {
      newPassword: 'Second!Try-Ab12',
    });
    assert.deepEqual(await executor.execute({ ...op, priorPasswordLastSet: seen }), {
      code: 'applied',
    });
    assert.notEqual(await stamp(user.sAMAccountName), seen);
  });

  test('change, unlock and credential check go through with their outcomes', async () => {
    const user = await lab.newUser({ group: 'minAgeZero' });
    const { executor } = setup();
    const change = await operation('change', user.sAMAccountName, {
      currentPassword: user.password,
      newPassword: 'Chang3d!-Ab12',
    });
    assert.deepEqual(await executor.execute(change), { code: 'applied' });
    const wrong = await operation('verify_credentials', user.sAMAccountName, {
      currentPassword: user.password,
    });
    assert.equal((await executor.execute(wrong))?.code, 'invalid_credentials');
    const right = await operation('verify_credentials', user.sAMAccountName, {
      currentPassword: 'Chang3d!-Ab12',
    });
    assert.deepEqual(await executor.execute(right), { code: 'applied' });
    const unlock = await operation('unlock', user.sAMAccountName, {});
    assert.deepEqual(await executor.execute(unlock), { code: 'applied' });
  });

  test("read_policy answers the user's resultant policy, claims nothing and writes nothing", async () => {
    const member = await lab.newUser({ group: 'minAgeZero' });
    const plain = await lab.newUser();
    const { executor, claims } = setup();
    const pso = await executor.execute(await operation('read_policy', member.sAMAccountName, {}));
    assert.equal(pso?.code, 'user_policy');
    assert.equal(pso.code === 'user_policy' && pso.policy.minAgeSeconds, 0);
    assert.equal(pso.code === 'user_policy' && pso.policy.minLength, 7);
    const domain = await executor.execute(await operation('read_policy', plain.sAMAccountName, {}));
    assert.equal(domain?.code === 'user_policy' && domain.policy.minAgeSeconds, 86_400);
    assert.equal(claims.length, 0, 'a read is never claimed');
    const missing = await executor.execute(await operation('read_policy', 'nobody-here-42', {}));
    assert.equal(missing?.code, 'user_not_found');
  });
});
