import type { DirectoryPolicy } from '@ferry/protocol';
import type { Client } from 'ldapts';
import { intervalToSeconds } from './ad-time.js';

const DOMAIN_PASSWORD_COMPLEX = 0x1;

const domainAttributes = [
  'minPwdLength',
  'pwdHistoryLength',
  'minPwdAge',
  'maxPwdAge',
  'pwdProperties',
  'lockoutThreshold',
  'lockoutDuration',
  'lockOutObservationWindow',
];

const psoAttributes = [
  'cn',
  'msDS-PasswordSettingsPrecedence',
  'msDS-MinimumPasswordLength',
  'msDS-PasswordHistoryLength',
  'msDS-MinimumPasswordAge',
  'msDS-MaximumPasswordAge',
  'msDS-PasswordComplexityEnabled',
  'msDS-LockoutThreshold',
  'msDS-LockoutDuration',
  'msDS-LockoutObservationWindow',
];

type Entry = Record<string, unknown>;

function text(entry: Entry, name: string): string | undefined {
  const value = entry[name];
  const single = Array.isArray(value) ? value[0] : value;
  return single === undefined ? undefined : String(single);
}

function int(entry: Entry, name: string): number {
  const value = Number(text(entry, name) ?? '0');
  return Number.isFinite(value) ? value : 0;
}

/** The Default Domain Policy's password and lockout settings, from the domain root object. */
export async function readDomainPolicy(client: Client, domainDn: string): Promise<DirectoryPolicy> {
  const { searchEntries } = await client.search(domainDn, {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: domainAttributes,
  });
  const entry = searchEntries[0];
  if (!entry) throw new Error(`domain object ${domainDn} not readable`);
  return {
    minLength: int(entry, 'minPwdLength'),
    historyLength: int(entry, 'pwdHistoryLength'),
    minAgeSeconds: intervalToSeconds(text(entry, 'minPwdAge')),
    maxAgeSeconds: intervalToSeconds(text(entry, 'maxPwdAge')),
    complexity: (int(entry, 'pwdProperties') & DOMAIN_PASSWORD_COMPLEX) !== 0,
    lockoutThreshold: int(entry, 'lockoutThreshold'),
    lockoutDurationSeconds: intervalToSeconds(text(entry, 'lockoutDuration')),
    lockoutObservationSeconds: intervalToSeconds(text(entry, 'lockOutObservationWindow')),
    source: { kind: 'domain', dn: domainDn },
  };
}

/** A fine-grained Password Settings Object (msDS-PasswordSettings) as a policy. */
export async function readPasswordSettingsObject(
  client: Client,
  psoDn: string,
): Promise<DirectoryPolicy> {
  const { searchEntries } = await client.search(psoDn, {
    scope: 'base',
    filter: '(objectClass=msDS-PasswordSettings)',
    attributes: psoAttributes,
  });
  const entry = searchEntries[0];
  if (!entry) {
    throw new Error(
      `fine-grained policy ${psoDn} not readable by the service account (grant it read on the Password Settings Container)`,
    );
  }
  return {
    minLength: int(entry, 'msDS-MinimumPasswordLength'),
    historyLength: int(entry, 'msDS-PasswordHistoryLength'),
    minAgeSeconds: intervalToSeconds(text(entry, 'msDS-MinimumPasswordAge')),
    maxAgeSeconds: intervalToSeconds(text(entry, 'msDS-MaximumPasswordAge')),
    complexity: text(entry, 'msDS-PasswordComplexityEnabled')?.toUpperCase() === 'TRUE',
    lockoutThreshold: int(entry, 'msDS-LockoutThreshold'),
    lockoutDurationSeconds: intervalToSeconds(text(entry, 'msDS-LockoutDuration')),
    lockoutObservationSeconds: intervalToSeconds(text(entry, 'msDS-LockoutObservationWindow')),
    source: {
      kind: 'fine_grained',
      dn: psoDn,
      name: text(entry, 'cn') ?? psoDn,
      precedence: int(entry, 'msDS-PasswordSettingsPrecedence'),
    },
  };
}
