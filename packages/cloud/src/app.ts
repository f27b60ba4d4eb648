import type { DestinationStream } from 'pino';
import { AuditLog } from './audit/audit-log.js';
import { Sessions } from './auth/sessions.js';
import { redactConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { loadDataKey } from './crypto/data-key.js';
import { SecretBox } from './crypto/secret-box.js';
import { ensureDefaultTenant } from './directory/tenants.js';
import { VerificationMethods } from './directory/verification-methods.js';
import { createLogger } from './http/logger.js';
import { buildServer } from './http/server.js';
import type { Services } from './http/services.js';
import type { ZodApp } from './http/zod-schemas.js';
import { migrateToLatest, openStore, type Store } from './store/connect.js';
import { systemClock, systemRandom, type Clock, type Random } from './util/clock.js';
import { Secret } from '@ferry/protocol';
import { sql } from 'kysely';

export interface CloudOptions {
  readonly config: Config;
  readonly clock?: Clock;
  readonly random?: Random;
  /** Where the JSON log goes (default stderr); tests capture it here. */
  readonly logDestination?: DestinationStream;
}

export interface Cloud {
  readonly server: ZodApp;
  readonly store: Store;
  readonly services: Services;
  /** Listens on the configured host and port; resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops accepting requests, drains, and closes the store. */
  close(): Promise<void>;
}

/** Opens and migrates the store, makes the default tenant and the data key, builds the server. */
export async function createCloud(options: CloudOptions): Promise<Cloud> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const logger = createLogger(config.logLevel, options.logDestination);
  const key = loadDataKey(
    config.dataDir,
    config.dataKey ? Secret.of(config.dataKey) : undefined,
    random,
  );
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let draining = false;
  try {
    logger.info({ config: redactConfig(config), store: store.dialect }, 'cloud starting');
    await migrateToLatest(store);
    const defaultTenantId = await ensureDefaultTenant(store.db, clock, random);
    const services: Services = {
      config,
      db: store.db,
      clock,
      random,
      audit: new AuditLog(store.db, clock, random),
      sessions: new Sessions(store.db, clock, random, config.sessionMinutes),
      methods: new VerificationMethods(store.db, clock, random, new SecretBox(key, random)),
      defaultTenantId,
      ready: async () => {
        if (draining) return false;
        try {
          await sql`select 1`.execute(store.db);
          return true;
        } catch {
          return false;
        }
      },
    };
    const server = await buildServer(services, logger);
    return {
      server,
      store,
      services,
      listen: async () => {
        const address = await server.listen({ host: config.host, port: config.port });
        return address;
      },
      close: async () => {
        draining = true;
        await server.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
