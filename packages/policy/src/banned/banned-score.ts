import { isTrailingSurrogate, normalise } from './normalise.js';
import { occurrences } from './occurrences.js';
import type { BannedTermIndex, TermSource } from './term-index.js';

/** Entra accepts a password at 5 points or more. */
export const BANNED_MIN_SCORE = 5;

export interface BannedScoreInput {
  /** Fuzzy-matched lists (the global list, the tenant's custom list). */
  readonly lists: readonly BannedTermIndex[];
  /** Substring-matched, already normalised terms: the user's names. */
  readonly nameTerms?: readonly string[];
  /** Substring-matched, already normalised terms: the tenant's name. */
  readonly tenantTerms?: readonly string[];
}

export interface BannedScore {
  readonly score: number;
  readonly ok: boolean;
  /** Categories of the terms counted in the score, in a stable order. */
  readonly sources: readonly TermSource[];
}

interface Window {
  readonly start: number;
  readonly end: number;
  readonly source: TermSource;
}

const SOURCE_ORDER: readonly TermSource[] = ['global', 'custom', 'name', 'tenant'];

/**
 * Entra Password Protection's score: normalise, find banned terms (fuzzy, edit distance 1)
 * and names (substring), then 1 point per term found + 1 per remaining character. Where
 * occurrences overlap, the cover that gives the lowest score is used: the password has to be
 * good under every reading of it.
 */
export function scoreBannedTerms(password: string, input: BannedScoreInput): BannedScore {
  const text = normalise(password);
  const windows: Window[] = [];
  for (const list of input.lists) {
    for (const match of occurrences(list.find(text))) {
      windows.push({ start: match.start, end: match.end, source: list.source });
    }
  }
  addSubstrings(text, input.nameTerms ?? [], 'name', windows);
  addSubstrings(text, input.tenantTerms ?? [], 'tenant', windows);

  const { score, chosen } = lowestCover(text, windows);
  const found = new Set(chosen.map((window) => window.source));
  return {
    score,
    ok: score >= BANNED_MIN_SCORE,
    sources: SOURCE_ORDER.filter((source) => found.has(source)),
  };
}

function addSubstrings(text: string, terms: readonly string[], source: TermSource, out: Window[]) {
  for (const term of terms) {
    if (term.length === 0) continue;
    for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + 1)) {
      out.push({ start: at, end: at + term.length, source });
    }
  }
}

/** Weighted interval cover by dynamic programming from the end: O(length + windows). */
function lowestCover(text: string, windows: readonly Window[]) {
  const n = text.length;
  const startingAt: Window[][] = Array.from({ length: n }, () => []);
  for (const window of windows) startingAt[window.start]?.push(window);
  const best = new Array<number>(n + 1).fill(0);
  const choice = new Array<Window | undefined>(n + 1).fill(undefined);
  for (let i = n - 1; i >= 0; i--) {
    const charPoint = isTrailingSurrogate(text, i) ? 0 : 1;
    best[i] = charPoint + (best[i + 1] ?? 0);
    for (const window of startingAt[i] ?? []) {
      const viaTerm = 1 + (best[window.end] ?? 0);
      if (viaTerm < (best[i] ?? 0)) {
        best[i] = viaTerm;
        choice[i] = window;
      }
    }
  }
  const chosen: Window[] = [];
  for (let i = 0; i < n;) {
    const window = choice[i];
    if (window) chosen.push(window);
    i = window ? window.end : i + 1;
  }
  return { score: best[0] ?? 0, chosen };
}
