import { characterCount, normalise } from './normalise.js';

/** Entra's limits for the custom banned password list. */
export const CUSTOM_LIST_MAX_TERMS = 1000;
export const CUSTOM_TERM_MIN_LENGTH = 4;
export const CUSTOM_TERM_MAX_LENGTH = 16;

export type CustomTermProblem = 'too_short' | 'too_long' | 'duplicate';

export interface CustomListValidation {
  /** Normalised, de-duplicated terms, in the order given. */
  readonly terms: readonly string[];
  /** Terms refused, by position in the input (the admin sees which line to fix). */
  readonly problems: readonly { readonly index: number; readonly problem: CustomTermProblem }[];
  readonly tooMany: boolean;
  readonly ok: boolean;
}

/**
 * Checks an admin's custom list as Entra does: at most 1,000 terms of 4 to 16 characters,
 * compared after normalisation (so "P@ss" and "pass" are the same term).
 */
export function validateCustomList(input: readonly string[]): CustomListValidation {
  const terms: string[] = [];
  const problems: { index: number; problem: CustomTermProblem }[] = [];
  const seen = new Set<string>();
  input.forEach((raw, index) => {
    const term = normalise(raw.trim());
    const length = characterCount(term);
    if (length < CUSTOM_TERM_MIN_LENGTH) problems.push({ index, problem: 'too_short' });
    else if (length > CUSTOM_TERM_MAX_LENGTH) problems.push({ index, problem: 'too_long' });
    else if (seen.has(term)) problems.push({ index, problem: 'duplicate' });
    else {
      seen.add(term);
      terms.push(term);
    }
  });
  const tooMany = terms.length > CUSTOM_LIST_MAX_TERMS;
  return { terms, problems, tooMany, ok: problems.length === 0 && !tooMany };
}
