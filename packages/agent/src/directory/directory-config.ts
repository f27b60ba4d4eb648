import { Secret } from '@ferry/protocol';
import { z } from 'zod';
import { ATTRIBUTE_NAME, DEFAULT_WRITE_MARKER_ATTRIBUTE } from './ad/write-marker.js';

/**
 * How the agent reaches its directory. Only LDAPS: AD refuses password writes on an
 * unencrypted connection, and certificate verification stays on (a CA file may be given;
 * there is deliberately no "accept any certificate" switch).
 */
export const directoryConfigSchema = z.object({
  /** Which directory the agent talks to: Active Directory (and Samba AD) or OpenLDAP. */
  dialect: z.enum(['ad', 'openldap']).default('ad'),
  /** OpenLDAP: the ppolicy default policy entry (olcPPolicyDefault), which cn=config hides. */
  ppolicyDefaultDn: z.string().min(3).optional(),
  urls: z
    .array(z.url({ protocol: /^ldaps$/, error: 'must be an ldaps:// URL' }))
    .min(1, 'at least one domain controller URL is needed'),
  caFile: z.string().min(1).optional(),
  bindDn: z.string().min(3),
  bindPassword: z.instanceof(Secret, { error: 'must be a Secret' }),
  baseDn: z.string().min(3),
  connectTimeoutMs: z.number().int().min(100).max(120_000).default(5_000),
  operationTimeoutMs: z.number().int().min(100).max(300_000).default(15_000),
  poolSize: z.number().int().min(1).max(64).default(4),
  /** Idle pooled connections older than this are closed rather than reused (DCs drop idle ones). */
  idleTimeoutMs: z.number().int().min(1_000).max(3_600_000).default(60_000),
  /** How long a DC that failed to connect is skipped before it is tried again. */
  dcRetryAfterMs: z.number().int().min(0).max(3_600_000).default(30_000),
  /** The user attribute every password write swaps as its precondition (ADR 0011). */
  writeMarkerAttribute: z
    .string()
    .regex(ATTRIBUTE_NAME, 'must be an LDAP attribute name')
    .default(DEFAULT_WRITE_MARKER_ATTRIBUTE),
});

export type DirectoryConfigInput = z.input<typeof directoryConfigSchema>;
export type DirectoryConfig = z.output<typeof directoryConfigSchema>;

export function parseDirectoryConfig(input: DirectoryConfigInput): DirectoryConfig {
  return directoryConfigSchema.parse(input);
}
