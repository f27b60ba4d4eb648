import type { Transaction } from 'kysely';
import type { Database } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';

/**
 * AD groups as cloud groups. Users arrive with the DNs of their direct groups (memberOf), so
 * a synced group is keyed by its DN (lower-cased, as AD compares DNs) and named after its CN;
 * admins then pick it like any group (e.g. the SSPR scope). Membership in synced groups
 * follows AD only: each upserted user's synced memberships are replaced by what AD listed.
 */
export class SyncedGroups {
  readonly #ids = new Map<string, string>();

  constructor(
    private readonly trx: Transaction<Database>,
    private readonly tenantId: string,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** Sets the user's memberships in synced groups to exactly `groupDns`. */
  async setMemberships(userId: string, groupDns: readonly string[]): Promise<void> {
    const wanted = new Set<string>();
    for (const dn of groupDns) wanted.add(await this.#groupId(dn));
    const current = await this.trx
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select('group_members.group_id as groupId')
      .where('group_members.tenant_id', '=', this.tenantId)
      .where('group_members.user_id', '=', userId)
      .where('groups.source', '=', 'synced')
      .execute();
    const held = new Set(current.map((row) => row.groupId));
    const leaving = [...held].filter((id) => !wanted.has(id));
    const joining = [...wanted].filter((id) => !held.has(id));
    if (leaving.length > 0) {
      await this.trx
        .deleteFrom('group_members')
        .where('tenant_id', '=', this.tenantId)
        .where('user_id', '=', userId)
        .where('group_id', 'in', leaving)
        .execute();
    }
    if (joining.length > 0) {
      const now = this.clock.now().toISOString();
      await this.trx
        .insertInto('group_members')
        .values(
          joining.map((groupId) => ({
            tenant_id: this.tenantId,
            group_id: groupId,
            user_id: userId,
            added_at: now,
          })),
        )
        .execute();
    }
  }

  /**
   * AD does not touch a member when a group loses them, so a run that re-read a group's
   * members (`refreshedGroups`) names the group, and whoever the run did not upsert is no
   * longer in it.
   */
  async dropUnrefreshedMembers(runId: string, groupDns: readonly string[]): Promise<void> {
    for (const dn of groupDns) {
      const group = await this.#find(anchorOf(dn));
      if (!group) continue;
      await this.trx
        .deleteFrom('group_members')
        .where('tenant_id', '=', this.tenantId)
        .where('group_id', '=', group)
        .where('user_id', 'not in', (eb) =>
          eb
            .selectFrom('users')
            .select('id')
            .where('tenant_id', '=', this.tenantId)
            .where('sync_run_id', '=', runId),
        )
        .execute();
    }
  }

  async #groupId(dn: string): Promise<string> {
    const anchor = anchorOf(dn);
    const cached = this.#ids.get(anchor);
    if (cached) return cached;
    const id = (await this.#find(anchor)) ?? (await this.#create(dn, anchor));
    this.#ids.set(anchor, id);
    return id;
  }

  async #find(anchor: string): Promise<string | undefined> {
    const row = await this.trx
      .selectFrom('groups')
      .select('id')
      .where('tenant_id', '=', this.tenantId)
      .where('source', '=', 'synced')
      .where('source_anchor', '=', anchor)
      .executeTakeFirst();
    return row?.id;
  }

  async #create(dn: string, anchor: string): Promise<string> {
    const cn = commonNameOf(dn);
    // Group names are unique per tenant; a cloud group may already use the CN, and the DN
    // is unique by definition.
    const taken = await this.trx
      .selectFrom('groups')
      .select('id')
      .where('tenant_id', '=', this.tenantId)
      .where('name_lower', '=', cn.toLowerCase())
      .executeTakeFirst();
    const name = taken ? dn : cn;
    const id = this.random.uuid();
    await this.trx
      .insertInto('groups')
      .values({
        id,
        tenant_id: this.tenantId,
        name,
        name_lower: name.toLowerCase(),
        description: `Synced from ${dn}`,
        source: 'synced',
        source_anchor: anchor,
        created_at: this.clock.now().toISOString(),
      })
      .execute();
    return id;
  }
}

function anchorOf(dn: string): string {
  return `dn:${dn.toLowerCase()}`;
}

/** The first RDN's value, unescaped (`CN=Sales\, EMEA,OU=…` → `Sales, EMEA`). */
export function commonNameOf(dn: string): string {
  const match = /^\s*[A-Za-z]+=((?:\\.|[^,\\])*)/.exec(dn);
  const raw = match?.[1] ?? dn;
  return raw.replace(/\\([0-9a-fA-F]{2}|.)/g, (_all, escaped: string) =>
    escaped.length === 2 ? String.fromCharCode(parseInt(escaped, 16)) : escaped,
  );
}
