import { WordTrie } from '../word-trie.js';

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
 * of some term". The terms form a trie; from each start in the text a search walks it with
 * one edit to spend (a changed, an extra or a missing character), so it visits only the
 * branches a term can still follow and reports each window's terms with their distance.
 * (A symmetric-deletion index found the same windows by building and hashing a string for
 * every window and each of its one-character deletions, in twice the time.)
 */
export class BannedTermIndex {
  readonly source: TermSource;
  readonly #trie: WordTrie;
  readonly #size: number;

  constructor(source: TermSource, normalisedTerms: Iterable<string>) {
    this.source = source;
    // Each distinct term's id + 1 (a trie value is never 0).
    const ids: Record<string, number> = Object.create(null) as Record<string, number>;
    let size = 0;
    for (const term of normalisedTerms) {
      if (term.length === 0 || ids[term] !== undefined) continue;
      ids[term] = ++size;
    }
    this.#trie = new WordTrie(ids);
    this.#size = size;
  }

  get size(): number {
    return this.#size;
  }

  /** Every window of `text` within one edit of a term (several per term where they overlap). */
  find(text: string): TermMatch[] {
    const found: TermMatch[] = [];
    if (this.#size === 0) return found;
    for (let start = 0; start < text.length; start++) {
      // The closest distance of each (end, term) reached from this start.
      const closest = new Map<number, 0 | 1>();
      this.#search(text, 0, start, 0, closest);
      for (const [key, distance] of closest) {
        const end = Math.floor(key / TERM_ID_SPAN);
        if (end - start < MIN_WINDOW_LENGTH) continue;
        found.push({ start, end, distance, termId: (key % TERM_ID_SPAN) - 1 });
      }
    }
    return found;
  }

  /** Follows the trie from `node` with text[position…], `edits` (0 or 1) spent so far. */
  #search(
    text: string,
    node: number,
    position: number,
    edits: 0 | 1,
    closest: Map<number, 0 | 1>,
  ): void {
    const term = this.#trie.valueAt(node);
    if (term !== 0) {
      const key = position * TERM_ID_SPAN + term;
      const known = closest.get(key);
      if (known === undefined || edits < known) closest.set(key, edits);
    }
    const same = position < text.length ? this.#trie.child(node, text.charCodeAt(position)) : -1;
    if (same !== -1) this.#search(text, same, position + 1, edits, closest);
    if (edits === 1) return;
    this.#trie.forEachChild(node, (child) => {
      // The term has this character where the text has another one, or none at all.
      if (position < text.length && child !== same)
        this.#search(text, child, position + 1, 1, closest);
      this.#search(text, child, position, 1, closest);
    });
    // The text has a character the term does not.
    if (position < text.length) this.#search(text, node, position + 1, 1, closest);
  }
}

/** Term ids (+ 1) stay below this, so (end, term) packs into one number. */
const TERM_ID_SPAN = 1 << 24;
