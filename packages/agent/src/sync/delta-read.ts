import { tombstonesReadable } from './dc-mark.js';
import { pages, type ReadContext } from './read-context.js';
import { ShowDeletedControl } from './sync-controls.js';
import {
  changedObjectsFilter,
  membersFilter,
  scopedUserFilter,
  tombstoneFilter,
  usnClause,
  type UsnLookup,
  type UsnSpan,
} from './sync-filters.js';
import { entryAnchor, toSyncedUser, type LdapEntry } from './synced-user-mapping.js';

/** memberOf clauses per search when many groups changed. */
const GROUPS_PER_SEARCH = 100;

function values(entry: LdapEntry, name: string): string[] {
  const value = entry[name];
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

const isGroup = (entry: LdapEntry): boolean =>
  values(entry, 'objectClass').some((name) => name.toLowerCase() === 'group');

/** A tombstone's DN before deletion: its RDN without the "\0ADEL:<guid>" mangling, under its last parent. */
function formerDn(entry: LdapEntry): string | undefined {
  const parent = values(entry, 'lastKnownParent')[0];
  const mangled = entry.dn.indexOf('\\0A');
  if (!parent || mangled < 0) return undefined;
  return `${entry.dn.slice(0, mangled)},${parent}`;
}

/**
 * Reads what changed in `span` (by the list of its USNs when it is narrow, `usnClause`): users changed in scope are upserts; users changed out
 * of scope left it (moved out, into an excluded OU, or no longer matching the filter) and
 * are deletes, as are tombstones whose last parent was in scope. Groups that changed get
 * their current in-scope members upserted, since AD does not touch a member's uSNChanged.
 * Returns whether tombstones could be read at all, and how the changed objects were named.
 */
export async function readDelta(
  context: ReadContext,
  span: UsnSpan,
  domainDn: string,
  knownAnchors: ReadonlySet<string> | undefined,
): Promise<{ deletionsVisible: boolean; usnLookup: UsnLookup }> {
  const { config, scope, writer } = context;
  const changed = usnClause(span, config.usnListMax);
  const upserted = new Set<string>();
  const drop = (anchor: string): void => {
    if (!knownAnchors || knownAnchors.has(anchor)) writer.delete(anchor);
  };

  // With an extra filter, the DC says which changed users in scope still match it.
  let matching: Set<string> | undefined;
  if (config.filter) {
    matching = new Set();
    for (const base of scope.searchBases) {
      const filter = scopedUserFilter(config.filter, changed.clause);
      for await (const entries of pages(context, base, filter, ['objectGUID'])) {
        for (const entry of entries) matching.add(entryAnchor(entry));
      }
    }
  }

  const changedGroups: string[] = [];
  const attributes = [...context.attributes, 'objectClass'];
  for await (const entries of pages(
    context,
    domainDn,
    changedObjectsFilter(changed.clause),
    attributes,
  )) {
    const users = [];
    for (const entry of entries) {
      if (isGroup(entry)) {
        changedGroups.push(entry.dn);
        continue;
      }
      const anchor = entryAnchor(entry);
      if (scope.contains(entry.dn) && (!matching || matching.has(anchor))) {
        users.push(toSyncedUser(entry, config.extraAttributes));
        upserted.add(anchor);
      } else {
        drop(anchor);
      }
    }
    await writer.upsert(users);
  }

  const deletionsVisible = await tombstonesReadable(context.client, domainDn);
  const tombstones = pages(
    context,
    domainDn,
    tombstoneFilter(changed.clause),
    ['objectGUID', 'objectClass', 'lastKnownParent'],
    [new ShowDeletedControl()],
  );
  for await (const entries of tombstones) {
    for (const entry of entries) {
      const former = formerDn(entry);
      if (isGroup(entry)) {
        if (former) changedGroups.push(former);
        continue;
      }
      // Without lastKnownParent the old place is unknown: deleting is the safe answer.
      if (!former || scope.contains(former)) drop(entryAnchor(entry));
    }
  }

  for (let start = 0; start < changedGroups.length; start += GROUPS_PER_SEARCH) {
    const chunk = changedGroups.slice(start, start + GROUPS_PER_SEARCH);
    for (const base of scope.searchBases) {
      for await (const entries of pages(context, base, membersFilter(config.filter, chunk))) {
        const users = entries
          .filter((entry) => scope.contains(entry.dn))
          .map((entry) => toSyncedUser(entry, config.extraAttributes))
          .filter((user) => !upserted.has(user.sourceAnchor));
        for (const user of users) upserted.add(user.sourceAnchor);
        await writer.upsert(users);
      }
    }
  }
  writer.refreshedGroups(changedGroups);
  return { deletionsVisible, usnLookup: changed.lookup };
}
