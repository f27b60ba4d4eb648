import type { Outcome, WritebackOperation } from '@ferry/protocol';
import { FerryError } from '../util/ferry-error.js';

/**
 * An outcome other than `applied` as the API's error: the outcome code is a registry code,
 * so the status and the user-safe message come from the registry; broken password rules
 * travel as `rules`, and a switched-off writeback says which switch (`scope`) and which
 * operation it refused, so the message fits. The directory's own words stay in the log.
 */
export function outcomeError(
  outcome: Exclude<Outcome, { code: 'applied' }>,
  operation?: WritebackOperation,
): FerryError {
  const detail = 'detail' in outcome ? outcome.detail : undefined;
  return new FerryError(outcome.code, detail ?? `outcome ${outcome.code}`, {
    ...(outcome.code === 'policy_violation' ? { rules: outcome.rules } : {}),
    ...(outcome.code === 'writeback_disabled'
      ? { scope: outcome.scope, ...(operation ? { operation } : {}) }
      : {}),
  });
}
