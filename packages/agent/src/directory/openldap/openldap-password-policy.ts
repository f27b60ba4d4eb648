import type { DirectoryPolicy } from '@ferry/protocol';
import type { Client } from 'ldapts';
import { text, type Entry } from '../ad/ad-user.js';

const policyAttributes = [
  'cn',
  'pwdMinLength',
  'pwdInHistory',
  'pwdMinAge',
  'pwdMaxAge',
  'pwdLockout',
  'pwdMaxFailure',
  'pwdLockoutDuration',
  'pwdFailureCountInterval',
];

function int(entry: Entry, name: string): number {
  const value = Number(text(entry, name) ?? '0');
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/**
 * A ppolicy pwdPolicy entry as the shared policy shape. The default policy (olcPPolicyDefault)
 * plays the AD domain policy; a pwdPolicySubentry plays a fine-grained policy. ppolicy
 * checks length only (pwdCheckQuality without a checker module): complexity is off.
 */
export async function readPpolicyEntry(
  client: Client,
  dn: string,
  isDefault: boolean,
): Promise<DirectoryPolicy> {
  const { searchEntries } = await client.search(dn, {
    scope: 'base',
    filter: '(objectClass=pwdPolicy)',
    attributes: policyAttributes,
  });
  const entry = searchEntries[0] as Entry | undefined;
  if (!entry) {
    throw new Error(`password policy ${dn} is not readable by the service account`);
  }
  const lockout = text(entry, 'pwdLockout')?.toUpperCase() === 'TRUE';
  return {
    minLength: int(entry, 'pwdMinLength'),
    historyLength: int(entry, 'pwdInHistory'),
    minAgeSeconds: int(entry, 'pwdMinAge'),
    maxAgeSeconds: int(entry, 'pwdMaxAge'),
    complexity: false,
    lockoutThreshold: lockout ? int(entry, 'pwdMaxFailure') : 0,
    lockoutDurationSeconds: int(entry, 'pwdLockoutDuration'),
    lockoutObservationSeconds: int(entry, 'pwdFailureCountInterval'),
    source: isDefault
      ? { kind: 'domain', dn }
      : { kind: 'fine_grained', dn, name: text(entry, 'cn') ?? dn, precedence: 0 },
  };
}
