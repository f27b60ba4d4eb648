import { randomBytes } from 'node:crypto';
import { Secret } from '@ferry/protocol';
import { sql } from 'kysely';
import { createCloud, type Cloud } from '../../src/app.js';
import { configSchema } from '../../src/config/schema.js';
import { setRoles } from '../../src/directory/roles.js';
import { createTenant } from '../../src/directory/tenants.js';
import { createCloudUser } from '../../src/directory/users.js';
import type { AdminRole } from '../../src/store/tables.js';
import { ManualClock, systemRandom } from '../../src/util/clock.js';
import { ApiClient } from './api-client.js';
import type { Backend } from './backends.js';

export interface SeededAdmin {
  readonly id: string;
  readonly upn: string;
  readonly password: string;
  readonly tenantId: string;
}

/**
 * One cloud on a fresh store, with a manual clock, its pino output captured, and three
 * admins: a global and a helpdesk admin of the default tenant, and a global admin of a
 * second tenant. Every password is random, so the secret scans below can search for them.
 */
export class Harness {
  readonly logLines: string[] = [];
  /** Every plaintext secret the test used; the secrets test searches logs and dumps for them. */
  readonly secretsUsed: string[] = [];
  readonly clock = new ManualClock(new Date('2026-03-01T09:00:00.000Z'));
  cloud!: Cloud;
  tenantId!: string;
  otherTenantId!: string;
  global!: SeededAdmin;
  helpdesk!: SeededAdmin;
  otherGlobal!: SeededAdmin;
  #destroy: (() => Promise<void>) | undefined;

  constructor(
    readonly backend: Backend,
    /** Config keys a suite sets on top of the defaults (e.g. smtpUrl for a mail catcher). */
    readonly configOverrides: Readonly<Record<string, unknown>> = {},
  ) {}

  static async start(
    backend: Backend,
    configOverrides: Readonly<Record<string, unknown>> = {},
  ): Promise<Harness> {
    const harness = new Harness(backend, configOverrides);
    await harness.#start();
    return harness;
  }

  async #start(): Promise<void> {
    const store = await this.backend.create();
    this.#destroy = store.destroy;
    const config = configSchema.parse({
      dataDir: store.dataDir,
      ...(store.databaseUrl ? { databaseUrl: store.databaseUrl } : {}),
      port: 0,
      logLevel: 'trace',
      rateLimitPerMinute: 100_000,
      ...this.configOverrides,
    });
    this.cloud = await createCloud({
      config,
      clock: this.clock,
      random: systemRandom,
      logDestination: { write: (line: string) => void this.logLines.push(line) },
    });
    this.tenantId = this.cloud.services.defaultTenantId;
    const { db, random } = this.cloud.services;
    this.otherTenantId = await createTenant(db, this.clock, random, 'Other');
    this.global = await this.seedAdmin(this.tenantId, 'global@contoso.test', ['global_admin']);
    this.helpdesk = await this.seedAdmin(this.tenantId, 'helpdesk@contoso.test', [
      'helpdesk_admin',
    ]);
    this.otherGlobal = await this.seedAdmin(this.otherTenantId, 'global@fabrikam.test', [
      'global_admin',
    ]);
  }

  get app() {
    return this.cloud.server;
  }

  /** A fresh random password, remembered for the secret scans. */
  password(): string {
    const value = `Pw-${randomBytes(12).toString('hex')}!`;
    this.secretsUsed.push(value);
    return value;
  }

  async seedAdmin(tenantId: string, upn: string, roles: AdminRole[]): Promise<SeededAdmin> {
    const password = this.password();
    const { db, random } = this.cloud.services;
    const user = await createCloudUser(db, this.clock, random, tenantId, {
      upn,
      displayName: upn.split('@')[0] ?? upn,
      password: Secret.of(password),
    });
    if (roles.length > 0) await setRoles(db, tenantId, user.id, roles, this.clock.now());
    return { id: user.id, upn, password, tenantId };
  }

  /** A random id that names nothing. */
  random(): string {
    return this.cloud.services.random.uuid();
  }

  client(): ApiClient {
    return new ApiClient(this.app);
  }

  async signedIn(admin: SeededAdmin): Promise<ApiClient> {
    const client = this.client();
    const response = await client.signIn(admin.upn, admin.password, admin.tenantId);
    if (client.csrfToken) this.secretsUsed.push(client.csrfToken);
    for (const part of (client.cookie ?? '').split('; ')) {
      const value = part.split('=')[1];
      if (value) this.secretsUsed.push(value);
    }
    void response;
    return client;
  }

  /** Audit rows of a tenant, oldest first. */
  async auditRows(tenantId = this.tenantId) {
    return this.cloud.services.db
      .selectFrom('audit_events')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('seq')
      .execute();
  }

  /** Every row of every table, as text. */
  async dumpAllTables(): Promise<string> {
    const { db } = this.cloud.services;
    const tables =
      this.cloud.store.dialect === 'sqlite'
        ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
            db,
          )
        : await sql<{
            name: string;
          }>`select tablename as name from pg_tables where schemaname = 'public'`.execute(db);
    const parts: string[] = [];
    for (const { name } of tables.rows) {
      const rows = await sql`select * from ${sql.table(name)}`.execute(db);
      parts.push(`${name}: ${JSON.stringify(rows.rows)}`);
    }
    return parts.join('\n');
  }

  async stop(): Promise<void> {
    await this.cloud?.close();
    await this.#destroy?.();
  }
}
