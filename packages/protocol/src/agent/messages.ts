import { z } from 'zod';
import { directoryPolicySchema } from '../directory-policy.js';
import { outcomeSchema } from '../outcomes.js';
import { doctorFactsSchema, doctorReportSchema } from './doctor.js';
import { syncBatchSchema, syncCursorSchema, syncPreviewChangesSchema } from './sync.js';

/**
 * Messages on the agent's WebSocket, one JSON object per frame, tagged by `type`.
 * The agent speaks first (hello), proves its key on the cloud's nonce (proof), then reports
 * status and heartbeats; the cloud sends signed operations; the agent claims each as it
 * arrives, says what it saw of the user just before writing, and reports the outcome.
 */
const agentId = z.string().min(1).max(128);
const operationId = z.uuid();

export const agentStatusSchema = z.object({
  directoryReachable: z.boolean(),
  passwordWritebackEnabled: z.boolean(),
  domainController: z.string().max(512).optional(),
  policy: directoryPolicySchema.optional(),
  /** How many fine-grained policies exist; 0 means the domain policy is everyone's. */
  fineGrainedPolicies: z.number().int().min(0).optional(),
  problem: z.string().max(2000).optional(),
});
export type AgentStatus = z.infer<typeof agentStatusSchema>;

export const agentMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    protocolVersion: z.number().int(),
    agentId,
    agentVersion: z.string().max(64),
  }),
  /** A JWS (agent signing key) over {nonce, agentId, aud: "ferry-agent-session"}. */
  z.object({ type: z.literal('proof'), jws: z.string().max(4096) }),
  z.object({ type: z.literal('status'), status: agentStatusSchema }),
  z.object({ type: z.literal('heartbeat'), sentAt: z.iso.datetime() }),
  /**
   * "I take this one", sent as the operation arrives (v2), while the agent looks the user up.
   * A v1 agent claims after its lookup and gives the user's pwdLastSet here instead of in
   * `writing`.
   */
  z.object({
    type: z.literal('claim'),
    operationId,
    passwordLastSet: z.string().max(32).optional(),
  }),
  /**
   * Sent once the agent's lookup is back, before the directory write (the claim may still be
   * waiting): the user's pwdLastSet as the lookup saw it. If this agent is then lost, the next
   * one compares it with the directory to tell whether this write landed.
   */
  z.object({
    type: z.literal('writing'),
    operationId,
    passwordLastSet: z.string().max(32).optional(),
  }),
  z.object({ type: z.literal('result'), operationId, outcome: outcomeSchema }),
  /** "May I be the tenant's sync leader (again)?" — sent every heartbeat while syncing. */
  z.object({ type: z.literal('sync_lease_request') }),
  z.object({ type: z.literal('sync_batch'), batch: syncBatchSchema }),
  /** A batch of a preview run: the cloud compares it with its directory and changes nothing. */
  z.object({ type: z.literal('sync_preview'), batch: syncBatchSchema }),
  /**
   * New public keys, with a proof (JWS by the NEW signing key over this session's id) that the
   * agent holds the private half. The cloud encrypts to the new key from then on.
   */
  z.object({
    type: z.literal('rotate_keys'),
    encryptionKey: z.record(z.string(), z.unknown()),
    signingKey: z.record(z.string(), z.unknown()),
    proof: z.string().max(4096),
  }),
  /** "What do you know that my doctor checks?" (v3) — answered with `doctor_facts`. */
  z.object({ type: z.literal('doctor_facts_request') }),
  /** A doctor run's report (v3): the cloud keeps the last one per agent for the Admin center. */
  z.object({ type: z.literal('doctor_report'), report: doctorReportSchema }),
]);
export type AgentMessage = z.infer<typeof agentMessageSchema>;

export const cloudMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('challenge'),
    nonce: z.string().min(16).max(256),
    protocolVersion: z.number().int(),
  }),
  z.object({
    type: z.literal('accepted'),
    sessionId: z.string().max(128),
    heartbeatSeconds: z.number().int().min(1),
  }),
  z.object({ type: z.literal('refused'), code: z.string().max(64), message: z.string().max(1000) }),
  /** A JWS (cloud signing key) whose payload is an OperationRequest. */
  z.object({ type: z.literal('operation'), jws: z.string().max(32_768) }),
  /** The lease answer, with the cursor the cloud holds (null: no import yet). */
  z.object({
    type: z.literal('sync_lease'),
    granted: z.boolean(),
    cursor: syncCursorSchema.nullable(),
    /** Synced users the cloud holds: the size a full run is expected to have. */
    syncedUsers: z.number().int().min(0).optional(),
  }),
  z.object({
    type: z.literal('sync_ack'),
    runId: z.uuid(),
    sequence: z.number().int().min(0),
    applied: z.boolean(),
    code: z.enum(['cursor_mismatch', 'not_leader', 'delete_threshold']).optional(),
    cursor: syncCursorSchema.nullable(),
    pending: z.number().int().min(0).optional(),
  }),
  /** What a preview batch would change; `deleted` is known with the final batch only. */
  z.object({
    type: z.literal('sync_preview_result'),
    runId: z.uuid(),
    sequence: z.number().int().min(0),
    changes: syncPreviewChangesSchema,
  }),
  /** An admin asked for a sync now (e.g. after confirming deletes). */
  z.object({ type: z.literal('sync_request') }),
  /**
   * The cloud's operation-signing key changed: endorsements (JWS, typ ferry-cloud-key+jws,
   * each by the key before it over the next public key), oldest first. The agent follows the
   * chain from the key it pinned (`cloud-key-chain.ts`).
   */
  z.object({ type: z.literal('cloud_key'), endorsements: z.array(z.string().max(4096)).max(256) }),
  /** An admin asked for new keys (or the cloud's rotation schedule did). */
  z.object({ type: z.literal('rotate_keys_request') }),
  z.object({
    type: z.literal('keys_rotated'),
    accepted: z.boolean(),
    reason: z.string().max(200).optional(),
  }),
  z.object({
    type: z.literal('claim_answer'),
    operationId,
    granted: z.boolean(),
    reason: z.string().max(200).optional(),
  }),
  z.object({ type: z.literal('doctor_facts'), facts: doctorFactsSchema }),
]);
export type CloudMessage = z.infer<typeof cloudMessageSchema>;
