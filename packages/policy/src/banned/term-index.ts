import { distanceWithinOne, singleDeletions } from './edit-distance.js';

/** Where a banned term comes from; feedback names the category, never the term. */
export type TermSource = 'global' | 'custom' | 'name' | 'tenant';

/**
 * The shortest window tried. Terms are 4+ characters; a 3-character window one deletion away
 * from a 4-character term ("lie" for "life") matched so much of ordinary text that Ferry does
 * not try it (Entra does not say either way).
 */
export const MIN_WINDOW_LENGTH = 4;

/** A window [start, end) of the normalised password within one edit of term `termId`. */
export interface TermMatch {
  readonly start: number;
  readonly end: number;
  readonly distance: 0 | 1;
  readonly termId: number;
}

/**
 * Normalised banned terms indexed for "which windows of this text are within edit distance 1
 * of some term". Symmetric-deletion index: each term is stored under itself and under every
 * one-character deletion of itself; a window looks itself and its own deletions up, which
 * finds every term at distance ≤ 1 (and a few at 2, removed by the exact check). Built once
 * per list; a lookup costs O(windows × window length) hash probes, independent of list size.
 */
export class BannedTermIndex {
  readonly source: TermSource;
  readonly #terms: string[] = [];
  readonly #keys = new Map<string, number[]>();
  #shortest = Number.POSITIVE_INFINITY;
  #longest = 0;

  constructor(source: TermSource, normalisedTerms: Iterable<string>) {
    this.source = source;
    const seen = new Set<string>();
    for (const term of normalisedTerms) {
      if (term.length === 0 || seen.has(term)) continue;
      seen.add(term);
      const id = this.#terms.push(term) - 1;
      this.#add(term, id);
      for (const deletion of singleDeletions(term)) this.#add(deletion, id);
      this.#shortest = Math.min(this.#shortest, term.length);
      this.#longest = Math.max(this.#longest, term.length);
    }
  }

  get size(): number {
    return this.#terms.length;
  }

  /** Every window of `text` within one edit of a term (several per term where they overlap). */
  find(text: string): TermMatch[] {
    const found: TermMatch[] = [];
    if (this.#terms.length === 0) return found;
    const shortest = Math.max(MIN_WINDOW_LENGTH, this.#shortest - 1);
    for (let start = 0; start < text.length; start++) {
      const longest = Math.min(this.#longest + 1, text.length - start);
      for (let length = shortest; length <= longest; length++) {
        this.#matchWindow(text.slice(start, start + length), start, found);
      }
    }
    return found;
  }

  #matchWindow(window: string, start: number, found: TermMatch[]): void {
    let checked: Set<number> | undefined;
    const probe = (key: string) => {
      const ids = this.#keys.get(key);
      if (!ids) return;
      for (const termId of ids) {
        checked ??= new Set();
        if (checked.has(termId)) continue;
        checked.add(termId);
        const distance = distanceWithinOne(window, this.#terms[termId] ?? '');
        if (distance !== undefined) {
          found.push({ start, end: start + window.length, distance, termId });
        }
      }
    };
    probe(window);
    for (const deletion of singleDeletions(window)) probe(deletion);
  }

  #add(key: string, id: number): void {
    const ids = this.#keys.get(key);
    if (!ids) this.#keys.set(key, [id]);
    else if (ids[ids.length - 1] !== id) ids.push(id);
  }
}
