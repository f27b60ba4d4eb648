import { randomBytes } from 'node:crypto';
import { deleteLabEntry, ensureEntry, requireLabState, type LabAccount } from '@ferry/lab';
import { Secret, type SyncBatch, type SyncedUser } from '@ferry/protocol';
import type { Client } from 'ldapts';
import { parseDirectoryConfig, type DirectoryConfig } from '../../src/index.js';
import type { LabFixture } from './lab.js';

/**
 * A throwaway OU tree under OU=Tests for one sync test file, so its scope holds only its
 * own users: `inA` and `inB` in scope, `out` excluded.
 */
export interface SyncOus {
  readonly root: string;
  readonly inA: string;
  readonly inB: string;
  readonly out: string;
  /** A lab user (from `lab.newUser`) moved into `ou`; returns its new DN. */
  place(user: LabAccount, ou: string): Promise<string>;
  remove(): Promise<void>;
}

export async function createSyncOus(lab: LabFixture): Promise<SyncOus> {
  return createOuTree(lab.admin, lab.state.ous.tests, 'CN');
}

/**
 * The same tree in either directory: `rdn` is the users' naming attribute (CN in AD, uid
 * in the OpenLDAP lab, where it is also the user's uid).
 */
export async function createOuTree(
  admin: Client,
  testsOu: string,
  rdn: 'CN' | 'uid',
): Promise<SyncOus> {
  const root = `OU=sync-${randomBytes(4).toString('hex')},${testsOu}`;
  const ou = (name: string): string => `OU=${name},${root}`;
  const tree = { root, inA: ou('A'), inB: ou('B'), out: ou('Out') };
  for (const dn of [tree.root, tree.inA, tree.inB, tree.out]) {
    const name = /^OU=([^,]+)/.exec(dn)![1]!;
    await ensureEntry(admin, dn, { objectClass: ['top', 'organizationalUnit'], ou: name });
  }
  return {
    ...tree,
    async place(user, target) {
      const dn = `${rdn}=${user.sAMAccountName},${target}`;
      await admin.modifyDN(user.dn, dn);
      return dn;
    },
    async remove() {
      await deleteTree(admin, root);
    },
  };
}

async function deleteTree(admin: Client, root: string): Promise<void> {
  const { searchEntries } = await admin.search(root, { scope: 'sub', attributes: ['1.1'] });
  // Children before parents: deeper DNs are longer.
  const dns = searchEntries.map((entry) => entry.dn).sort((a, b) => b.length - a.length);
  for (const dn of dns) await deleteLabEntry(admin, dn);
}

/** The directory config the fixture's connectors use (for the notification connection). */
export async function labDirectoryConfig(): Promise<DirectoryConfig> {
  const state = await requireLabState();
  return parseDirectoryConfig({
    urls: [state.ldapsUrl],
    caFile: state.caFile,
    bindDn: state.serviceAccount.dn,
    bindPassword: Secret.of(state.serviceAccount.password),
    baseDn: state.baseDn,
  });
}

export function upsertsOf(batches: readonly SyncBatch[]): SyncedUser[] {
  return batches.flatMap((batch) => batch.upserts);
}

export function deletesOf(batches: readonly SyncBatch[]): string[] {
  return batches.flatMap((batch) => batch.deletes);
}
