import type { DirectoryPolicy } from '@ferry/protocol';
import type { CloudPasswordPolicy } from './cloud-policy.js';

/**
 * What a password must satisfy for one user: the cloud policy AND, for a synced user, the
 * on-premises policy the agent reported for that user (domain or resultant fine-grained).
 */
export interface EffectivePolicy {
  readonly cloud: CloudPasswordPolicy;
  /** Absent for a cloud-only user, or while no agent has reported the user's policy. */
  readonly directory?: DirectoryPolicy | undefined;
}

export function effectivePolicy(
  cloud: CloudPasswordPolicy,
  directory?: DirectoryPolicy,
): EffectivePolicy {
  return directory ? { cloud, directory } : { cloud };
}

/** The minimum length to show: the stricter of the two, and whose it is. */
export function effectiveMinLength(policy: EffectivePolicy): {
  readonly minLength: number;
  readonly origin: RuleOrigin;
} {
  const directory = policy.directory?.minLength ?? 0;
  return directory > policy.cloud.minLength
    ? { minLength: directory, origin: 'directory' }
    : { minLength: policy.cloud.minLength, origin: 'cloud' };
}

/** Which half of the effective policy a requirement comes from. */
export type RuleOrigin = 'cloud' | 'directory';
