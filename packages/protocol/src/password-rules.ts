import { z } from 'zod';

/**
 * Password rules a password can break, shared by the policy engine, the agent's directory
 * translation, the API and the UI. A rule code is stable: never rename or reuse one.
 */
export const passwordRuleCodes = [
  'too_short',
  'too_long',
  'complexity',
  'history',
  'min_age',
  'banned',
  'weak',
  'directory_filter',
] as const;

export type PasswordRuleCode = (typeof passwordRuleCodes)[number];

/** Where the verdict comes from: the directory said so, or Ferry named it from the policy it read. */
export const ruleSources = ['directory', 'policy'] as const;
export type RuleSource = (typeof ruleSources)[number];

export const ruleParamsSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean()]),
);
export type RuleParams = z.infer<typeof ruleParamsSchema>;

export const ruleViolationSchema = z.object({
  rule: z.enum(passwordRuleCodes),
  source: z.enum(ruleSources),
  params: ruleParamsSchema,
});
export type RuleViolation = z.infer<typeof ruleViolationSchema>;

export function violation(
  rule: PasswordRuleCode,
  source: RuleSource,
  params: RuleParams = {},
): RuleViolation {
  return { rule, source, params };
}
