import { FilterParser } from 'ldapts';
import { z } from 'zod';
import { OPENLDAP_SYNCED_USER_ATTRIBUTES } from './openldap/openldap-mapping.js';
import { SYNCED_USER_ATTRIBUTES } from './synced-user-mapping.js';

const ldapFilter = z
  .string()
  .trim()
  .min(1)
  .transform((text) => (text.startsWith('(') ? text : `(${text})`))
  .refine(
    (text) => {
      try {
        FilterParser.parseString(text);
        return true;
      } catch {
        return false;
      }
    },
    { error: 'must be an LDAP filter, e.g. (department=Sales)' },
  );

/** Attributes the mapping reads itself; an "extra" attribute may not shadow them. */
const MAPPED = new Set(
  [
    ...SYNCED_USER_ATTRIBUTES,
    ...OPENLDAP_SYNCED_USER_ATTRIBUTES,
    // Secret attributes, never to be read as extras.
    'userPassword',
    'pwdHistory',
    'unicodePwd',
    'dBCSPwd',
    'ntPwdHistory',
    'lmPwdHistory',
    'supplementalCredentials',
  ].map((name) => name.toLowerCase()),
);

/**
 * What the sync reads and how. OUs are DNs; an empty include list means the connector's
 * base DN. Defaults follow AD: 1,000 entries a page is AD's MaxPageSize.
 */
export const syncConfigSchema = z.object({
  includeOus: z.array(z.string().min(3)).default([]),
  excludeOus: z.array(z.string().min(3)).default([]),
  /** Extra condition ANDed to the user filter, e.g. (department=Sales). */
  filter: ldapFilter.optional(),
  extraAttributes: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be an LDAP attribute name')
        .refine((name) => !MAPPED.has(name.toLowerCase()), {
          error: 'is already mapped, or is a password attribute',
        }),
    )
    .default([]),
  pageSize: z.number().int().min(10).max(1_000).default(1_000),
  /** Users per batch handed to the sink (one cloud transaction). */
  batchSize: z.number().int().min(1).max(5_000).default(1_000),
  /** A run that would delete more than this is flagged for an admin to confirm. */
  deleteThreshold: z.number().int().min(0).default(500),
  /** Use LDAP_SERVER_NOTIFICATION when the DC advertises it; polling otherwise. */
  notification: z.boolean().default(true),
  /** Quiet time after a notification before the delta read, so bursts cost one read. */
  debounceMs: z.number().int().min(0).max(60_000).default(200),
  /** Polling interval when notification is off, unavailable or broken. */
  pollIntervalMs: z.number().int().min(100).max(3_600_000).default(2_000),
  /**
   * With notification working, a delta still runs this often. Samba answers a notification
   * search on a ~5 s timer unless the change came through the same worker process, so the
   * default keeps 2 s polling alongside; on Windows AD (immediate notification) raise it.
   * A quiet poll costs two small reads: nothing is searched when the DC's USN did not move.
   */
  safetyPollMs: z.number().int().min(1_000).max(86_400_000).default(2_000),
  /**
   * How often the rootDSE's highestCommittedUSN is read between deltas (0: never). A delta
   * runs as soon as it moved, so a change reaches the cloud within about this long whatever
   * the notifications do; a quiet probe is one base read of one attribute.
   */
  /** OpenLDAP: the accesslog database deltas are read from (olcAccessLogDB). */
  accesslogDn: z.string().min(3).default('cn=accesslog'),
  usnPollMs: z.union([z.literal(0), z.number().int().min(50).max(60_000)]).default(250),
  /**
   * A delta spanning this many USNs or fewer names the changed objects by the list of their
   * USNs (one index lookup each on the DC) instead of a uSNChanged range, which Samba answers
   * by scanning the whole domain (`usnClause` in sync-filters.ts). 0: always the range.
   */
  usnListMax: z.number().int().min(0).max(5_000).default(500),
});

export type SyncConfigInput = z.input<typeof syncConfigSchema>;
export type SyncConfig = z.output<typeof syncConfigSchema>;

export function parseSyncConfig(input: SyncConfigInput = {}): SyncConfig {
  return syncConfigSchema.parse(input);
}
