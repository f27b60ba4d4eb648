import { dictionary } from '@zxcvbn-ts/language-common';
import { characterCount, normalise } from './normalise.js';
import { CUSTOM_TERM_MAX_LENGTH, CUSTOM_TERM_MIN_LENGTH } from './custom-list.js';
import { BannedTermIndex } from './term-index.js';

/**
 * How many of zxcvbn-ts's common passwords (ranked by frequency) form the global list.
 * Microsoft's own global list is a few thousand base terms (3,270 when Synacktiv extracted it
 * in 2024); taking the whole 49k-entry zxcvbn list would make the fuzzy match fire on almost
 * any 3-letter run of an ordinary word.
 */
export const GLOBAL_LIST_SIZE = 4000;

let globalIndex: BannedTermIndex | undefined;

/** The global terms: the most common passwords, normalised, 4 to 16 characters, as Entra. */
export function globalBannedTerms(size = GLOBAL_LIST_SIZE): string[] {
  const terms = new Set<string>();
  for (const password of dictionary['passwords-common']) {
    if (terms.size >= size) break;
    const term = normalise(password);
    const length = characterCount(term);
    if (length >= CUSTOM_TERM_MIN_LENGTH && length <= CUSTOM_TERM_MAX_LENGTH) terms.add(term);
  }
  return [...terms];
}

/** Built on first use and kept: every evaluation shares it. */
export function globalBannedIndex(): BannedTermIndex {
  globalIndex ??= new BannedTermIndex('global', globalBannedTerms());
  return globalIndex;
}
