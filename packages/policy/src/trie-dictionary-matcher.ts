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
  const lower = password.toLowerCase();
  const { rankedDictionaries } = matcher.getRangedDictionaries(userInputsOptions);
  const names = Object.keys(rankedDictionaries);
  // The other tables (the user's own inputs, a few words) get a trie of their own per check.
  const walkers = names.map((name) => {
    const table = rankedDictionaries[name]!;
    const trie = table === indexed.table ? indexed.trie : new WordTrie(table);
    const ends: number[] = [];
    const ranks: number[] = [];
    const collect = (end: number, rank: number): void => {
      ends.push(end);
      ranks.push(rank);
    };
    return { name, trie, ends, ranks, collect, next: 0 };
  });
  for (let i = 0; i < lower.length; i++) {
    let last = -1;
    for (const walker of walkers) {
      walker.ends.length = 0;
      walker.ranks.length = 0;
      walker.next = 0;
      walker.trie.walk(lower, i, walker.collect);
      last = Math.max(last, walker.ends.at(-1) ?? -1);
    }
    for (let j = i; j <= last; j++) {
      for (const walker of walkers) {
        if (walker.ends[walker.next] !== j) continue;
        matches.push({
          pattern: 'dictionary',
          i,
          j,
          token: password.slice(i, j + 1),
          matchedWord: lower.slice(i, j + 1),
          rank: walker.ranks[walker.next++]!,
          dictionaryName: walker.name,
          reversed: false,
          l33t: false,
        });
      }
    }
  }
  return matches;
}
