import { escapeFilter } from 'ldapts';
import { pages, type ReadContext } from '../read-context.js';
import type { LdapEntry } from '../synced-user-mapping.js';
import { usnToCsn } from './openldap-mark.js';
import { all, onlyNoise, openLdapAnchor, toSyncedOpenLdapUser } from './openldap-mapping.js';

/** entryUUID clauses per search when reading changed entries back. */
const UUIDS_PER_SEARCH = 100;

const PERSON = '(objectClass=inetOrgPerson)';
const GROUP = '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))';

/** inetOrgPerson entries, the configured extra filter applied. */
export function openLdapPeopleFilter(extra: string | undefined): string {
  return `(&${PERSON}${extra ?? ''})`;
}

/**
 * Upserts every user in scope; given the cloud's anchors, those not read are deleted (they
 * left scope or were deleted, whatever the accesslog still remembers).
 */
export async function readOpenLdapFull(
  context: ReadContext,
  knownAnchors: ReadonlySet<string> | undefined,
): Promise<void> {
  const { config, scope, writer } = context;
  const seen = knownAnchors ? new Set<string>() : undefined;
  for (const base of scope.searchBases) {
    for await (const entries of pages(context, base, openLdapPeopleFilter(config.filter))) {
      const users = entries
        .filter((entry) => scope.contains(entry.dn))
        .map((entry) => toSyncedOpenLdapUser(entry, config.extraAttributes));
      if (seen) for (const user of users) seen.add(user.sourceAnchor);
      await writer.upsert(users);
    }
  }
  if (seen && knownAnchors) {
    for (const anchor of knownAnchors) if (!seen.has(anchor)) writer.delete(anchor);
  }
}

/** What the accesslog says changed since a cursor. */
export interface LoggedChanges {
  /** Entries added, modified (beyond noise) or renamed: read back to see where they are now. */
  readonly changed: Set<string>;
  /** Deleted entries, with the DN they had. */
  readonly deleted: Map<string, string>;
  /** Records read, and how many of them were noise (failed-bind bookkeeping). */
  readonly records: number;
  readonly noise: number;
}

/**
 * Reads the accesslog's successful write records from `fromUsn` on (inclusive). A record
 * names its entry by reqEntryUUID (slapd 2.5+); an add names it in reqMod too.
 */
export async function readAccesslog(
  context: ReadContext,
  accesslogDn: string,
  fromUsn: bigint,
): Promise<LoggedChanges> {
  const changed = new Set<string>();
  const deleted = new Map<string, string>();
  let records = 0;
  let noise = 0;
  const filter =
    `(&(objectClass=auditWriteObject)(reqResult=0)` +
    `(|(reqType=add)(reqType=modify)(reqType=modrdn)(reqType=delete))` +
    `(entryCSN>=${usnToCsn(fromUsn)}))`;
  const attributes = ['reqType', 'reqDN', 'reqEntryUUID', 'reqMod'];
  for await (const entries of pagesOne(context, accesslogDn, filter, attributes)) {
    for (const record of entries) {
      records += 1;
      const type = all(record, 'reqType')[0];
      const mods = all(record, 'reqMod');
      const uuid = recordUuid(record, mods);
      if (!uuid) continue; // not an entry change slapd can name (e.g. a failed add)
      if (type === 'delete') {
        deleted.set(uuid, all(record, 'reqDN')[0] ?? '');
        changed.delete(uuid);
      } else if (type === 'modify' && onlyNoise(mods)) {
        noise += 1;
      } else if (!deleted.has(uuid)) {
        changed.add(uuid);
      }
    }
  }
  return { changed, deleted, records, noise };
}

function recordUuid(record: LdapEntry, mods: readonly string[]): string | undefined {
  const named = all(record, 'reqEntryUUID')[0];
  if (named) return named.toLowerCase();
  const added = mods.find((line) => line.toLowerCase().startsWith('entryuuid:+ '));
  return added?.slice('entryUUID:+ '.length).trim().toLowerCase();
}

/** The accesslog is flat: its records are the children of its head. */
function pagesOne(
  context: ReadContext,
  base: string,
  filter: string,
  attributes: readonly string[],
): AsyncGenerator<LdapEntry[], void, undefined> {
  return pages(context, base, filter, attributes, undefined, 'one');
}

/**
 * Turns the logged changes into batches: a changed entry read back is an upsert if it is a
 * user in scope (and matches the extra filter), a delete otherwise (moved out, no longer
 * matching, gone); a changed group gets its current members in scope upserted and is named
 * as refreshed, as in AD; a deleted entry is a delete if its DN was in scope.
 */
export async function readOpenLdapDelta(
  context: ReadContext,
  suffix: string,
  accesslogDn: string,
  fromUsn: bigint,
  knownAnchors: ReadonlySet<string> | undefined,
): Promise<LoggedChanges> {
  const { config, scope, writer } = context;
  const logged = await readAccesslog(context, accesslogDn, fromUsn);
  const drop = (anchor: string): void => {
    if (!knownAnchors || knownAnchors.has(anchor)) writer.delete(anchor);
  };
  const upserted = new Set<string>();
  const changedGroups: string[] = [];
  const attributes = [...context.attributes, 'objectClass'];
  const uuids = [...logged.changed];
  for (let start = 0; start < uuids.length; start += UUIDS_PER_SEARCH) {
    const chunk = uuids.slice(start, start + UUIDS_PER_SEARCH);
    const any = chunk.map((uuid) => escapeFilter`(entryUUID=${uuid})`).join('');
    const filter = `(&(|${any})(|${openLdapPeopleFilter(config.filter)}${GROUP}))`;
    const found = new Set<string>();
    for await (const entries of pages(context, suffix, filter, attributes)) {
      const users = [];
      for (const entry of entries) {
        const anchor = openLdapAnchor(entry);
        found.add(anchor);
        const classes = all(entry, 'objectClass').map((name) => name.toLowerCase());
        if (!classes.includes('inetorgperson')) {
          changedGroups.push(entry.dn);
        } else if (scope.contains(entry.dn)) {
          users.push(toSyncedOpenLdapUser(entry, config.extraAttributes));
          upserted.add(anchor);
        } else {
          drop(anchor);
        }
      }
      await writer.upsert(users);
    }
    // Not found: out of the naming context, or no longer a (matching) user.
    for (const uuid of chunk) if (!found.has(uuid)) drop(uuid);
  }
  for (const [uuid, formerDn] of logged.deleted) {
    if (!formerDn || scope.contains(formerDn)) drop(uuid);
  }

  for (const group of changedGroups) {
    for (const base of scope.searchBases) {
      const filter = `(&${openLdapPeopleFilter(config.filter)}${escapeFilter`(memberOf=${group})`})`;
      for await (const entries of pages(context, base, filter)) {
        const users = entries
          .filter((entry) => scope.contains(entry.dn))
          .map((entry) => toSyncedOpenLdapUser(entry, config.extraAttributes))
          .filter((user) => !upserted.has(user.sourceAnchor));
        for (const user of users) upserted.add(user.sourceAnchor);
        await writer.upsert(users);
      }
    }
  }
  writer.refreshedGroups(changedGroups);
  return logged;
}
