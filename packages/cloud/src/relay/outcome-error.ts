import type { Outcome } from '@ferry/protocol';
import { FerryError } from '../util/ferry-error.js';

/**
 * An outcome other than `applied` as the API's error: the outcome code is a registry code,
 * so the status and the user-safe message come from the registry; broken password rules
 * travel as `rules`. The directory's own words stay in the log (`detail`).
 */
export function outcomeError(outcome: Exclude<Outcome, { code: 'applied' }>): FerryError {
  const detail = 'detail' in outcome ? outcome.detail : undefined;
  return new FerryError(outcome.code, detail ?? `outcome ${outcome.code}`, {
    ...(outcome.code === 'policy_violation' ? { rules: outcome.rules } : {}),
  });
}
