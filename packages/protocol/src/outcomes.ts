import { z } from 'zod';
import { directoryPolicySchema } from './directory-policy.js';
import { ruleViolationSchema } from './password-rules.js';

/**
 * The closed vocabulary of results of a password operation or credential check. The agent
 * produces it, the cloud relays it, the API and UI show it. `detail` is operator-only text
 * (a directory message); it never reaches an end user and never holds a secret.
 */
const detail = z.string().max(2000).optional();

export const outcomeSchema = z.discriminatedUnion('code', [
  z.object({
    code: z.literal('applied'),
    /**
     * Only on a `fence`'s answer (v4): `landed`, the marker now carries the fence token, so no
     * write of the fenced operation can land any more; `written`, the marker already named
     * the fenced operation: it was written before the fence.
     */
    fence: z.enum(['landed', 'written']).optional(),
  }),
  /**
   * The answer to `read_policy`: the policy AD applies to this user, and the account states
   * that refuse a reset whatever the password (so they can be said first).
   */
  z.object({
    code: z.literal('user_policy'),
    policy: directoryPolicySchema,
    account: z.object({ enabled: z.boolean(), protected: z.boolean() }).optional(),
  }),
  z.object({
    code: z.literal('policy_violation'),
    rules: z.array(ruleViolationSchema).min(1),
    detail,
  }),
  z.object({ code: z.literal('wrong_current_password'), detail }),
  z.object({ code: z.literal('invalid_credentials'), detail }),
  z.object({ code: z.literal('user_not_found'), detail }),
  z.object({ code: z.literal('ambiguous_user'), matches: z.number().int().min(2), detail }),
  z.object({ code: z.literal('access_denied'), detail }),
  z.object({ code: z.literal('change_not_allowed'), detail }),
  z.object({ code: z.literal('account_disabled'), detail }),
  z.object({ code: z.literal('account_expired'), detail }),
  z.object({ code: z.literal('locked_out'), lockedUntil: z.iso.datetime().optional(), detail }),
  z.object({ code: z.literal('must_change_password'), detail }),
  z.object({ code: z.literal('password_expired'), detail }),
  z.object({
    code: z.literal('logon_restricted'),
    restriction: z.enum(['time', 'workstation']),
    detail,
  }),
  z.object({ code: z.literal('protected_account'), detail }),
  z.object({ code: z.literal('directory_unavailable'), detail }),
  z.object({ code: z.literal('directory_error'), detail }),
  z.object({ code: z.literal('expired'), detail }),
  z.object({
    code: z.literal('writeback_disabled'),
    scope: z.enum(['tenant', 'agent']),
    detail,
  }),
  z.object({ code: z.literal('unlock_disabled'), detail }),
  z.object({ code: z.literal('agent_unavailable'), detail }),
  /**
   * The write may have reached the directory and nobody can tell whether it landed (a
   * connection broke after it was sent, or the agent holding it was lost): never a guess.
   */
  z.object({ code: z.literal('outcome_unknown'), detail }),
  z.object({ code: z.literal('operation_rejected'), detail }),
]);

export type Outcome = z.infer<typeof outcomeSchema>;
export type OutcomeCode = Outcome['code'];
export type OutcomeOf<C extends OutcomeCode> = Extract<Outcome, { code: C }>;

export const outcomeCodes = outcomeSchema.options.map((option) => option.shape.code.value);

export function isApplied(outcome: Outcome): outcome is OutcomeOf<'applied'> {
  return outcome.code === 'applied';
}
