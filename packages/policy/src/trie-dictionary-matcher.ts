import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { WordTrie } from './word-trie.js';

type RankedTable = Readonly<Record<string, number>>;

interface DictionaryMatch {
  readonly pattern: 'dictionary';
  readonly i: number;
  readonly j: number;
  readonly token: string;
  readonly matchedWord: string;
  readonly rank: number;
  readonly dictionaryName: string;
  readonly reversed: false;
  readonly l33t: false;
}

interface MatchArguments {
  readonly password: string;
  readonly userInputsOptions?: unknown;
  readonly useLevenshtein?: boolean;
}

/** The parts of zxcvbn-ts's dictionary matcher (a class its typings keep private) used here. */
interface DictionaryMatcher {
  readonly options: { readonly useLevenshteinDistance: boolean };
  readonly wordSequenceCheck?: boolean;
  getRangedDictionaries(userInputsOptions: unknown): {
    rankedDictionaries: Record<string, RankedTable>;
    rankedDictionariesMaxWordSize: Record<string, number>;
  };
  match(args: MatchArguments): DictionaryMatch[];
}

/** The table each estimator walks as a trie, by the options object its matchers share. */
const tries = new WeakMap<object, { readonly table: RankedTable; readonly trie: WordTrie }>();
const INSTALLED = Symbol('ferry.trieDictionaryMatcher');

/**
 * Makes `factory` find the words of `table` (one of its ranked tables) by walking a trie.
 * zxcvbn looks every substring of the password up in each table, once as typed, once
 * reversed and once per l33t reading, which is most of a strength check's time; the trie
 * finds the same words, with the same ranks and in the same order, for a fraction of it.
 * The reverse and l33t matchers reach the dictionary matcher's method through `super`, so the
 * method is replaced on its prototype; an estimator without a registered table, a word-sequence
 * matcher or Levenshtein matching keeps zxcvbn's own code.
 */
export function walkTableAsTrie(factory: ZxcvbnFactory, table: RankedTable): void {
  const internals = factory as unknown as {
    options: object;
    matching: { matchers: { dictionary: DictionaryMatcher } };
  };
  tries.set(internals.options, { table, trie: new WordTrie(table) });
  const prototype = Object.getPrototypeOf(internals.matching.matchers.dictionary) as
    (DictionaryMatcher & { [INSTALLED]?: true }) | null;
  if (!prototype || prototype[INSTALLED]) return;
  const zxcvbnMatch = prototype.match;
  prototype.match = function (this: DictionaryMatcher, args: MatchArguments) {
    const indexed = tries.get(this.options);
    if (!indexed || this.wordSequenceCheck || this.options.useLevenshteinDistance)
      return zxcvbnMatch.call(this, args);
    return matchWithTrie(this, args, indexed);
  };
  prototype[INSTALLED] = true;
}

/** zxcvbn's dictionary matches, in its order: by start, then end, then table. */
function matchWithTrie(
  matcher: DictionaryMatcher,
  { password, userInputsOptions }: MatchArguments,
  indexed: { readonly table: RankedTable; readonly trie: WordTrie },
): DictionaryMatch[] {
  const matches: DictionaryMatch[] = [];
  // As zxcvbn: positions are the password's, read in its lower case, which can be longer
  // ("İ" lowers to two code units): nothing past the password's own length is looked at.
  const lower = password.toLowerCase();
  const length = password.length;
  const { rankedDictionaries, rankedDictionariesMaxWordSize } =
    matcher.getRangedDictionaries(userInputsOptions);
  const names = Object.keys(rankedDictionaries);
  // The other tables (the user's own inputs, a few words) get a small trie of their own on
  // each call (zxcvbn calls once as typed, once reversed and once per l33t reading).
  const walkers = names.map((name) => {
    const table = rankedDictionaries[name]!;
    const trie = table === indexed.table ? indexed.trie : new WordTrie(table);
    const ends: number[] = [];
    const ranks: number[] = [];
    const collect = (end: number, rank: number): void => {
      ends.push(end);
      ranks.push(rank);
    };
    // zxcvbn skips a substring longer than the table's longest entry (measured as it was
    // given, before lower-casing), but for the whole password when its loop gets that far.
    const width = rankedDictionariesMaxWordSize[name] ?? 0;
    return { name, trie, ends, ranks, collect, width, next: 0 };
  });
  const searchWidth = Math.max(0, ...walkers.map((walker) => walker.width));
  for (let i = 0; i < length; i++) {
    let last = -1;
    for (const walker of walkers) {
      walker.ends.length = 0;
      walker.ranks.length = 0;
      walker.next = 0;
      walker.trie.walk(lower, i, walker.collect, length);
      last = Math.max(last, walker.ends.at(-1) ?? -1);
    }
    for (let j = i; j <= last; j++) {
      const wholePassword = i === 0 && j === length - 1 && length <= searchWidth + 1;
      for (const walker of walkers) {
        if (walker.ends[walker.next] !== j) continue;
        const rank = walker.ranks[walker.next++]!;
        if (j - i + 1 > walker.width && !wholePassword) continue;
        matches.push({
          pattern: 'dictionary',
          i,
          j,
          token: password.slice(i, j + 1),
          matchedWord: lower.slice(i, j + 1),
          rank,
          dictionaryName: walker.name,
          reversed: false,
          l33t: false,
        });
      }
    }
  }
  return matches;
}
