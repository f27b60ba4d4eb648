import { lookup, Resolver } from 'node:dns/promises';
import type { Client } from 'ldapts';
import type { DirectoryFacts } from './directory-facts.js';

/** A domain controller the wizard can offer, with where it was found. */
export interface FoundDc {
  readonly host: string;
  readonly port: number;
  readonly source: string;
  /** Whether this host name resolves here (the agent must reach it by that name). */
  readonly resolves: boolean;
}

/** The DNS domain of an AD domain DN: DC=corp,DC=example,DC=com → corp.example.com. */
export function dnsDomainOf(domainDn: string): string | undefined {
  const labels = domainDn
    .split(',')
    .map((part) => /^\s*DC=(.+?)\s*$/i.exec(part)?.[1])
    .filter((label): label is string => label !== undefined);
  return labels.length > 0 ? labels.join('.').toLowerCase() : undefined;
}

/** DCs listed in the configuration partition: every server object under CN=Sites with a DNS name. */
async function fromConfiguration(client: Client, configurationDn: string): Promise<string[]> {
  const { searchEntries } = await client.search(`CN=Sites,${configurationDn}`, {
    scope: 'sub',
    filter: '(&(objectClass=server)(dNSHostName=*))',
    attributes: ['dNSHostName'],
    sizeLimit: 500,
  });
  return searchEntries.map((entry) => String(entry['dNSHostName']));
}

/** DCs advertised in DNS (_ldap._tcp.dc._msdcs.<domain>); none when DNS does not answer. */
async function fromDns(domain: string, timeoutMs: number): Promise<string[]> {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  try {
    const records = await resolver.resolveSrv(`_ldap._tcp.dc._msdcs.${domain}`);
    return records.map((record) => record.name);
  } catch {
    return [];
  }
}

async function resolves(host: string): Promise<boolean> {
  try {
    await lookup(host);
    return true;
  } catch {
    return false;
  }
}

/**
 * The domain's DCs (AD only): the one answering (rootDSE dnsHostName), those listed in the
 * configuration partition and those in DNS SRV records. Each is offered on LDAPS (636).
 */
export async function findDomainControllers(
  client: Client,
  facts: DirectoryFacts,
  dnsTimeoutMs = 1_500,
): Promise<FoundDc[]> {
  const found = new Map<string, string>();
  const add = (host: string, source: string): void => {
    const key = host.toLowerCase().replace(/\.$/, '');
    if (!found.has(key)) found.set(key, source);
  };
  if (facts.dnsHostName) add(facts.dnsHostName, 'rootDSE dnsHostName');
  if (facts.configurationNamingContext) {
    const listed = await fromConfiguration(client, facts.configurationNamingContext).catch(
      () => [],
    );
    for (const host of listed) add(host, 'configuration partition');
  }
  const domain = facts.defaultBaseDn ? dnsDomainOf(facts.defaultBaseDn) : undefined;
  if (domain) for (const host of await fromDns(domain, dnsTimeoutMs)) add(host, 'DNS SRV');
  return Promise.all(
    [...found].map(async ([host, source]) => ({
      host,
      port: 636,
      source,
      resolves: await resolves(host),
    })),
  );
}
