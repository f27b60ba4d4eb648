import { z } from 'zod';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const sourceAnchor = z.string().regex(GUID, 'must be a GUID');
const dn = z.string().min(1).max(2048);

/** Largest batch the agent sends; the cloud applies one batch in one transaction. */
export const SYNC_BATCH_MAX_USERS = 5_000;

/**
 * Where a sync stands: AD's change counter (highestCommittedUSN) of one DC, named by its
 * invocationId. A USN means nothing on another DC, or on the same DC after a restore (which
 * changes its invocationId), so a cursor with another invocationId forces a full re-read.
 */
export const syncCursorSchema = z
  .object({
    invocationId: sourceAnchor,
    /** Decimal: AD's USNs are 64-bit. Everything changed at or below this was read. */
    usn: z.string().regex(/^\d{1,20}$/, 'must be a decimal USN'),
    dcUrl: z.string().max(2048).optional(),
  })
  .strict();
export type SyncCursor = z.infer<typeof syncCursorSchema>;

/**
 * One directory user as the cloud stores it. Strict: a field the schema does not know is
 * refused, so nothing secret (a password, a hash) can ride along by accident.
 */
export const syncedUserSchema = z
  .object({
    sourceAnchor,
    onPremDn: dn,
    userPrincipalName: z.string().max(1024).nullable(),
    sAMAccountName: z.string().max(256),
    mail: z.string().max(1024).nullable(),
    displayName: z.string().max(1024).nullable(),
    givenName: z.string().max(1024).nullable(),
    sn: z.string().max(1024).nullable(),
    enabled: z.boolean(),
    lockedOut: z.boolean(),
    /** When AD locked the account (the cloud can tell an expired lockout); null if never. */
    lockoutTime: z.iso.datetime().nullable(),
    /** null when never set, or when the user must change it (pwdLastSet = 0). */
    passwordLastSet: z.iso.datetime().nullable(),
    mustChangePassword: z.boolean(),
    /** DNs of the groups the user is a direct member of (memberOf; not the primary group). */
    groups: z.array(dn).max(10_000),
    /** Configured extra attributes, as strings. */
    extra: z.record(z.string().max(256), z.array(z.string().max(65_536)).max(1_000)),
  })
  .strict();
export type SyncedUser = z.infer<typeof syncedUserSchema>;

/**
 * One unit the cloud applies atomically. Every batch of a run carries the same
 * `fromCursor`/`toCursor`; the cloud refuses a delta batch whose `fromCursor` is not the
 * cursor it holds, and moves its cursor to `toCursor` only with the `final` batch, so an
 * interrupted run is simply read again from `fromCursor` (upserts and deletes are
 * idempotent). A `full` run upserts every user in scope; users the cloud holds that the run
 * did not upsert have left scope: the agent lists them in `deletes` when it was given the
 * cloud's anchors, otherwise the cloud removes those not upserted under this `runId` when it
 * applies the final batch.
 */
export const syncBatchSchema = z
  .object({
    runId: z.uuid(),
    mode: z.enum(['full', 'delta']),
    sequence: z.number().int().min(0),
    final: z.boolean(),
    fromCursor: syncCursorSchema.nullable(),
    toCursor: syncCursorSchema,
    upserts: z.array(syncedUserSchema).max(SYNC_BATCH_MAX_USERS),
    deletes: z.array(sourceAnchor).max(1_000_000),
    /**
     * Groups whose membership changed (or that were deleted) since `fromCursor`. AD does not
     * touch a user when a group gains or loses them, so a delta upserts the groups' current
     * members in scope; on the final batch the cloud removes these groups from every other
     * user of the tenant not upserted by this run.
     */
    refreshedGroups: z.array(dn).max(100_000),
  })
  .strict();
export type SyncBatch = z.infer<typeof syncBatchSchema>;

const examples = z.array(z.string().max(1024)).max(10);

/**
 * What a preview (staging) run would change in the cloud directory, counted by the cloud
 * against what it holds; a few UPNs of each kind as examples.
 */
export const syncPreviewChangesSchema = z
  .object({
    added: z.number().int().min(0),
    updated: z.number().int().min(0),
    unchanged: z.number().int().min(0),
    softMatched: z.number().int().min(0),
    deleted: z.number().int().min(0),
    /** The tenant's accidental-delete threshold: a real run deleting more waits for an admin. */
    deleteThreshold: z.number().int().min(0),
    examples: z.object({ added: examples, updated: examples, deleted: examples }).strict(),
  })
  .strict();
export type SyncPreviewChanges = z.infer<typeof syncPreviewChangesSchema>;
