import type { TermMatch } from './term-index.js';

/**
 * Reduces the raw windows of one term to its occurrences. A window within one edit of a term
 * also makes its neighbours match ("blankf" is "blank" plus an insertion; "lank" is "blank"
 * minus one). Entra's published example counts "blank" in "contosoblankf9!" as 5 characters,
 * not 6, so: drop a window that contains a strictly closer window of the same term, and drop
 * a window that lies inside an equally close or closer window of the same term.
 */
export function occurrences(matches: readonly TermMatch[]): TermMatch[] {
  const byTerm = new Map<number, TermMatch[]>();
  for (const match of matches) {
    const list = byTerm.get(match.termId);
    if (list) list.push(match);
    else byTerm.set(match.termId, [match]);
  }
  const kept: TermMatch[] = [];
  for (const list of byTerm.values()) {
    for (const match of list) {
      const redundant = list.some(
        (other) =>
          other !== match &&
          ((contains(match, other) && other.distance < match.distance) ||
            (contains(other, match) && other.distance <= match.distance)),
      );
      if (!redundant) kept.push(match);
    }
  }
  return kept;
}

/** Whether `outer` strictly contains `inner`. */
function contains(outer: TermMatch, inner: TermMatch): boolean {
  return (
    outer.start <= inner.start &&
    inner.end <= outer.end &&
    outer.end - outer.start > inner.end - inner.start
  );
}
