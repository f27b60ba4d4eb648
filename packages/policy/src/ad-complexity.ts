/**
 * Active Directory's "Password must meet complexity requirements", as the DC evaluates it:
 * at least three of five character categories, no sAMAccountName (when 3+ characters), and
 * no displayName token of 3+ characters (tokens split on , . - _ # space and tab), all
 * case-insensitive.
 */
export interface AdComplexityResult {
  readonly ok: boolean;
  readonly categoriesMet: number;
  readonly categoriesRequired: 3;
  readonly containsAccountName: boolean;
  readonly containsDisplayNameToken: boolean;
}

export interface AdIdentity {
  readonly sAMAccountName?: string | undefined;
  readonly displayName?: string | undefined;
}

const NAME_DELIMITERS = /[,.\-_#\s]+/u;
const SPECIAL = /[~!@#$%^&*_\-+=`|\\(){}[\]:;"'<>,.?/ ]/u;

export function countCategories(password: string): number {
  let upper = false;
  let lower = false;
  let digit = false;
  let special = false;
  let otherLetter = false;
  for (const char of password) {
    if (/\p{Lu}/u.test(char)) upper = true;
    else if (/\p{Ll}/u.test(char)) lower = true;
    else if (/[0-9]/.test(char)) digit = true;
    else if (/\p{L}/u.test(char)) otherLetter = true;
    else if (SPECIAL.test(char) || /[\p{P}\p{S}]/u.test(char)) special = true;
  }
  return [upper, lower, digit, special, otherLetter].filter(Boolean).length;
}

export function displayNameTokens(displayName: string): string[] {
  return displayName.split(NAME_DELIMITERS).filter((token) => token.length >= 3);
}

export function checkAdComplexity(password: string, identity: AdIdentity = {}): AdComplexityResult {
  const lowered = password.toLowerCase();
  const account = identity.sAMAccountName?.toLowerCase() ?? '';
  const containsAccountName = account.length >= 3 && lowered.includes(account);
  const containsDisplayNameToken = displayNameTokens(identity.displayName ?? '').some((token) =>
    lowered.includes(token.toLowerCase()),
  );
  const categoriesMet = countCategories(password);
  return {
    ok: categoriesMet >= 3 && !containsAccountName && !containsDisplayNameToken,
    categoriesMet,
    categoriesRequired: 3,
    containsAccountName,
    containsDisplayNameToken,
  };
}
