import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../../src/store/tables.js';

const FIRST = [
  'Adele',
  'Aiden',
  'Amira',
  'Anton',
  'Beatriz',
  'Bruno',
  'Camille',
  'Chen',
  'Dario',
  'Delphine',
  'Elena',
  'Emeka',
  'Farah',
  'Felix',
  'Giulia',
  'Gustav',
  'Hana',
  'Hugo',
  'Ines',
  'Ivan',
  'Jasmin',
  'Jonas',
  'Kaito',
  'Klara',
  'Leila',
  'Lucas',
  'Maja',
  'Mateo',
  'Nadia',
  'Nils',
  'Olga',
  'Oscar',
  'Priya',
  'Pavel',
  'Quentin',
  'Rosa',
  'Rafael',
  'Sofia',
  'Samir',
  'Tess',
  'Tomas',
  'Ulla',
  'Victor',
  'Wen',
  'Xavier',
  'Yara',
  'Yusuf',
  'Zoe',
  'Zoran',
  'Margot',
];
const LAST = [
  'Andersen',
  'Baptiste',
  'Castillo',
  'Dubois',
  'Eriksson',
  'Fontaine',
  'Garcia',
  'Hoffmann',
  'Ivanova',
  'Jansen',
  'Kowalski',
  'Lefebvre',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quiroga',
  'Rossi',
  'Schneider',
  'Tanaka',
  'Urbano',
  'Vasquez',
  'Weber',
  'Xu',
  'Yilmaz',
  'Zimmermann',
  'Bianchi',
  'Costa',
  'Novak',
  'Horvat',
  'Lindqvist',
  'Mbeki',
  'Oliveira',
  'Papadopoulos',
  'Richter',
  'Svensson',
  'Takahashi',
  'Virtanen',
  'Wojcik',
  'Kuznetsov',
];

/** The n-th bulk user's names: 50 × 40 name pairs, the number keeps the UPN unique. */
export function bulkUserNames(n: number): { upn: string; displayName: string } {
  const first = FIRST[n % FIRST.length]!;
  const last = LAST[Math.floor(n / FIRST.length) % LAST.length]!;
  return {
    upn: `${first.toLowerCase()}.${last.toLowerCase()}${n}@scale.test`,
    displayName: `${first} ${last} ${n}`,
  };
}

/**
 * Inserts users `from` .. `to - 1` into a tenant through the store, in multi-row INSERTs
 * (2,000 rows keep PostgreSQL under its 65,535 parameters). Every user gets `passwordHash`
 * (one Argon2 hash shared by all: hashing a million passwords would take hours).
 */
export async function insertBulkUsers(
  db: Kysely<Database>,
  tenantId: string,
  range: { from: number; to: number },
  passwordHash: string | null,
  onBatch: (done: number) => void = () => undefined,
): Promise<void> {
  const now = new Date().toISOString();
  for (let start = range.from; start < range.to; start += 2000) {
    const rows: UserRow[] = [];
    for (let n = start; n < Math.min(range.to, start + 2000); n += 1) {
      const { upn, displayName } = bulkUserNames(n);
      rows.push({
        id: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
        tenant_id: tenantId,
        source: 'cloud',
        sync_run_id: null,
        upn,
        upn_lower: upn,
        display_name: displayName,
        given_name: displayName.split(' ')[0]!,
        family_name: displayName.split(' ')[1]!,
        email: upn,
        password_hash: passwordHash,
        source_anchor: null,
        on_prem_dn: null,
        sam_account_name: null,
        enabled: 1,
        locked_out: 0,
        password_last_set_at: passwordHash ? now : null,
        synced_at: null,
        sync_agent_id: null,
        created_at: now,
        updated_at: now,
      });
    }
    await db.insertInto('users').values(rows).execute();
    onBatch(start + rows.length - range.from);
  }
}
