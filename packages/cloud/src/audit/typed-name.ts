/**
 * How the audit log keeps a name typed for an account that does not exist. People type
 * passwords into the name field; the raw text would make the audit log a password store.
 * Kept: the first two characters and a domain that looks like one (`@contoso.test`), enough
 * to see a spray across one domain or repeated tries at one misspelt name. See ADR 0009.
 */
export function unknownNameForAudit(typed: string): string {
  const at = typed.lastIndexOf('@');
  const domain = at > 0 ? typed.slice(at) : '';
  const keptDomain = /^@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,63}$/i.test(domain) ? domain : '';
  return `${[...typed].slice(0, 2).join('')}…${keptDomain}`;
}
