import { pages, type ReadContext } from './read-context.js';
import { scopedUserFilter } from './sync-filters.js';
import { toSyncedUser } from './synced-user-mapping.js';

/**
 * Upserts every user in scope. Given the cloud's anchors, those not read are deleted: they
 * left scope or were deleted, whatever happened to their tombstones meanwhile.
 */
export async function readFull(
  context: ReadContext,
  knownAnchors: ReadonlySet<string> | undefined,
): Promise<void> {
  const { config, scope, writer } = context;
  const seen = knownAnchors ? new Set<string>() : undefined;
  for (const base of scope.searchBases) {
    for await (const entries of pages(context, base, scopedUserFilter(config.filter))) {
      const users = entries
        .filter((entry) => scope.contains(entry.dn))
        .map((entry) => toSyncedUser(entry, config.extraAttributes));
      if (seen) for (const user of users) seen.add(user.sourceAnchor);
      await writer.upsert(users);
    }
  }
  if (seen && knownAnchors) {
    for (const anchor of knownAnchors) if (!seen.has(anchor)) writer.delete(anchor);
  }
}
