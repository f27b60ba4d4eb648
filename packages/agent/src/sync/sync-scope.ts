/** DNs compare case-insensitively and without the optional spaces around separators. */
export function normalizeDn(dn: string): string {
  return dn
    .trim()
    .replace(/\s*([,=])\s*/g, '$1')
    .toLowerCase();
}

function within(dn: string, base: string): boolean {
  return dn === base || dn.endsWith(`,${base}`);
}

/**
 * Which part of the directory the sync covers: users under an included OU (or the base
 * DN), not under an excluded OU. The extra LDAP filter is applied by the DC, not here.
 */
export class SyncScope {
  readonly searchBases: readonly string[];
  readonly #includes: readonly string[];
  readonly #excludes: readonly string[];

  constructor(baseDn: string, includeOus: readonly string[], excludeOus: readonly string[]) {
    const wanted = includeOus.length > 0 ? includeOus : [baseDn];
    // An OU inside another included OU would be read twice.
    const unique = [...new Map(wanted.map((dn) => [normalizeDn(dn), dn])).entries()];
    const outer = unique.filter(
      ([key]) => !unique.some(([other]) => other !== key && within(key, other)),
    );
    this.searchBases = outer.map(([, dn]) => dn);
    this.#includes = outer.map(([key]) => key);
    this.#excludes = excludeOus.map(normalizeDn);
  }

  /** True for an object (or a tombstone's last parent) inside the scope. */
  contains(dn: string): boolean {
    const key = normalizeDn(dn);
    return (
      this.#includes.some((base) => within(key, base)) &&
      !this.#excludes.some((base) => within(key, base))
    );
  }
}
