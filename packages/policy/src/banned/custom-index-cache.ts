import { normalise } from './normalise.js';
import { BannedTermIndex } from './term-index.js';

const MAX_CACHED_LISTS = 64;
const cache = new Map<string, BannedTermIndex>();

/**
 * The index of a tenant's custom list, built once per distinct list and kept for the next
 * keystrokes (least recently used first out). Terms are normalised here; validate them
 * first with validateCustomList.
 */
export function customBannedIndex(terms: readonly string[]): BannedTermIndex {
  const key = terms.join('\n');
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const index = new BannedTermIndex('custom', terms.map(normalise));
  cache.set(key, index);
  if (cache.size > MAX_CACHED_LISTS) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return index;
}
