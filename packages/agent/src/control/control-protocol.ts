import { doctorFactsSchema, syncCursorSchema, syncPreviewChangesSchema } from '@ferry/protocol';
import { z } from 'zod';

/**
 * The agent's local control socket (`<state dir>/control.sock`, owner-only): one JSON request
 * line from the CLI, then JSON event lines from the running agent until `result` or `error`.
 */
export const controlRequestSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('status') }).strict(),
  z.object({ command: z.literal('sync'), full: z.boolean().default(false) }).strict(),
  z.object({ command: z.literal('preview') }).strict(),
  /** For `ferry-agent doctor`: the running agent asks the cloud over its channel. */
  z.object({ command: z.literal('doctor_facts') }).strict(),
]);
export type ControlRequest = z.input<typeof controlRequestSchema>;
export type ControlCommand = z.output<typeof controlRequestSchema>;

const progressSchema = z.object({
  runId: z.string(),
  mode: z.enum(['full', 'delta']),
  preview: z.boolean(),
  startedAt: z.string(),
  batches: z.number(),
  users: z.number(),
  deletes: z.number(),
  expectedUsers: z.number().optional(),
});

const runSchema = z.object({
  runId: z.string(),
  mode: z.enum(['full', 'delta']),
  reason: z.string(),
  upserts: z.number(),
  deletes: z.number(),
  batches: z.number(),
});

export const controlEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('status'),
    agentId: z.string(),
    channel: z.string(),
    sync: z.object({
      enabled: z.boolean(),
      leading: z.boolean(),
      cursor: syncCursorSchema.nullable(),
      running: progressSchema.optional(),
      lastRun: runSchema.extend({ finishedAt: z.string() }).optional(),
      waitingForDeleteConfirmation: z.boolean(),
    }),
  }),
  z.object({ type: z.literal('progress'), progress: progressSchema }),
  z.object({ type: z.literal('result'), run: runSchema }),
  z.object({ type: z.literal('preview'), run: runSchema, changes: syncPreviewChangesSchema }),
  /** The cloud's doctor facts, with the agent's clock (ms) when it asked and when they came. */
  z.object({
    type: z.literal('doctor_facts'),
    facts: doctorFactsSchema,
    askedAt: z.number(),
    answeredAt: z.number(),
  }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ControlEvent = z.infer<typeof controlEventSchema>;

/** Longest request line the agent reads (requests are tiny). */
export const MAX_REQUEST_BYTES = 4096;
