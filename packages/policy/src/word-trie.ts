/** No node: the end of a sibling list, or a child not (yet) made. */
const NONE = -1;
/** Code units below this get a direct slot under the root, where most siblings are. */
const ROOT_SLOTS = 128;

/**
 * Words with a value each (a rank, an id: never 0) as a trie over UTF-16 code units. Finding
 * every word that starts at a given place in a text costs one array walk per character, and
 * stops as soon as no word continues; looking each substring up in a table instead costs a
 * string hash and a probe per substring (about 0.4 µs each here, for all n²/2 of them). The
 * root is node 0.
 */
export class WordTrie {
  #unit: Uint16Array;
  #firstChild: Int32Array;
  #nextSibling: Int32Array;
  /** The word's value at the node that ends it; 0 where no word ends. */
  #rank: Int32Array;
  readonly #root = new Int32Array(ROOT_SLOTS).fill(NONE);

  constructor(table: Readonly<Record<string, number>>) {
    const words = Object.keys(table);
    let capacity = 1;
    for (const word of words) capacity += word.length;
    this.#unit = new Uint16Array(capacity);
    this.#firstChild = new Int32Array(capacity).fill(NONE);
    this.#nextSibling = new Int32Array(capacity).fill(NONE);
    this.#rank = new Int32Array(capacity);
    let size = 1; // node 0 is the root
    for (const word of words) {
      let node = 0;
      for (let index = 0; index < word.length; index++) {
        const unit = word.charCodeAt(index);
        let child = this.#child(node, unit);
        if (child === NONE) {
          child = size++;
          this.#unit[child] = unit;
          if (node === 0 && unit < ROOT_SLOTS) {
            this.#root[unit] = child;
          } else {
            this.#nextSibling[child] = this.#firstChild[node]!;
            this.#firstChild[node] = child;
          }
        }
        node = child;
      }
      this.#rank[node] = table[word]!;
    }
    // Shared prefixes leave most of the room unused: keep only the nodes made.
    this.#unit = this.#unit.slice(0, size);
    this.#firstChild = this.#firstChild.slice(0, size);
    this.#nextSibling = this.#nextSibling.slice(0, size);
    this.#rank = this.#rank.slice(0, size);
  }

  /** Nodes in the trie, the root included. */
  get size(): number {
    return this.#unit.length;
  }

  /**
   * Walks `text` from `start` up to `limit` (exclusive): calls `found(end, value)` for each
   * word text[start..end] (inclusive, shortest first) and returns the index of the first
   * character no word continues with (`limit` when the walk got there).
   */
  walk(
    text: string,
    start: number,
    found: (end: number, value: number) => void,
    limit = text.length,
  ): number {
    let node = 0;
    for (let end = start; end < limit; end++) {
      node = this.#child(node, text.charCodeAt(end));
      if (node === NONE) return end;
      const rank = this.#rank[node]!;
      if (rank !== 0) found(end, rank);
    }
    return limit;
  }

  /** The value of the word that ends at `node`, or 0. */
  valueAt(node: number): number {
    return this.#rank[node]!;
  }

  /** Calls `visit` with each child of `node`. */
  forEachChild(node: number, visit: (child: number) => void): void {
    if (node === 0) for (const child of this.#root) if (child !== NONE) visit(child);
    for (let child = this.#firstChild[node]!; child !== NONE; child = this.#nextSibling[child]!)
      visit(child);
  }

  /** The child of `node` for `unit`, or -1. */
  child(node: number, unit: number): number {
    return this.#child(node, unit);
  }

  #child(node: number, unit: number): number {
    if (node === 0 && unit < ROOT_SLOTS) return this.#root[unit]!;
    let child = this.#firstChild[node]!;
    while (child !== NONE && this.#unit[child] !== unit) child = this.#nextSibling[child]!;
    return child;
  }
}
