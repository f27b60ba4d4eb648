import { existsSync } from 'node:fs';
import { key, loadConfig, metricsExposureProblem, type Env } from '@ferry/config';
import { Secret } from '@ferry/protocol';
import { z } from 'zod';
import { ATTRIBUTE_NAME, DEFAULT_WRITE_MARKER_ATTRIBUTE } from '../directory/ad/write-marker.js';
import { parseDirectoryConfig, type DirectoryConfig } from '../directory/directory-config.js';

/**
 * Every setting of the agent. The cloud URL and the agent's identity come from enrollment
 * (the state folder), not from here. docs/agent-config.md is generated from this schema.
 */
export const agentConfigSchema = z
  .object({
    stateDir: key(
      z.string().min(1).default('./agent-state'),
      'Folder for the enrolled identity, private keys (mode 0600) and the operation journal.',
      { env: 'FERRY_AGENT_STATE_DIR' },
    ),
    passwordWriteback: key(
      z.boolean().default(false),
      'The agent\'s "password writeback" switch: writes only happen when this AND the tenant setting are on.',
      { env: 'FERRY_AGENT_PASSWORD_WRITEBACK' },
    ),
    accountUnlock: key(
      z.boolean().default(true),
      'Serve unlocks without a password reset (with passwordWriteback on); the tenant setting "allow users to unlock accounts without resetting their password" must allow them too.',
      { env: 'FERRY_AGENT_ACCOUNT_UNLOCK' },
    ),
    directory: key(
      z.enum(['ad', 'openldap']).default('ad'),
      'The directory: Active Directory (or Samba AD), or OpenLDAP slapd with the ppolicy overlay.',
      { env: 'FERRY_AGENT_DIRECTORY' },
    ),
    ppolicyDefaultDn: key(
      z.string().min(3).optional(),
      'OpenLDAP: the default ppolicy entry (olcPPolicyDefault); else cn=default,ou=policies,<base DN>.',
      { env: 'FERRY_AGENT_PPOLICY_DEFAULT_DN' },
    ),
    ldapUrls: key(
      z
        .array(z.url({ protocol: /^ldaps$/, error: 'must be an ldaps:// URL' }))
        .min(1, 'at least one ldaps:// URL'),
      'Domain controllers, in order of preference (ldaps:// only).',
      { env: 'FERRY_AGENT_LDAP_URLS' },
    ),
    cloudCaFile: key(
      z.string().min(1).optional(),
      "PEM file of the CA that signed the cloud's HTTPS certificate, for enrollment and the agent channel (else the system store; `enroll --ca-file` wins over it).",
      { env: 'FERRY_AGENT_CLOUD_CA_FILE' },
    ),
    ldapCaFile: key(
      z.string().min(1).optional(),
      "PEM file of the CA that signed the DCs' certificates (else the system store).",
      { env: 'FERRY_AGENT_LDAP_CA_FILE' },
    ),
    bindDn: key(z.string().min(3), 'DN of the service account.', { env: 'FERRY_AGENT_BIND_DN' }),
    bindPassword: key(z.string().min(1), 'Password of the service account.', {
      env: 'FERRY_AGENT_BIND_PASSWORD',
      secret: true,
    }),
    baseDn: key(z.string().min(3), 'Base DN under which users are found and synced.', {
      env: 'FERRY_AGENT_BASE_DN',
    }),
    ldapPoolSize: key(
      z.number().int().min(1).max(64).default(4),
      'Pooled service-account connections.',
      {
        env: 'FERRY_AGENT_LDAP_POOL_SIZE',
      },
    ),
    ldapTimeoutMs: key(
      z.number().int().min(100).max(300_000).default(15_000),
      'Timeout of one LDAP operation.',
      { env: 'FERRY_AGENT_LDAP_TIMEOUT_MS' },
    ),
    writebackMarker: key(
      z
        .string()
        .regex(ATTRIBUTE_NAME, 'must be an LDAP attribute name')
        .default(DEFAULT_WRITE_MARKER_ATTRIBUTE),
      'Single-valued user attribute, free for Ferry, that every password write updates in the same modify so that an operation is written at most once (ADR 0011); the service account needs write on it.',
      { env: 'FERRY_AGENT_WRITEBACK_MARKER' },
    ),
    sync: key(
      z.boolean().default(true),
      'Keep the cloud directory in step with AD (one agent of the tenant leads at a time).',
      { env: 'FERRY_AGENT_SYNC' },
    ),
    syncIncludeOus: key(
      z.array(z.string().min(3)).default([]),
      'OUs whose users are synced (empty: the whole base DN). DNs hold commas: separate them with ";".',
      { env: 'FERRY_AGENT_SYNC_INCLUDE_OUS', separator: ';' },
    ),
    syncExcludeOus: key(
      z.array(z.string().min(3)).default([]),
      'OUs left out, inside the included ones (";"-separated).',
      { env: 'FERRY_AGENT_SYNC_EXCLUDE_OUS', separator: ';' },
    ),
    syncFilter: key(
      z.string().min(3).optional(),
      'An LDAP filter users must also match, e.g. (department=Sales).',
      { env: 'FERRY_AGENT_SYNC_FILTER' },
    ),
    syncCriticalObjects: key(
      z.boolean().default(false),
      'Also sync critical system objects (isCriticalSystemObject: Administrator, krbtgt, Guest, ...), which Entra Connect leaves out too.',
      { env: 'FERRY_AGENT_SYNC_CRITICAL_OBJECTS' },
    ),
    syncBatchSize: key(
      z.number().int().min(1).max(5_000).default(1_000),
      'Users per sync batch (each batch is one cloud transaction).',
      { env: 'FERRY_AGENT_SYNC_BATCH_SIZE' },
    ),
    syncUsnPollMs: key(
      z
        .number()
        .int()
        .min(0)
        .max(60_000)
        .refine((ms) => ms === 0 || ms >= 50, { error: 'must be 0 (off) or at least 50 ms' })
        .default(250),
      "How often (ms) the DC's highestCommittedUSN is read between deltas; a delta runs as soon as it moved, so an AD change reaches the cloud within about this long whatever the DC's change notifications do. A quiet probe is one base read of one rootDSE attribute. 0 turns the probe off (notifications and the 2 s safety poll remain).",
      { env: 'FERRY_AGENT_SYNC_USN_POLL_MS' },
    ),
    syncAccesslogDn: key(
      z.string().min(3).default('cn=accesslog'),
      "OpenLDAP: the accesslog database sync deltas are read from (the accesslog overlay's olcAccessLogDB); the service account needs read access to it.",
      { env: 'FERRY_AGENT_SYNC_ACCESSLOG_DN' },
    ),
    doctorIntervalMinutes: key(
      z.number().int().min(0).max(10_080).default(360),
      'The running agent runs `ferry-agent doctor` when it first connects and then every this many minutes, and sends the report to the cloud (Admin center > On-premises); 0 only at start.',
      { env: 'FERRY_AGENT_DOCTOR_INTERVAL_MINUTES' },
    ),
    logLevel: key(
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      'Minimum level of the JSON log written to stderr.',
      { env: 'FERRY_AGENT_LOG_LEVEL' },
    ),
    metricsPort: key(
      z.number().int().min(0).max(65535).optional(),
      'TCP port of the local Prometheus metrics listener (GET /metrics); unset (the default): no listener. The agent opens no other port. See docs/operations.md.',
      { env: 'FERRY_AGENT_METRICS_PORT' },
    ),
    metricsHost: key(
      z.string().min(1).default('127.0.0.1'),
      'Address the metrics listener binds to; an address other than loopback needs metricsToken.',
      { env: 'FERRY_AGENT_METRICS_HOST' },
    ),
    metricsToken: key(
      z.string().min(16, 'at least 16 characters').optional(),
      'Bearer token a scrape must send (Authorization: Bearer ...); required when metricsHost is not loopback.',
      { env: 'FERRY_AGENT_METRICS_TOKEN', secret: true },
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

export type AgentConfig = z.output<typeof agentConfigSchema>;

/** Where the config file is looked for when neither --config nor FERRY_AGENT_CONFIG names one. */
export const DEFAULT_CONFIG_FILE = '/etc/ferry/agent.yaml';

/** The environment with FERRY_AGENT_CONFIG pointing at the default file when it exists. */
export function withDefaultConfigFile(env: Env, defaultFile = DEFAULT_CONFIG_FILE): Env {
  if (env['FERRY_AGENT_CONFIG'] || !existsSync(defaultFile)) return env;
  return { ...env, FERRY_AGENT_CONFIG: defaultFile };
}

export function loadAgentConfig(env: Env = process.env): AgentConfig {
  return loadConfig(agentConfigSchema, {
    env: withDefaultConfigFile(env),
    fileVariable: 'FERRY_AGENT_CONFIG',
  });
}

// Enrollment only writes the state folder: the directory settings may not exist yet.
const enrollmentSchema = z.object({
  stateDir: agentConfigSchema.shape.stateDir,
  cloudCaFile: agentConfigSchema.shape.cloudCaFile,
});

/**
 * The settings enrollment uses (state folder, the cloud's CA file), from the same sources,
 * before LDAP is configured; the other keys of a full settings file are left alone.
 */
export function loadEnrollmentConfig(env: Env = process.env): z.output<typeof enrollmentSchema> {
  return loadConfig(enrollmentSchema, {
    env: withDefaultConfigFile(env),
    fileVariable: 'FERRY_AGENT_CONFIG',
  });
}

/** The state folder alone, from the same sources (before LDAP is configured). */
export function loadAgentStateDir(env: Env = process.env): string {
  return loadEnrollmentConfig(env).stateDir;
}

const NOT_CRITICAL = '(!(isCriticalSystemObject=TRUE))';

/** The LDAP filter users in scope must match: the admin's filter, without critical objects. */
export function syncFilterOf(config: AgentConfig): string | undefined {
  const parts = [config.syncCriticalObjects ? '' : NOT_CRITICAL, config.syncFilter ?? '']
    .map((part) => (part && !part.startsWith('(') ? `(${part})` : part))
    .filter(Boolean);
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : `(&${parts.join('')})`;
}

export function directoryConfigOf(config: AgentConfig): DirectoryConfig {
  return parseDirectoryConfig({
    dialect: config.directory,
    ...(config.ppolicyDefaultDn ? { ppolicyDefaultDn: config.ppolicyDefaultDn } : {}),
    urls: config.ldapUrls,
    ...(config.ldapCaFile ? { caFile: config.ldapCaFile } : {}),
    bindDn: config.bindDn,
    bindPassword: Secret.of(config.bindPassword),
    baseDn: config.baseDn,
    poolSize: config.ldapPoolSize,
    operationTimeoutMs: config.ldapTimeoutMs,
    writeMarkerAttribute: config.writebackMarker,
  });
}
