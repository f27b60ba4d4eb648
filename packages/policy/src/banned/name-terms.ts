import { characterCount, normalise } from './normalise.js';

/** Entra checks names only when they are at least this long (after normalisation). */
export const MIN_NAME_TERM_LENGTH = 4;

const NAME_SEPARATORS = /[\s,.'’_-]+/u;

/**
 * The substring terms a person's or tenant's name yields: the whole name and each of its
 * parts ("Anne-Marie Dupont" → "anne-marie dupont", "anne", "marie", "dupont"), normalised,
 * 4+ characters. Entra only says "first and last name"; checking the parts of compound
 * names is Ferry's addition (a part is what people actually put in a password).
 */
export function nameTerms(names: readonly (string | undefined)[]): string[] {
  const terms = new Set<string>();
  for (const name of names) {
    if (!name) continue;
    const whole = normalise(name.trim());
    for (const part of [whole, ...whole.split(NAME_SEPARATORS)]) {
      if (characterCount(part) >= MIN_NAME_TERM_LENGTH) terms.add(part);
    }
  }
  return [...terms];
}
