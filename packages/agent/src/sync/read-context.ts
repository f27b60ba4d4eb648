import type { Client, Control } from 'ldapts';
import type { BatchWriter } from './batch-writer.js';
import { pagedEntries } from './paged-search.js';
import type { SyncConfig } from './sync-config.js';
import type { SyncScope } from './sync-scope.js';
import type { LdapEntry } from './synced-user-mapping.js';

/** What a full or delta read needs: one connection (one DC), the scope, and the sink. */
export interface ReadContext {
  readonly client: Client;
  readonly config: SyncConfig;
  readonly scope: SyncScope;
  /** The mapped attributes plus the configured extras. */
  readonly attributes: readonly string[];
  readonly writer: BatchWriter;
}

export function pages(
  context: ReadContext,
  base: string,
  filter: string,
  attributes: readonly string[] = context.attributes,
  controls?: readonly Control[],
  depth: 'sub' | 'one' = 'sub',
): AsyncGenerator<LdapEntry[], void, undefined> {
  return pagedEntries(context.client, {
    base,
    filter,
    attributes,
    pageSize: context.config.pageSize,
    scope: depth,
    ...(controls ? { controls } : {}),
  });
}
