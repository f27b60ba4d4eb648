import type { Client } from 'ldapts';

export const CONTROL_OIDS = {
  pagedResults: '1.2.840.113556.1.4.319',
  policyHints: '1.2.840.113556.1.4.2239',
  policyHintsDeprecated: '1.2.840.113556.1.4.2066',
  showDeleted: '1.2.840.113556.1.4.417',
  showRecycled: '1.2.840.113556.1.4.2064',
  dirSync: '1.2.840.113556.1.4.841',
  notification: '1.2.840.113556.1.4.528',
  sdFlags: '1.2.840.113556.1.4.801',
} as const;

export type Capability = keyof typeof CONTROL_OIDS;

export interface RootDse {
  readonly defaultNamingContext: string;
  readonly dnsHostName: string | undefined;
  readonly dsServiceName: string | undefined;
  readonly highestCommittedUSN: string | undefined;
  readonly supportedControls: readonly string[];
  readonly capabilities: Readonly<Record<Capability, boolean>>;
}

function first(value: unknown): string | undefined {
  if (Array.isArray(value)) return value[0] === undefined ? undefined : String(value[0]);
  return value === undefined ? undefined : String(value);
}

/** What this DC is and which controls it supports (read once per connection target). */
export async function readRootDse(client: Client): Promise<RootDse> {
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: [
      'defaultNamingContext',
      'dnsHostName',
      'dsServiceName',
      'highestCommittedUSN',
      'supportedControl',
    ],
  });
  const entry = searchEntries[0];
  if (!entry) throw new Error('the directory returned no rootDSE');
  const controlsValue = entry['supportedControl'];
  const supportedControls = (Array.isArray(controlsValue) ? controlsValue : [controlsValue])
    .filter((value) => value !== undefined)
    .map(String);
  const capabilities = Object.fromEntries(
    Object.entries(CONTROL_OIDS).map(([name, oid]) => [name, supportedControls.includes(oid)]),
  ) as Record<Capability, boolean>;
  return {
    defaultNamingContext: first(entry['defaultNamingContext']) ?? '',
    dnsHostName: first(entry['dnsHostName']),
    dsServiceName: first(entry['dsServiceName']),
    highestCommittedUSN: first(entry['highestCommittedUSN']),
    supportedControls,
    capabilities,
  };
}
