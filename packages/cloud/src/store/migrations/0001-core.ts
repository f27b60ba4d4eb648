import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Tenants, directory, admins, settings, sessions and the audit log. */
export function coreMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tenants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('upn', 'text', (c) => c.notNull())
        .addColumn('upn_lower', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('password_hash', 'text')
        .addColumn('source_anchor', 'text')
        .addColumn('on_prem_dn', 'text')
        .addColumn('sam_account_name', 'text')
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('locked_out', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('password_last_set_at', 'text')
        .addColumn('synced_at', 'text')
        .addColumn('sync_agent_id', 'text')
        .addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('sign_in_locked_until', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('users_tenant_upn', ['tenant_id', 'upn_lower'])
        .addUniqueConstraint('users_tenant_anchor', ['tenant_id', 'source_anchor'])
        .execute();

      await db.schema
        .createTable('groups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_lower', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('source_anchor', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('groups_tenant_name', ['tenant_id', 'name_lower'])
        .addUniqueConstraint('groups_tenant_anchor', ['tenant_id', 'source_anchor'])
        .execute();

      await db.schema
        .createTable('group_members')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('group_id', 'text', (c) =>
          c.notNull().references('groups.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('group_members_user')
        .on('group_members')
        .columns(['tenant_id', 'user_id'])
        .execute();

      await db.schema
        .createTable('role_assignments')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('assigned_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('role_assignments_pk', ['user_id', 'role'])
        .execute();

      await db.schema
        .createTable('verification_methods')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text')
        .addColumn('protected_value', 'text')
        .addColumn('registered_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('verification_methods_user_kind', ['user_id', 'kind'])
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('value_json', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .addPrimaryKeyConstraint('settings_pk', ['tenant_id', 'name'])
        .execute();

      await db.schema
        .createTable('admin_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('csrf_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('bootstrap_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text')
        .addColumn('target_id', 'text')
        .addColumn('target_name', 'text')
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('source_ip', 'text')
        .addColumn('request_id', 'text')
        .addColumn('detail_json', 'text')
        .execute();
      await db.schema
        .createIndex('audit_events_tenant_seq')
        .on('audit_events')
        .columns(['tenant_id', 'seq'])
        .execute();
      await forbidAuditRewrites(db, dialect);
    },
  };
}

// The audit log is append-only in the store itself, not only by convention in the code.
async function forbidAuditRewrites(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') {
    for (const op of ['UPDATE', 'DELETE']) {
      await sql
        .raw(
          `CREATE TRIGGER audit_events_no_${op.toLowerCase()} BEFORE ${op} ON audit_events ` +
            `BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`,
        )
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ ` +
        `BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$`,
    )
    .execute(db);
  await sql
    .raw(
      'CREATE TRIGGER audit_events_no_rewrite BEFORE UPDATE OR DELETE ON audit_events ' +
        'FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()',
    )
    .execute(db);
}
