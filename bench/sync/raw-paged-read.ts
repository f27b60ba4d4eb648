import { SYNCED_USER_ATTRIBUTES, scopedUserFilter } from '@ferry/agent';
import type { Client } from 'ldapts';

/** The raw baseline of sync: one paged ldapts search of every user under `base`, same attributes. */
export async function rawPagedRead(
  client: Client,
  base: string,
  scope: 'sub' | 'one' = 'sub',
): Promise<number> {
  let users = 0;
  for await (const page of client.searchPaginated(base, {
    scope,
    filter: scopedUserFilter(undefined),
    attributes: [...SYNCED_USER_ATTRIBUTES],
    explicitBufferAttributes: ['objectGUID'],
    paged: { pageSize: 1_000 },
  })) {
    users += page.searchEntries.length;
  }
  return users;
}
