import type { DestinationStream } from 'pino';
import { AuditLog } from './audit/audit-log.js';
import { Sessions } from './auth/sessions.js';
import { redactConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { loadDataKey } from './crypto/data-key.js';
import { SecretBox } from './crypto/secret-box.js';
import { ensureDefaultTenant } from './directory/tenants.js';
import { VerificationMethods } from './directory/verification-methods.js';
import { cookiesHardened } from './http/cookies.js';
import { createLogger } from './http/logger.js';
import { buildServer } from './http/server.js';
import { reloadTls } from './http/tls.js';
import type { Server as HttpsServer } from 'node:https';
import type { Services } from './http/services.js';
import type { ZodApp } from './http/zod-schemas.js';
import { migrateToLatest, openStore, type Store } from './store/connect.js';
import { systemClock, systemRandom, type Clock, type Random } from './util/clock.js';
import { Secret } from '@ferry/protocol';
import { sql } from 'kysely';
import { AgentGateway } from './relay/agent-gateway.js';
import { AgentSessions } from './relay/agent-sessions.js';
import { CloudKeyRing } from './relay/cloud-key-ring.js';
import { OperationRelay } from './relay/operation-relay.js';
import { UserDirectoryPolicies } from './relay/user-directory-policy.js';
import { PostgresBus } from './relay/postgres-bus.js';
import { LocalBus, type RelayBus } from './relay/relay-bus.js';
import { createMailer, createSmsGateway } from './notify/transports.js';
import { createSsprKit } from './sspr/sspr-kit.js';
import { OneTimeCodes } from './verification/one-time-codes.js';
import { PendingRegistrations } from './me/pending-registrations.js';
import { UserSessions } from './me/user-sessions.js';
import { PasswordChecks } from './password-checks/password-checks.js';
import { OidcHost } from './oidc/oidc-host.js';
import { deriveKey } from './crypto/data-key.js';
import { startMetricsListener, type MetricsListener } from '@ferry/config';
import { CloudMetrics } from './metrics/cloud-metrics.js';
import { registerAgentsOnline } from './metrics/agents-online.js';

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
  /** This node's name among nodes sharing one PostgreSQL. */
  readonly nodeId: string;
  readonly metrics: CloudMetrics;
  /** Listens on the configured host and port (and the metrics listener when configured);
   *  resolves to the base URL. */
  listen(): Promise<string>;
  /** Base URL of the metrics listener once listening; undefined when it is off. */
  metricsUrl(): string | undefined;
  /** Stops accepting requests, drains, and closes the store. */
  close(): Promise<void>;
  /** Reads the TLS files again for new connections; throws (keeping the old pair) when bad. */
  reloadTls(): void;
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
  const metrics = new CloudMetrics(() => clock.now());
  const store = openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    sqliteSynchronous: config.sqliteSynchronous,
    onQuery: (sqlText, seconds, failed) => metrics.query(sqlText, seconds, failed),
  });
  let metricsListener: MetricsListener | undefined;
  let draining = false;
  const closers: Array<() => Promise<void>> = [];
  try {
    logger.info({ config: redactConfig(config), store: store.dialect }, 'cloud starting');
    await migrateToLatest(store);
    const defaultTenantId = await ensureDefaultTenant(store.db, clock, random);
    const box = new SecretBox(key, random);
    const nodeId = config.nodeId ?? random.uuid();
    // Several nodes route agent work through PostgreSQL; SQLite means one node.
    const bus: RelayBus = config.databaseUrl
      ? await PostgresBus.open(config.databaseUrl, logger)
      : new LocalBus();
    // Each check thread builds the strength estimator's word lists (~0.3 s) at start-up,
    // not in the first user's request.
    const passwordChecks = new PasswordChecks(logger);
    closers.push(() => passwordChecks.close());
    await passwordChecks.ready();
    const sessions = new AgentSessions();
    const audit = new AuditLog(store.db, clock, random);
    const cloudKeys = await CloudKeyRing.load(store.db, box, clock);
    const relay = new OperationRelay({
      db: store.db,
      bus,
      sessions,
      nodeId,
      signingKey: () => cloudKeys.current.privateKey,
      clock,
      random,
      log: logger,
      timeoutMs: config.operationTimeoutSeconds * 1000,
      agentStaleMs: config.agentHeartbeatSeconds * 3000,
      metrics,
    });
    registerAgentsOnline(metrics.registry, {
      db: store.db,
      clock,
      staleMs: config.agentHeartbeatSeconds * 3000,
    });
    const gateway = new AgentGateway({
      db: store.db,
      bus,
      sessions,
      relay,
      nodeId,
      clock,
      random,
      log: logger,
      heartbeatSeconds: config.agentHeartbeatSeconds,
      cloudKeys,
      handshakeMs: config.agentHandshakeSeconds * 1000,
      pending: { perAddress: config.agentPendingPerAddress, total: config.agentPendingTotal },
      audit,
      metrics,
    });
    closers.push(
      () => gateway.close(),
      async () => relay.close(),
      () => bus.close(),
    );
    const oidc = new OidcHost({
      db: store.db,
      box,
      clock,
      tenantId: defaultTenantId,
      cookieKeys: [deriveKey(key, 'oidc-cookies').toString('base64url')],
      cookiesHardened: cookiesHardened(config),
      lifetimes: {
        accessTokenMinutes: config.oidcAccessTokenMinutes,
        refreshTokenDays: config.oidcRefreshTokenDays,
        sessionMinutes: config.oidcSessionMinutes,
      },
      trustProxy: config.trustProxy,
      rotationDays: config.oidcSigningKeyRotationDays,
      bus,
      log: logger,
    });
    closers.push(async () => oidc.close());
    const services: Services = {
      config,
      db: store.db,
      clock,
      random,
      audit,
      sessions: new Sessions(store.db, clock, random, config.sessionMinutes),
      methods: new VerificationMethods(store.db, clock, random, box),
      mailer: createMailer(config, logger),
      sms: createSmsGateway(config, logger),
      codes: new OneTimeCodes(store.db, clock, random),
      sspr: createSsprKit({
        db: store.db,
        clock,
        random,
        dataKey: key,
        powBits: config.ssprPowBits,
        onThrottled: metrics.onThrottled,
      }),
      userSessions: new UserSessions(store.db, clock, random, config.userSessionMinutes),
      pendingRegistrations: new PendingRegistrations(store.db, clock, box),
      relay,
      directoryPolicies: new UserDirectoryPolicies({
        db: store.db,
        clock,
        relay,
        agentStaleMs: config.agentHeartbeatSeconds * 3000,
      }),
      passwordChecks,
      bus,
      nodeId,
      cloudKeys,
      oidc,
      defaultTenantId,
      metrics,
      guessKey: deriveKey(key, 'guess-subjects'),
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
    server.server.on('upgrade', (request, socket, head) => {
      if (!gateway.handleUpgrade(request, socket, head)) socket.destroy();
    });
    return {
      server,
      store,
      services,
      nodeId,
      metrics,
      listen: async () => {
        const address = await server.listen({ host: config.host, port: config.port });
        if (config.metricsPort !== undefined) {
          metricsListener = await startMetricsListener({
            host: config.metricsHost,
            port: config.metricsPort,
            token: config.metricsToken,
            render: () => metrics.render(),
          });
          logger.info({ url: metricsListener.url }, 'metrics listening');
        }
        // The issuer is the public URL, else the address this node listens on.
        await oidc.start(config.publicUrl ?? address);
        return address;
      },
      metricsUrl: () => metricsListener?.url,
      reloadTls: () => reloadTls(server.server as unknown as HttpsServer, config),
      close: async () => {
        draining = true;
        await metricsListener?.close();
        for (const close of closers.splice(0)) await close();
        await server.close();
        await store.close();
      },
    };
  } catch (error) {
    for (const close of closers.splice(0)) await close().catch(() => undefined);
    await store.close();
    throw error;
  }
}
