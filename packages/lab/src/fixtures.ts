import type { Client } from 'ldapts';
import { LAB_BASE_DN } from './lab-layout.js';
import type { LabPaths } from './lab-layout.js';
import { add, ensureEntry, replace, sidToString } from './lab-ldap.js';
import { grantDeletedObjectsRead } from './deleted-objects-acl.js';
import type { LabAccount, LabState } from './lab-state.js';
import { createLabUser } from './lab-users.js';
import {
  addAce,
  passwordSettingsFlags,
  sambaTool,
  type DomainPasswordSettings,
} from './samba-tool.js';

export const FIXTURES_VERSION = 4;

const USER_CLASS = 'bf967aba-0de6-11d0-a285-00aa003049e2';
const RIGHT_RESET_PASSWORD = '00299570-246d-11d0-a768-00aa006e0529';
const RIGHT_CHANGE_PASSWORD = 'ab721a53-1e2f-11d0-9819-00aa0040529b';
const RIGHT_UNEXPIRE_PASSWORD = 'ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501';
const ATTR_LOCKOUT_TIME = '28630ebf-41d5-11d1-a9c1-0000f80367c1';
const ATTR_PWD_LAST_SET = 'bf967a0a-0de6-11d0-a285-00aa003049e2';
/** msDS-cloudExtensionAttribute20: the agent's default write marker (ADR 0011). */
const ATTR_WRITE_MARKER = 'f5446328-8b6e-498d-95a8-211748d5acdc';

const PSO_CONTAINER = `CN=Password Settings Container,CN=System,${LAB_BASE_DN}`;

const root = `OU=Ferry Lab,${LAB_BASE_DN}`;
const staff = `OU=Staff,${root}`;
export const labOus = {
  root,
  staff,
  tests: `OU=Tests,${staff}`,
  bulk: `OU=Bulk,${staff}`,
  service: `OU=Service Accounts,${root}`,
  outside: `OU=Outside,${root}`,
} as const;

export const labGroups = {
  minAgeZero: `CN=Ferry Lab Min Age Zero,${root}`,
  lockoutThree: `CN=Ferry Lab Lockout Three,${root}`,
} as const;

/** Fine-grained policies the tests use instead of loosening the domain policy for everyone. */
const psos: ReadonlyArray<{
  name: string;
  precedence: number;
  group: keyof typeof labGroups;
  settings: DomainPasswordSettings;
}> = [
  {
    name: 'Ferry Lab Min Age Zero',
    precedence: 20,
    group: 'minAgeZero',
    settings: {
      minPwdLength: 7,
      historyLength: 24,
      minPwdAgeDays: 0,
      maxPwdAgeDays: 42,
      complexity: true,
    },
  },
  {
    name: 'Ferry Lab Lockout Three',
    precedence: 10,
    group: 'lockoutThree',
    settings: {
      minPwdLength: 7,
      historyLength: 24,
      minPwdAgeDays: 0,
      maxPwdAgeDays: 42,
      complexity: true,
      lockoutThreshold: 3,
      lockoutDurationMinutes: 30,
      resetLockoutAfterMinutes: 30,
    },
  },
];

/**
 * The lab's directory content: OUs, named users for each interesting state, a least-privilege
 * service account with exactly the rights Entra's connector account needs, and one without.
 */
