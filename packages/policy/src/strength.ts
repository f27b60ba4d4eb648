import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import * as fr from '@zxcvbn-ts/language-fr';
import { walkTableAsTrie } from './trie-dictionary-matcher.js';

/** zxcvbn's scale: 0 too guessable … 4 very unguessable. */
export type StrengthScore = 0 | 1 | 2 | 3 | 4;

/**
 * Characters zxcvbn looks at. Its cost grows fast with length (seconds at 256); a prefix
 * can only be easier to guess than the whole, so scoring the prefix never overrates.
 */
export const STRENGTH_MAX_LENGTH = 64;

/**
 * l33t variants tried per match. zxcvbn's default (100) costs ~10 ms a check; here 10 cost
 * 4.4 ms and 3 cost 1.8 ms with the same scores on common l33t passwords (P@ssw0rd!,
 * M0nk3y!23, Tr0ub4dor&3, W1nt3r2026!…). The check runs on every live keystroke and before
 * every password operation, where it is on the user's wait.
 */
const L33T_MAX_SUBSTITUTIONS = 3;

let estimator: ZxcvbnFactory | undefined;

/**
 * Built on first use (ranking ~300k words takes ~150 ms) and shared. The English and French
 * lists of one kind are interleaved into one ranked list: zxcvbn's l33t matcher costs per
 * dictionary, and 40 small dictionaries made a check take 30-70 ms.
 */
function zxcvbn(): ZxcvbnFactory {
  estimator ??= buildEstimator({ mergeDictionaries: true });
  return estimator;
}

/** The estimator; `mergeDictionaries: false` only to show that merging changes no score. */
export function buildEstimator(options: { mergeDictionaries: boolean }): ZxcvbnFactory {
  const factory = new ZxcvbnFactory({
    dictionary: {
      'passwords-common': common.dictionary['passwords-common'],
      'diceware-common': common.dictionary['diceware-common'],
      words: interleave(en.dictionary['commonWords-en'], fr.dictionary['commonWords-fr']),
      names: interleave(
        en.dictionary['firstnames-en'],
        fr.dictionary['firstnames-fr'],
        en.dictionary['lastnames-en'],
        fr.dictionary['lastnames-fr'],
      ),
      wikipedia: interleave(en.dictionary['wikipedia-en'], fr.dictionary['wikipedia-fr']),
    },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
    maxLength: STRENGTH_MAX_LENGTH,
  });
  // One table, walked as a trie: the same matches, ranks and scores (strength.test.ts).
  if (options.mergeDictionaries) walkTableAsTrie(factory, mergeRankedDictionaries(factory));
  return factory;
}

/** Where zxcvbn-ts keeps its ranked tables (its typings mark the options object private). */
interface RankedTables {
  rankedDictionaries: Record<string, Record<string, number>>;
  rankedDictionariesMaxWordSize: Record<string, number>;
}

/**
 * zxcvbn looks every substring of a password up in each ranked table in turn (five here,
 * on each of five passes: as typed, reversed, three l33t readings). A match's guesses grow
 * with the word's rank and the estimate keeps the cheapest reading, so only a word's lowest
 * rank across the tables can count: one table of lowest ranks gives the same score with one
 * lookup instead of five (a check of a 20-character password: 3.7 → 1.2 ms). The feedback
 * text, which names the table, is not used.
 */
function mergeRankedDictionaries(factory: ZxcvbnFactory): Record<string, number> {
  const tables = (factory as unknown as { options: RankedTables }).options;
  const lowest: Record<string, number> = {};
  let longest = 0;
  for (const [name, table] of Object.entries(tables.rankedDictionaries)) {
    for (const [word, rank] of Object.entries(table)) {
      const known = lowest[word];
      if (known === undefined || rank < known) lowest[word] = rank;
    }
    longest = Math.max(longest, tables.rankedDictionariesMaxWordSize[name] ?? 0);
  }
  tables.rankedDictionaries = { ranked: lowest };
  tables.rankedDictionariesMaxWordSize = { ranked: longest };
  return lowest;
}

/** Merges frequency-ranked lists so that each keeps roughly its own ranks. */
function interleave(...lists: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  const longest = Math.max(...lists.map((list) => list.length));
  for (let rank = 0; rank < longest; rank++) {
    for (const list of lists) {
      const word = list[rank];
      if (word !== undefined) out.push(word);
    }
  }
  return out;
}

/**
 * zxcvbn-ts's strength score. `userInputs` (names, account, tenant) count as dictionary
 * words, so "Dupont2024!" is weak for Mr Dupont. Only the score leaves this function: the
 * result object also carries the password itself.
 */
export function strengthScore(password: string, userInputs: readonly string[]): StrengthScore {
  return zxcvbn().check(password, [...userInputs]).score;
}

/** Builds the estimator now (at start-up) instead of on the first keystroke. */
export function warmUpStrength(): void {
  zxcvbn();
}
