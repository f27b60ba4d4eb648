import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { labClient, replace } from '@ferry/lab';
import { Attribute, Change } from 'ldapts';
import { syncBatchSchema, type SyncBatch, type SyncCursor } from '@ferry/protocol';
import { SyncReader } from '../src/sync/index.js';
import { dialects, openDirectoryLab, type DirectoryLab } from './support/directory-lab.js';
import { deletesOf, upsertsOf, type SyncOus } from './support/sync-ou.js';

const peer = (dialect: string) => (dialect === 'ad' ? 'real Samba AD DC' : 'real OpenLDAP slapd');

/**
 * The sync contract, run against both lab directories: AD finds changes by uSNChanged and
 * tombstones, OpenLDAP by its accesslog; the batches the cloud gets are the same. Tests of
 * one dialect's own mechanism are registered for that dialect only.
 */
for (const dialect of dialects)
  describe(`${dialect} sync deltas: each change in the directory shows in the next delta (${peer(dialect)})`, () => {
    let lab: DirectoryLab;
    let ous: SyncOus;
    let reader: SyncReader;
    /**
     * Reading AD tombstones needs List Contents + Read Property on CN=Deleted Objects, which
     * the lab does not delegate to svc-ferry (yet): the delete tests read as the lab's admin.
     * (OpenLDAP's service account reads the accesslog.)
     */
    let adminReader: SyncReader;

    before(async () => {
      lab = await openDirectoryLab(dialect);
      ous = await lab.syncOus();
      const scope = { includeOus: [ous.root], excludeOus: [ous.out] };
      reader = new SyncReader(lab.connector(), scope);
      adminReader = new SyncReader(lab.connector(lab.adminBind), scope);
    });
    after(async () => {
      await ous.remove();
      await lab.close();
    });

    const cursorNow = async (): Promise<SyncCursor> => (await reader.preview(null)).result.toCursor;

    async function delta(cursor: SyncCursor, by = reader): Promise<SyncBatch[]> {
      const batches: SyncBatch[] = [];
      const result = await by.delta(cursor, async (batch) => {
        batches.push(syncBatchSchema.parse(batch));
      });
      assert.equal(result.mode, 'delta');
      assert.equal(batches.at(-1)?.final, true);
      return batches;
    }

    async function userInA(options?: Parameters<DirectoryLab['newUser']>[0]) {
      const account = await lab.newUser(options);
      const dn = await ous.place(account, ous.inA);
      const cursor = await cursorNow();
      const found = (await reader.preview(null)).batches
        .flatMap((batch) => batch.upserts)
        .find((user) => user.sAMAccountName === account.sAMAccountName);
      assert.ok(found, 'the user placed in scope is in a full read');
      return { account, dn, anchor: found.sourceAnchor, cursor };
    }

    test('create: a new user in scope is an upsert', async () => {
      const cursor = await cursorNow();
      const account = await lab.newUser({ givenName: 'New', sn: 'Comer' });
      const dn = await ous.place(account, ous.inA);
      const batches = await delta(cursor);
      const user = upsertsOf(batches).find((u) => u.sAMAccountName === account.sAMAccountName);
      assert.ok(user);
      assert.equal(user.onPremDn.toLowerCase(), dn.toLowerCase());
      assert.equal(user.displayName, 'New Comer');
      assert.equal(user.userPrincipalName, account.userPrincipalName);
      assert.equal(user.enabled, true);
      assert.deepEqual(batches[0]?.fromCursor, cursor);
    });

    test('modify: a new displayName is an upsert with the new value', async () => {
      const { dn, anchor, cursor } = await userInA();
      await lab.admin.modify(dn, [replace('displayName', ['Renamed Display'])]);
      const user = upsertsOf(await delta(cursor)).find((u) => u.sourceAnchor === anchor);
      assert.equal(user?.displayName, 'Renamed Display');
    });

    test('rename: a new RDN keeps the anchor and gives the new DN', async () => {
      const { account, dn, anchor, cursor } = await userInA();
      const renamed = `${lab.rdn}=${account.sAMAccountName}-renamed,${ous.inA}`;
      await lab.admin.modifyDN(dn, renamed);
      const batches = await delta(cursor);
      const user = upsertsOf(batches).find((u) => u.sourceAnchor === anchor);
      assert.equal(user?.onPremDn.toLowerCase(), renamed.toLowerCase());
      assert.ok(!deletesOf(batches).includes(anchor));
    });

    test('move to another OU in scope: an upsert with the new DN, no delete', async () => {
      const { account, dn, anchor, cursor } = await userInA();
      const moved = `${lab.rdn}=${account.sAMAccountName},${ous.inB}`;
      await lab.admin.modifyDN(dn, moved);
      const batches = await delta(cursor);
      assert.equal(
        upsertsOf(batches)
          .find((u) => u.sourceAnchor === anchor)
          ?.onPremDn.toLowerCase(),
        moved.toLowerCase(),
      );
      assert.ok(!deletesOf(batches).includes(anchor));
    });

    test('move out of scope is a delete; moving back in is an upsert', async () => {
      const { account, dn, anchor, cursor } = await userInA();
      const outside = `${lab.rdn}=${account.sAMAccountName},${ous.out}`;
      await lab.admin.modifyDN(dn, outside);
      const out = await delta(cursor);
      assert.ok(deletesOf(out).includes(anchor));
      assert.ok(!upsertsOf(out).some((u) => u.sourceAnchor === anchor));

      const back = out.at(-1)!.toCursor;
      await lab.admin.modifyDN(outside, dn);
      const inAgain = await delta(back);
      assert.ok(upsertsOf(inAgain).some((u) => u.sourceAnchor === anchor));
      assert.ok(!deletesOf(inAgain).includes(anchor));
    });

    test('disable: enabled becomes false', async () => {
      const { dn, anchor, cursor } = await userInA();
      await lab.disable(dn);
      const user = upsertsOf(await delta(cursor)).find((u) => u.sourceAnchor === anchor);
      assert.equal(user?.enabled, false);
    });

    test('lock: three bad passwords (Lockout Three policy) give lockedOut and lockoutTime', async () => {
      const { dn, anchor, cursor } = await userInA({ policy: 'lockoutThree' });
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const client = labClient(lab.ldapsUrl, lab.caFile);
        await assert.rejects(client.bind(dn, 'Wrong-Password-1'));
        await client.unbind().catch(() => undefined);
      }
      const user = upsertsOf(await delta(cursor)).find((u) => u.sourceAnchor === anchor);
      assert.equal(user?.lockedOut, true);
      assert.ok(user?.lockoutTime, 'lockoutTime is set');
    });

    test('delete: the tombstone gives a delete of the same anchor', async () => {
      const { dn, anchor, cursor } = await userInA();
      await lab.admin.del(dn);
      const batches = await delta(cursor, adminReader);
      assert.ok(deletesOf(batches).includes(anchor));
      assert.ok(!upsertsOf(batches).some((u) => u.sourceAnchor === anchor));
    });

    if (dialect === 'ad')
      test('an account that cannot read tombstones says so instead of silently missing deletes', async () => {
        const { dn, anchor, cursor } = await userInA();
        await lab.admin.del(dn);
        const batches: SyncBatch[] = [];
        const result = await reader.delta(cursor, async (batch) => void batches.push(batch));
        assert.equal(deletesOf(batches).includes(anchor), result.deletionsVisible);
        const asAdmin = await adminReader.preview(cursor);
        assert.equal(asAdmin.result.deletionsVisible, true);
      });

    test('known anchors: a delta deletes only what the cloud holds', async () => {
      const first = await userInA();
      const second = await userInA();
      await lab.admin.del(first.dn);
      await lab.admin.del(second.dn);
      const batches: SyncBatch[] = [];
      await adminReader.delta(first.cursor, async (batch) => void batches.push(batch), {
        knownAnchors: new Set([second.anchor]),
      });
      assert.deepEqual(deletesOf(batches), [second.anchor]);
    });

    test('group membership: joining upserts the member; leaving names the group as refreshed', async () => {
      const { dn, anchor, cursor } = await userInA();
      const group = `CN=g-${Date.now()},${ous.root}`;
      // An OpenLDAP groupOfNames needs a member at all times: the lab's no-rights account.
      await lab.newGroup(group, lab.noRightsAccount.dn);
      await lab.admin.modify(group, [
        new Change({
          operation: 'add',
          modification: new Attribute({ type: 'member', values: [dn] }),
        }),
      ]);
      const joined = await delta(cursor);
      const member = upsertsOf(joined).find((u) => u.sourceAnchor === anchor);
      assert.ok(member, 'AD did not touch the user, yet the member is read again');
      assert.ok(member.groups.some((g) => g.toLowerCase() === group.toLowerCase()));

      await lab.admin.modify(group, [
        new Change({
          operation: 'delete',
          modification: new Attribute({ type: 'member', values: [dn] }),
        }),
      ]);
      const left = await delta(joined.at(-1)!.toCursor);
      assert.ok(
        !upsertsOf(left).some((u) => u.groups.some((g) => g.toLowerCase() === group.toLowerCase())),
      );
      assert.ok(
        left.at(-1)!.refreshedGroups.some((g) => g.toLowerCase() === group.toLowerCase()),
        'the cloud is told to drop the group from users this run did not upsert',
      );
    });

    if (dialect === 'ad')
      test('a narrow span is read by the list of its USNs, a wide one by the range: the same changes either way', async () => {
        // Samba indexes uSNChanged for equality only: a range scans the whole domain (seconds
        // with 100,000 users, which kept changes from the cloud at scale), the list looks up
        // each USN. Both must read the same changes, of every kind.
        const renamed = await userInA();
        const disabled = await userInA();
        const joining = await userInA();
        const deleted = await userInA();
        const group = `CN=g-usn-${Date.now()},${ous.root}`;
        await lab.newGroup(group, lab.noRightsAccount.dn);
        const cursor = (await reader.preview(null)).result.toCursor;
        await lab.admin.modify(renamed.dn, [replace('displayName', ['Listed By Usn'])]);
        await lab.admin.modify(disabled.dn, [replace('userAccountControl', ['514'])]);
        await lab.admin.modify(group, [
          new Change({
            operation: 'add',
            modification: new Attribute({ type: 'member', values: [joining.dn] }),
          }),
        ]);
        await lab.admin.del(deleted.dn);

        const ranged = new SyncReader(lab.connector(lab.adminBind), {
          includeOus: [ous.root],
          excludeOus: [ous.out],
          usnListMax: 1,
        });
        const read = async (by: SyncReader) => {
          const batches: SyncBatch[] = [];
          const result = await by.delta(cursor, async (batch) => void batches.push(batch));
          const upserts = upsertsOf(batches);
          return {
            lookup: result.usnLookup,
            renamed: upserts.find((u) => u.sourceAnchor === renamed.anchor)?.displayName,
            disabled: upserts.find((u) => u.sourceAnchor === disabled.anchor)?.enabled,
            joined: upserts
              .find((u) => u.sourceAnchor === joining.anchor)
              ?.groups.some((g) => g.toLowerCase() === group.toLowerCase()),
            deleted: deletesOf(batches).includes(deleted.anchor),
          };
        };
        const expected = { renamed: 'Listed By Usn', disabled: false, joined: true, deleted: true };
        assert.deepEqual(await read(adminReader), { lookup: 'usn_list', ...expected });
        assert.deepEqual(await read(ranged), { lookup: 'usn_range', ...expected });
      });

    test('nothing changed in scope since the cursor: one empty final batch', async () => {
      const full = await reader.preview(null);
      const cursor = full.result.toCursor;
      // Other writers may touch the rest of the domain meanwhile: with the cloud's anchors,
      // users changing elsewhere are not named as deletes, and our scope itself is quiet.
      const knownAnchors = new Set(upsertsOf(full.batches).map((u) => u.sourceAnchor));
      const { result, batches } = await reader.preview(cursor, { knownAnchors });
      assert.equal(batches.length, 1);
      assert.equal(batches[0]?.final, true);
      assert.deepEqual(upsertsOf(batches), []);
      assert.deepEqual(deletesOf(batches), []);
      assert.ok(BigInt(result.toCursor.usn) >= BigInt(cursor.usn));
    });

    test('a cursor from another server (invocationId) forces a full re-read', async () => {
      const { anchor, cursor } = await userInA();
      const foreign = { ...cursor, invocationId: '00000000-0000-4000-8000-000000000001' };
      const { result, batches } = await reader.preview(foreign);
      assert.equal(result.mode, 'full');
      assert.equal(result.reason, 'invocation_changed');
      assert.notEqual(result.toCursor.invocationId, foreign.invocationId);
      assert.deepEqual(batches[0]?.fromCursor, foreign);
      assert.ok(upsertsOf(batches).some((u) => u.sourceAnchor === anchor));
    });

    test('a cursor ahead of the directory forces a full re-read', async () => {
      const cursor = await cursorNow();
      const ahead = { ...cursor, usn: String(BigInt(cursor.usn) + 1_000_000n) };
      const { result } = await reader.preview(ahead);
      assert.equal(result.mode, 'full');
      assert.equal(result.reason, 'cursor_ahead');
    });

    if (dialect === 'openldap')
      test('failed binds (ppolicy writes pwdFailureTime) are not changes; an admin lock is', async () => {
        const { dn, anchor, cursor } = await userInA({ policy: 'lockoutThree' });
        const client = labClient(lab.ldapsUrl, lab.caFile);
        await assert.rejects(client.bind(dn, 'Wrong-Password-1'));
        await client.unbind().catch(() => undefined);
        const quiet = await delta(cursor);
        assert.ok(BigInt(quiet.at(-1)!.toCursor.usn) > BigInt(cursor.usn), 'slapd logged a write');
        assert.ok(!upsertsOf(quiet).some((u) => u.sourceAnchor === anchor));
        await lab.disable(dn);
        const locked = upsertsOf(await delta(quiet.at(-1)!.toCursor)).find(
          (u) => u.sourceAnchor === anchor,
        );
        assert.equal(locked?.enabled, false);
      });

    if (dialect === 'openldap')
      test('a cursor older than the accesslog reaches back forces a full re-read', async () => {
        const { anchor, cursor } = await userInA();
        await lab.admin.modify(`${ous.inA}`, [replace('description', ['touched'])]);
        const purged = { ...cursor, usn: '19700101000000000001' };
        const { result, batches } = await reader.preview(purged);
        assert.equal(result.mode, 'full');
        assert.equal(result.reason, 'log_truncated');
        assert.ok(upsertsOf(batches).some((u) => u.sourceAnchor === anchor));
      });
  });