export async function applyFixtures(
  client: Client,
  paths: LabPaths,
  admin: LabAccount,
  base: Pick<LabState, 'realm' | 'baseDn' | 'ldapsUrl' | 'caFile' | 'smbConf'>,
): Promise<LabState> {
  for (const dn of [
    labOus.root,
    labOus.staff,
    labOus.tests,
    labOus.bulk,
    labOus.service,
    labOus.outside,
  ]) {
    const ou = /^OU=([^,]+)/.exec(dn)?.[1] ?? dn;
    await ensureEntry(client, dn, { objectClass: ['top', 'organizationalUnit'], ou });
  }
  for (const dn of Object.values(labGroups)) {
    const cn = /^CN=([^,]+)/.exec(dn)?.[1] ?? dn;
    await ensureEntry(client, dn, {
      objectClass: ['top', 'group'],
      cn,
      sAMAccountName: cn.replaceAll(' ', ''),
    });
  }

  const serviceAccount = await createLabUser(client, {
    ouDn: labOus.service,
    sAMAccountName: 'svc-ferry',
    givenName: 'Ferry',
    sn: 'Agent',
  });
  const noRightsAccount = await createLabUser(client, {
    ouDn: labOus.service,
    sAMAccountName: 'svc-norights',
    givenName: 'No',
    sn: 'Rights',
  });
  const users: Record<string, LabAccount> = {
    alice: await createLabUser(client, {
      ouDn: staff,
      sAMAccountName: 'alice',
      givenName: 'Alice',
      sn: 'Martin',
    }),
    bob: await createLabUser(client, {
      ouDn: staff,
      sAMAccountName: 'bob',
      givenName: 'Bob',
      sn: 'Durand',
    }),
    carol: await createLabUser(client, {
      ouDn: staff,
      sAMAccountName: 'carol',
      givenName: 'Carol',
      sn: 'Disabled',
      disabled: true,
    }),
    dave: await createLabUser(client, {
      ouDn: staff,
      sAMAccountName: 'dave',
      givenName: 'Dave',
      sn: 'Fixed',
    }),
    erin: await createLabUser(client, {
      ouDn: staff,
      sAMAccountName: 'erin',
      givenName: 'Erin',
      sn: 'Newhire',
      mustChange: true,
    }),
    tom: await createLabUser(client, {
      ouDn: staff,
      sAMAccountName: 'tom.admin',
      givenName: 'Tom',
      sn: 'Admin',
    }),
    olga: await createLabUser(client, {
      ouDn: labOus.outside,
      sAMAccountName: 'olga',
      givenName: 'Olga',
      sn: 'Outside',
    }),
  };

  // Tom is a Domain Admin; AD's SDProp would stamp adminCount=1, which Samba does not run.
  await addMember(client, `CN=Domain Admins,CN=Users,${LAB_BASE_DN}`, users['tom']!.dn);
  await client.modify(users['tom']!.dn, [replace('adminCount', ['1'])]);

  // Dave has "User cannot change password": deny Change Password to Everyone and to Self.
  await addAce(paths, users['dave']!.dn, `(OD;;CR;${RIGHT_CHANGE_PASSWORD};;WD)`);
  await addAce(paths, users['dave']!.dn, `(OD;;CR;${RIGHT_CHANGE_PASSWORD};;PS)`);

  const serviceSid = await objectSid(client, serviceAccount.dn);
  for (const ace of [
    `(OA;CIIO;CR;${RIGHT_RESET_PASSWORD};${USER_CLASS};${serviceSid})`,
    `(OA;CIIO;CR;${RIGHT_CHANGE_PASSWORD};${USER_CLASS};${serviceSid})`,
    `(OA;CIIO;WP;${ATTR_LOCKOUT_TIME};${USER_CLASS};${serviceSid})`,
    `(OA;CIIO;WP;${ATTR_PWD_LAST_SET};${USER_CLASS};${serviceSid})`,
    `(OA;CIIO;WP;${ATTR_WRITE_MARKER};${USER_CLASS};${serviceSid})`,
  ]) {
    await addAce(paths, staff, ace);
  }
  await addAce(paths, LAB_BASE_DN, `(OA;;CR;${RIGHT_UNEXPIRE_PASSWORD};;${serviceSid})`);
  // Ferry reads each user's resultant fine-grained policy; AD lets only admins read PSOs
  // unless the container delegates read (list, read property, read control) to the agent.
  await addAce(paths, PSO_CONTAINER, `(A;CI;LCRPLORC;;;${serviceSid})`);
  // Sync sees deletions only if the agent may read tombstones.
  await grantDeletedObjectsRead(paths, serviceSid);

  for (const pso of psos) {
    await ensurePso(paths, pso.name, pso.precedence, pso.settings);
    const group = /^CN=([^,]+)/.exec(labGroups[pso.group])![1]!.replaceAll(' ', '');
    try {
      await sambaTool(paths, ['domain', 'passwordsettings', 'pso', 'apply', pso.name, group]);
    } catch (error) {
      if (!String(error).includes('already applies')) throw error;
    }
  }

  return {
    ...base,
    ous: labOus,
    groups: labGroups,
    admin,
    serviceAccount,
    noRightsAccount,
    users,
    fixturesVersion: FIXTURES_VERSION,
  };
}

export async function addMember(client: Client, groupDn: string, memberDn: string): Promise<void> {
  try {
    await client.modify(groupDn, [add('member', [memberDn])]);
  } catch (error) {
    if ((error as { code?: number }).code !== 68 && (error as { code?: number }).code !== 20)
      throw error;
  }
}

async function objectSid(client: Client, dn: string): Promise<string> {
  const { searchEntries } = await client.search(dn, {
    scope: 'base',
    attributes: ['objectSid'],
    explicitBufferAttributes: ['objectSid'],
  });
  const sid = searchEntries[0]?.['objectSid'];
  if (!Buffer.isBuffer(sid)) throw new Error(`no objectSid on ${dn}`);
  return sidToString(sid);
}

async function ensurePso(
  paths: LabPaths,
  name: string,
  precedence: number,
  settings: DomainPasswordSettings,
): Promise<void> {
  try {
    await sambaTool(paths, [
      'domain',
      'passwordsettings',
      'pso',
      'create',
      name,
      String(precedence),
      ...passwordSettingsFlags(settings),
    ]);
  } catch (error) {
    if (!String(error).includes('already exists')) throw error;
  }
}
