import type { Client, Control } from 'ldapts';
import type { LdapEntry } from './synced-user-mapping.js';

export interface PagedSearch {
  readonly base: string;
  readonly filter: string;
  readonly attributes: readonly string[];
  readonly pageSize: number;
  /** Subtree unless told (the OpenLDAP accesslog is read one level deep). */
  readonly scope?: 'sub' | 'one';
  readonly controls?: readonly Control[];
}

/**
 * Streams a subtree search page by page (paged results control), asking the DC for the next
 * page while the caller works on the current one, so reading and mapping overlap.
 */
export async function* pagedEntries(
  client: Client,
  search: PagedSearch,
): AsyncGenerator<LdapEntry[], void, undefined> {
  const pages = client.searchPaginated(
    search.base,
    {
      scope: search.scope ?? 'sub',
      filter: search.filter,
      attributes: [...search.attributes],
      explicitBufferAttributes: ['objectGUID'],
      paged: { pageSize: search.pageSize },
      // No server-side limit (ldapts asks for 10 s): Samba evaluates a paged search whole
      // before the first page, which for 100,000 users on a busy DC takes longer. The DC's
      // own MaxQueryDuration and the connection's operation timeout still bound it.
      timeLimit: 0,
    },
    search.controls ? [...search.controls] : undefined,
  );
  let next = pages.next();
  try {
    for (;;) {
      const page = await next;
      if (page.done) return;
      next = pages.next();
      // Seen later, or never if the caller stops: keep it from being an unhandled rejection.
      next.catch(() => undefined);
      yield page.value.searchEntries as LdapEntry[];
    }
  } finally {
    // The caller stopped early: let the in-flight page land, then close the generator.
    await next.catch(() => undefined);
    await pages.return(undefined).catch(() => undefined);
  }
}
