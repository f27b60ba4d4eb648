/**
 * Levenshtein distance when it is 0 or 1, else undefined. Linear: the matcher only ever
 * asks "within one edit?", so a full dynamic-programming table would be wasted work.
 */
export function distanceWithinOne(a: string, b: string): 0 | 1 | undefined {
  if (a === b) return 0;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (long.length - short.length > 1) return undefined;
  let i = 0;
  while (i < short.length && short.charCodeAt(i) === long.charCodeAt(i)) i++;
  // After the first difference the rest must agree: shifted by one (insertion) or not
  // (substitution).
  const restLong = long.slice(i + 1);
  if (short.length === long.length) return short.slice(i + 1) === restLong ? 1 : undefined;
  return short.slice(i) === restLong ? 1 : undefined;
}

/** Every string one deletion away from `text` (duplicates removed). */
export function singleDeletions(text: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < text.length; i++) out.add(text.slice(0, i) + text.slice(i + 1));
  return [...out];
}
