/**
 * Active Directory's "Password must meet complexity requirements", as the DC evaluates it:
 * at least three of five character categories, no sAMAccountName (when 3+ characters), and
 * no displayName token of 3+ characters (tokens split on , . - _ # space and tab), all
 * case-insensitive.
 *
 * Windows and Samba differ, and Ferry can face either:
 * - Windows counts as special only the 32 ASCII symbols below (currency signs such as € and
 *   £ are not special), and as the fifth category letters that are neither upper- nor
 *   lower-case (CJK, Arabic, …).
 * - Samba (check_password_quality) counts every non-ASCII character that is not upper- or
 *   lower-case in the fifth category (so € counts there), and checks neither the account
 *   name nor the display name (it hands them only to an optional check-password script).
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

export type AdDialect = 'windows' | 'samba';

export interface AdComplexityOptions {
  /** Which implementation to predict; Windows (the stricter) by default. */
  readonly dialect?: AdDialect;
}

/** Exactly the delimiters Microsoft lists: comma, period, hyphen, underscore, #, space, tab. */
const NAME_DELIMITERS = /[,.\-_# \t]+/;
const SPECIAL = new Set('~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/');
const MIN_NAME_LENGTH = 3;

export function countCategories(password: string, dialect: AdDialect = 'windows'): number {
  let upper = false;
  let lower = false;
  let digit = false;
  let special = false;
  let other = false;
  for (const char of password) {
    if (char >= '0' && char <= '9') digit = true;
    else if (/\p{Lu}/u.test(char)) upper = true;
    else if (/\p{Ll}/u.test(char)) lower = true;
    else if (SPECIAL.has(char)) special = true;
    // Other ASCII (space, control characters) belongs to no category.
    else if ((char.codePointAt(0) ?? 0) < 0x80) continue;
    else if (dialect === 'samba' || /\p{L}/u.test(char)) other = true;
  }
  return [upper, lower, digit, special, other].filter(Boolean).length;
}

/** displayName parts AD compares with the password: split on its delimiters, 3+ characters. */
export function displayNameTokens(displayName: string): string[] {
  return displayName.split(NAME_DELIMITERS).filter((token) => token.length >= MIN_NAME_LENGTH);
}

export function checkAdComplexity(
  password: string,
  identity: AdIdentity = {},
  options: AdComplexityOptions = {},
): AdComplexityResult {
  const dialect = options.dialect ?? 'windows';
  const checkNames = dialect === 'windows';
  const lowered = password.toLowerCase();
  const account = identity.sAMAccountName?.toLowerCase() ?? '';
  const containsAccountName =
    checkNames && account.length >= MIN_NAME_LENGTH && lowered.includes(account);
  const containsDisplayNameToken =
    checkNames &&
    displayNameTokens(identity.displayName ?? '').some((token) =>
      lowered.includes(token.toLowerCase()),
    );
  const categoriesMet = countCategories(password, dialect);
  return {
    ok: categoriesMet >= 3 && !containsAccountName && !containsDisplayNameToken,
    categoriesMet,
    categoriesRequired: 3,
    containsAccountName,
    containsDisplayNameToken,
  };
}
