import type { Client } from 'ldapts';

/** The dialect the agent speaks to a directory (the `directory` setting). */
export type Dialect = 'ad' | 'openldap';

/** What the wizard learns from a directory's rootDSE before it asks anything else. */
export interface DirectoryFacts {
  readonly dialect: Dialect | undefined;
  /** Why the dialect is what it is, in words an admin can check. */
  readonly evidence: string;
  /** AD's domain (defaultNamingContext), else the first naming context. */
  readonly defaultBaseDn: string | undefined;
  readonly namingContexts: readonly string[];
  /** AD: the DC's own DNS name. */
  readonly dnsHostName: string | undefined;
  /** AD: where the domain's DCs are listed (CN=Sites under it). */
  readonly configurationNamingContext: string | undefined;
}

/** LDAP_CAP_ACTIVE_DIRECTORY_OID: every AD DC (and Samba AD) lists it in supportedCapabilities. */
export const AD_CAPABILITY = '1.2.840.113556.1.4.800';

/** The rootDSE attributes the wizard reads (slapd's structuralObjectClass is operational). */
export const ROOT_DSE_ATTRIBUTES = [
  'defaultNamingContext',
  'namingContexts',
  'dnsHostName',
  'configurationNamingContext',
  'supportedCapabilities',
  'structuralObjectClass',
  'objectClass',
  'vendorName',
] as const;

type Entry = Readonly<Record<string, unknown>>;

function values(entry: Entry, name: string): string[] {
  const found = Object.entries(entry).find(([key]) => key.toLowerCase() === name.toLowerCase());
  if (!found || found[1] === undefined) return [];
  return (Array.isArray(found[1]) ? found[1] : [found[1]]).map(String);
}

/**
 * The naming context that holds the data: slapd also lists its accesslog (cn=accesslog) and
 * perhaps cn=monitor, in any order; a data suffix starts with dc=, o=, ou=...
 */
function dataContextOf(contexts: readonly string[]): string | undefined {
  return contexts.find((dn) => !/^\s*cn=/i.test(dn)) ?? contexts[0];
}

/** Reads the dialect and the naming contexts from a rootDSE entry. */
export function classifyRootDse(entry: Entry): DirectoryFacts {
  const namingContexts = values(entry, 'namingContexts');
  const defaultNamingContext = values(entry, 'defaultNamingContext')[0];
  const common = {
    namingContexts,
    dnsHostName: values(entry, 'dnsHostName')[0],
    configurationNamingContext: values(entry, 'configurationNamingContext')[0],
    defaultBaseDn: defaultNamingContext ?? dataContextOf(namingContexts),
  };
  if (values(entry, 'supportedCapabilities').includes(AD_CAPABILITY)) {
    return {
      ...common,
      dialect: 'ad',
      evidence: `Active Directory: the rootDSE lists capability ${AD_CAPABILITY} (domain ${defaultNamingContext ?? '?'})`,
    };
  }
  const classes = [...values(entry, 'structuralObjectClass'), ...values(entry, 'objectClass')];
  if (classes.some((name) => name.toLowerCase() === 'openldaprootdse')) {
    return {
      ...common,
      dialect: 'openldap',
      evidence: `OpenLDAP: the rootDSE is an OpenLDAProotDSE (naming contexts ${namingContexts.join('; ') || 'none'})`,
    };
  }
  const vendor = values(entry, 'vendorName')[0];
  return {
    ...common,
    dialect: undefined,
    evidence: `neither Active Directory nor OpenLDAP${vendor ? ` (vendor: ${vendor})` : ''}: the rootDSE has no AD capability and is not an OpenLDAProotDSE`,
  };
}

/** Reads and classifies the rootDSE over an open (bound or anonymous) connection. */
export async function readDirectoryFacts(client: Client): Promise<DirectoryFacts> {
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: [...ROOT_DSE_ATTRIBUTES],
  });
  const entry = searchEntries[0];
  if (!entry) throw new Error('the directory returned no rootDSE');
  return classifyRootDse(entry);
}
