import {
  defaultCloudPolicy,
  effectivePolicy,
  toViolations,
  type PasswordEvaluation,
} from '@ferry/policy';
import type { Outcome, Secret } from '@ferry/protocol';
import { passwordUserOf } from '../directory/password-user.js';
import type { OnlineAgent } from './agent-store.js';
import type { WritebackRequest, WritebackServices } from './password-writeback.js';
import type { UserDirectoryFacts } from './user-directory-policy.js';

const RESETS = new Set(['sspr_reset', 'admin_reset']);
const NOTHING_KNOWN: UserDirectoryFacts = { policy: undefined, account: undefined };

/**
 * The rules the cloud can judge while the operation travels: its own policy always; the
 * directory's from what is known without a round trip (the domain policy when no
 * fine-grained policy exists, or the user's facts a portal read moments ago). Known facts can
 * be stale (an admin just changed the domain policy, or re-enabled the account), so a
 * refusal they alone would make is re-checked against a fresh read before it is final; when
 * no fresh read comes, AD judges. The minimum age is never judged here: the cloud's
 * `pwdLastSet` trails AD's (sync lags a write or a "must change"), and the agent reads the
 * stamp at the write.
 */
export async function writebackPrecheck(
  services: WritebackServices,
  request: WritebackRequest,
  password: Secret,
  online: readonly OnlineAgent[],
): Promise<Outcome | undefined> {
  const { directoryPolicies } = services;
  const known = await directoryPolicies.facts(request.user, { ask: false, online });
  const knownRefusal = await refusal(services, request, password, known);
  if (!knownRefusal) return undefined;
  // Only the cloud's own rules were judged: they are not stale.
  if (!known.policy && !known.account) return knownRefusal;
  const ownRefusal = await refusal(services, request, password, NOTHING_KNOWN);
  if (ownRefusal) return ownRefusal;
  const fresh = await directoryPolicies.facts(request.user, { ask: false, fresh: true, online });
  if (!fresh.policy && !fresh.account) return undefined;
  return refusal(services, request, password, fresh);
}

/** What the facts refuse: the account's state first (as the agent would), then the password. */
async function refusal(
  services: WritebackServices,
  request: WritebackRequest,
  password: Secret,
  facts: UserDirectoryFacts,
): Promise<Outcome | undefined> {
  if (facts.account?.protected && RESETS.has(request.kind)) return { code: 'protected_account' };
  if (facts.account?.enabled === false && request.kind === 'sspr_reset') {
    return { code: 'account_disabled' };
  }
  const evaluation = await services.passwordChecks.evaluate({
    password,
    policy: effectivePolicy(defaultCloudPolicy, facts.policy),
    user: passwordUserOf(request.user),
    operation:
      request.kind === 'change'
        ? 'change'
        : request.kind === 'sspr_reset'
          ? 'self_service_reset'
          : 'admin_reset',
    now: services.clock.now(),
  });
  const judged = withoutMinimumAge(evaluation);
  return judged.ok ? undefined : { code: 'policy_violation', rules: toViolations(judged) };
}

function withoutMinimumAge(evaluation: PasswordEvaluation): PasswordEvaluation {
  const items = evaluation.items.filter((item) => item.rule !== 'min_age');
  return { ok: items.every((item) => item.status !== 'fail'), items };
}
