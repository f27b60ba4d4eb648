import { key, metricsExposureProblem } from '@ferry/config';
import { z } from 'zod';
import { trustProxySchema } from './trust-proxy.js';

/**
 * Every setting of the cloud, in one schema. `env` names the environment variable; `secret`
 * keys also accept `<ENV>_FILE` (a file holding the value) and are never printed.
 * docs/config.md is generated from this schema.
 */
const minutes = (max: number) => z.number().int().min(1).max(max);

export const configSchema = z
  .object({
    host: key(
      z.string().min(1).default('127.0.0.1'),
      'Address the HTTP server binds to; any address but loopback makes session cookies Secure and __Host- prefixed.',
      {
        env: 'FERRY_HOST',
      },
    ),
    tlsCertFile: key(
      z.string().min(1).optional(),
      'PEM certificate chain: with tlsKeyFile the cloud serves HTTPS itself (HSTS on); both files are read again on SIGHUP.',
      { env: 'FERRY_TLS_CERT_FILE' },
    ),
    tlsKeyFile: key(
      z.string().min(1).optional(),
      'PEM private key of tlsCertFile (keep it 0600, readable by the service user only).',
      { env: 'FERRY_TLS_KEY_FILE' },
    ),
    port: key(
      z.number().int().min(0).max(65535).default(8080),
      'TCP port of the HTTP server; 0 picks a free port.',
      { env: 'FERRY_PORT' },
    ),
    metricsPort: key(
      z.number().int().min(0).max(65535).optional(),
      'TCP port of the Prometheus metrics listener (GET /metrics), apart from the public port; unset: no metrics listener. 0 picks a free port. See docs/operations.md and ADR 0013.',
      { env: 'FERRY_METRICS_PORT' },
    ),
    metricsHost: key(
      z.string().min(1).default('127.0.0.1'),
      'Address the metrics listener binds to; an address other than loopback needs metricsToken.',
      { env: 'FERRY_METRICS_HOST' },
    ),
    metricsToken: key(
      z.string().min(16, 'at least 16 characters').optional(),
      'Bearer token a scrape must send (Authorization: Bearer ...); required when metricsHost is not loopback.',
      { env: 'FERRY_METRICS_TOKEN', secret: true },
    ),
    dataDir: key(
      z.string().min(1).default('./data'),
      'Folder for the embedded SQLite database and the generated data key.',
      { env: 'FERRY_DATA_DIR' },
    ),
    databaseUrl: key(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
        .optional(),
      'PostgreSQL connection URL; when unset the embedded SQLite store is used.',
      { env: 'DATABASE_URL', secret: true },
    ),
    sqliteSynchronous: key(
      z.enum(['normal', 'full']).default('normal'),
      'SQLite commit durability. normal (WAL): no fsync per commit, never corrupts, but a power loss may drop the last commits; full: an fsync per commit (~2 ms each).',
      { env: 'FERRY_SQLITE_SYNCHRONOUS' },
    ),
    publicUrl: key(
      z.url().optional(),
      'External URL of the cloud (used in links); https makes session cookies Secure and __Host- prefixed.',
      { env: 'FERRY_PUBLIC_URL' },
    ),
    dataKey: key(
      z.string().optional(),
      'Base64 32-byte key that encrypts secrets at rest (TOTP seeds, signing keys, OpenID Connect tokens) and signs its cookies; generated into the data folder (mode 0600) when unset. Every node of one deployment needs the same.',
      { env: 'FERRY_DATA_KEY', secret: true },
    ),
    logLevel: key(
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      'Minimum level of the JSON log written to stderr.',
      { env: 'FERRY_LOG_LEVEL' },
    ),
    trustProxy: key(
      trustProxySchema,
      'Which reverse proxies to believe about the client address (X-Forwarded-For/-Proto/-Host): false (none), the number of proxies in front of the cloud (1-10; only when it listens on loopback), or their comma-separated IP addresses and CIDR ranges. true (believe anyone) is refused. See docs/operations.md.',
      { env: 'FERRY_TRUST_PROXY' },
    ),
    rateLimitPerMinute: key(
      z.number().int().min(1).default(600),
      'Requests per minute allowed from one client address (sign-in: a twentieth of it, at least 10).',
      { env: 'FERRY_RATE_LIMIT_PER_MINUTE' },
    ),
    sessionMinutes: key(minutes(7 * 24 * 60).default(480), 'Lifetime of an admin session.', {
      env: 'FERRY_SESSION_MINUTES',
    }),
    userSessionMinutes: key(
      minutes(24 * 60).default(60),
      'Lifetime of a My Account (end-user) session.',
      { env: 'FERRY_USER_SESSION_MINUTES' },
    ),
    signInMaxFailures: key(
      z.number().int().min(1).max(100).default(5),
      'Wrong passwords from one client address that lock that address out of the account for signInLockoutMinutes (Admin center and My Account count apart); ten times this from all addresses together locks the account for everyone until the window ends. Set it so the ceiling stays below the AD lockout threshold.',
      { env: 'FERRY_SIGN_IN_MAX_FAILURES' },
    ),
    signInLockoutMinutes: key(
      minutes(24 * 60).default(15),
      'How long a lock (per address or account-wide) lasts, and the window the account-wide ceiling counts in.',
      { env: 'FERRY_SIGN_IN_LOCKOUT_MINUTES' },
    ),
    bootstrapLinkMinutes: key(
      minutes(7 * 24 * 60).default(60),
      'Lifetime of the one-time bootstrap link printed at first start.',
      { env: 'FERRY_BOOTSTRAP_LINK_MINUTES' },
    ),
    operationTimeoutSeconds: key(
      z.number().int().min(1).max(600).default(30),
      'How long a password operation waits for an agent; past it the operation expires and is never applied.',
      { env: 'FERRY_OPERATION_TIMEOUT_SECONDS' },
    ),
    agentHeartbeatSeconds: key(
      z.number().int().min(1).max(300).default(15),
      'Interval of agent heartbeats; an agent silent for three intervals counts as offline.',
      { env: 'FERRY_AGENT_HEARTBEAT_SECONDS' },
    ),
    agentHandshakeSeconds: key(
      z.number().int().min(1).max(120).default(10),
      'How long an agent socket may take from opening to a valid proof of its key; past it the socket is closed.',
      { env: 'FERRY_AGENT_HANDSHAKE_SECONDS' },
    ),
    agentPendingPerAddress: key(
      z.number().int().min(1).max(10_000).default(16),
      'Agent sockets from one address that have not proven a key yet; more are refused (HTTP 429) until some prove or close.',
      { env: 'FERRY_AGENT_PENDING_PER_ADDRESS' },
    ),
    agentPendingTotal: key(
      z.number().int().min(1).max(100_000).default(512),
      'Agent sockets on this node that have not proven a key yet, from all addresses; more are refused (HTTP 503).',
      { env: 'FERRY_AGENT_PENDING_TOTAL' },
    ),
    enrollmentTokenMinutes: key(
      minutes(7 * 24 * 60).default(60),
      'Lifetime of a one-time agent enrollment token.',
      { env: 'FERRY_ENROLLMENT_TOKEN_MINUTES' },
    ),
    nodeId: key(
      z.string().min(1).max(64).optional(),
      'Name of this cloud node among several sharing one PostgreSQL (default: random per start).',
      { env: 'FERRY_NODE_ID' },
    ),
    smtpUrl: key(
      z
        .string()
        .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
        .optional(),
      'SMTP server for mail (codes, notifications), e.g. smtp://user:pass@mail.example:587; mail is off when unset.',
      { env: 'FERRY_SMTP_URL', secret: true },
    ),
    mailFrom: key(
      z.string().min(3).max(256).default('Ferry <no-reply@ferry.invalid>'),
      'Sender (From header) of the mail Ferry sends.',
      { env: 'FERRY_MAIL_FROM' },
    ),
    smsGateway: key(
      z.enum(['none', 'http', 'console']).default('none'),
      'How text messages are sent: `http` posts {to, text} to FERRY_SMS_GATEWAY_URL; `console` writes them, codes included, to stderr (development only); `none` turns SMS off.',
      { env: 'FERRY_SMS_GATEWAY' },
    ),
    smsGatewayUrl: key(
      z.url({ protocol: /^https?$/ }).optional(),
      'Endpoint of the HTTP SMS gateway (with FERRY_SMS_GATEWAY=http).',
      { env: 'FERRY_SMS_GATEWAY_URL' },
    ),
    smsGatewayToken: key(
      z.string().min(1).optional(),
      'Bearer token sent to the HTTP SMS gateway, if it wants one.',
      { env: 'FERRY_SMS_GATEWAY_TOKEN', secret: true },
    ),
    ssprPowBits: key(
      z.number().int().min(0).max(28).default(18),
      'Proof-of-work difficulty (leading zero bits) a client pays before starting a password reset.',
      { env: 'FERRY_SSPR_POW_BITS' },
    ),
    oidcSessionMinutes: key(
      minutes(7 * 24 * 60).default(480),
      'Lifetime of the sign-in session of the OpenID Connect provider (single sign-on across applications).',
      { env: 'FERRY_OIDC_SESSION_MINUTES' },
    ),
    oidcAccessTokenMinutes: key(
      minutes(24 * 60).default(60),
      'Lifetime of access tokens and ID tokens issued to applications.',
      { env: 'FERRY_OIDC_ACCESS_TOKEN_MINUTES' },
    ),
    oidcRefreshTokenDays: key(
      z.number().int().min(1).max(365).default(14),
      'Lifetime of an application refresh token (each use replaces it with a new one).',
      { env: 'FERRY_OIDC_REFRESH_TOKEN_DAYS' },
    ),
    oidcSigningKeyRotationDays: key(
      z.number().int().min(1).max(3650).default(90),
      'Age at which the ID token signing key is replaced (the new key is published a day before it signs).',
      { env: 'FERRY_OIDC_SIGNING_KEY_ROTATION_DAYS' },
    ),
    webDir: key(
      z.string().min(1).optional(),
      'Folder of the built web app (SSPR portal, My Account, Admin center); default: packages/web/dist beside the cloud package.',
      { env: 'FERRY_WEB_DIR' },
    ),
  })
  .strict()
  .superRefine((config, context) => {
    const problem = metricsExposureProblem({
      port: config.metricsPort,
      host: config.metricsHost,
      token: config.metricsToken,
    });
    if (problem) context.addIssue({ code: 'custom', path: ['metricsToken'], message: problem });
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigKey = keyof Config;
