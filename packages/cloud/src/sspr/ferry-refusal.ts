import type { Outcome } from '@ferry/protocol';

/** Refusals where nothing reached the directory's judgement: Ferry itself said no. */
const FERRY_CODES = new Set<Outcome['code']>([
  'writeback_disabled',
  'unlock_disabled',
  'agent_unavailable',
  'expired',
  'operation_rejected',
]);

/**
 * Whether Ferry made this refusal itself rather than the directory: a gate, no agent, or a
 * password rule Ferry named from a policy it read (source `policy`), where AD was never
 * asked. Such a refusal does not spend the user's reset budget: the budget limits what a
 * verified person can do to their account, and here nothing was done.
 */
export function isFerryRefusal(outcome: Outcome): boolean {
  if (outcome.code === 'policy_violation') {
    return outcome.rules.every((rule) => rule.source === 'policy');
  }
  return FERRY_CODES.has(outcome.code);
}
