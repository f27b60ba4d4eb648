import { SYNCED_USER_ATTRIBUTES, scopedUserFilter } from '@ferry/agent';
import type { Client } from 'ldapts';

/** The raw baseline of sync: one paged ldapts search of every user under `base`, same attributes. */
export async function rawPagedRead(client: Client, base: string): Promise<number> {
  let users = 0;
  for await (const page of client.searchPaginated(base, {
    scope: 'sub',
    filter: scopedUserFilter(undefined),
    attributes: [...SYNCED_USER_ATTRIBUTES],
    explicitBufferAttributes: ['objectGUID'],
    paged: { pageSize: 1_000 },
    timeLimit: 0, // as the agent's read: no 10 s server-side limit
  })) {
    users += page.searchEntries.length;
  }
  return users;
}
