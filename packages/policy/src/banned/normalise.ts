/**
 * Entra Password Protection's normalisation: lower-case, then the four substitutions
 * Microsoft documents (0→o, 1→l, $→s, @→a). Other leetspeak (3→e, 4→a, …) is deliberately
 * not folded here: Entra does not, and zxcvbn's l33t matcher already scores it.
 */
const SUBSTITUTIONS: ReadonlyMap<string, string> = new Map([
  ['0', 'o'],
  ['1', 'l'],
  ['$', 's'],
  ['@', 'a'],
]);

export function normalise(text: string): string {
  let out = '';
  for (const char of text.toLowerCase()) out += SUBSTITUTIONS.get(char) ?? char;
  return out;
}

/** Characters as a person counts them (code points), not UTF-16 units. */
export function characterCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (!isTrailingSurrogate(text, i)) count++;
  return count;
}

/** True for the second half of a surrogate pair: it adds no character of its own. */
export function isTrailingSurrogate(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 0xdc00 || code > 0xdfff || index === 0) return false;
  const before = text.charCodeAt(index - 1);
  return before >= 0xd800 && before <= 0xdbff;
}
