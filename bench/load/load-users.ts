import { readFileSync } from 'node:fs';
import { addMember, bulkAccountName, type LabState } from '@ferry/lab';
import { Attribute, Change, Client } from 'ldapts';
import { labConnector } from '../../scripts/support/lab-connector.js';

/** A bulk user of the lab DC as the load benchmark drives it. */
export interface LoadUser {
  readonly dn: string;
  readonly guid: string;
  readonly sam: string;
  readonly upn: string;
}

/** Bulk users `from`..`from + count - 1` (they must exist), looked up on the DC. */
export async function bulkLoadUsers(
  lab: LabState,
  from: number,
  count: number,
): Promise<LoadUser[]> {
  const connector = labConnector(lab);
  try {
    const users: LoadUser[] = [];
    for (let index = from; index < from + count; index += 1) {
      const found = await connector.findUser({
        by: 'sAMAccountName',
        value: bulkAccountName(index),
      });
      if (!found.ok) throw new Error(`bulk user ${index} missing`);
      users.push({
        dn: found.user.dn,
        guid: found.user.objectGUID,
        sam: found.user.sAMAccountName,
        upn: `${found.user.sAMAccountName}@${lab.realm.toLowerCase()}`,
      });
    }
    return users;
  } finally {
    await connector.close();
  }
}

/** A bound LDAPS connection to the lab DC as `account` (the agent's service account by default). */
export async function labConnection(
  lab: LabState,
  account: { dn: string; password: string } = lab.serviceAccount,
): Promise<Client> {
  const client = new Client({ url: lab.ldapsUrl, tlsOptions: { ca: [readFileSync(lab.caFile)] } });
  await client.bind(account.dn, account.password);
  return client;
}

/**
 * Puts the users in the lab's min-age-zero PSO group (the domain's one-day minimum age would
 * refuse their second change, and the agent applies it to self-service resets on Samba), and,
 * with `passwords`, gives each its password by an admin reset.
 */
export async function prepareLoadUsers(
  lab: LabState,
  users: readonly LoadUser[],
  passwords?: ReadonlyMap<string, string>,
): Promise<void> {
  const admin = await labConnection(lab, lab.admin);
  try {
    for (const user of users) {
      await addMember(admin, lab.groups.minAgeZero, user.dn);
      const password = passwords?.get(user.dn);
      if (password !== undefined) await admin.modify(user.dn, resetChanges(password));
    }
  } finally {
    await admin.unbind();
  }
}

const utf16 = (password: string): Buffer => Buffer.from(`"${password}"`, 'utf16le');

/** A reset as the agent writes it (less its write marker): new password, lockout cleared. */
export function resetChanges(password: string): Change[] {
  return [
    new Change({
      operation: 'replace',
      modification: new Attribute({ type: 'unicodePwd', values: [utf16(password)] }),
    }),
    new Change({
      operation: 'replace',
      modification: new Attribute({ type: 'lockoutTime', values: ['0'] }),
    }),
  ];
}

/** A change as the agent writes it (less its write marker): delete the old value, add the new. */
export function changeChanges(current: string, next: string): Change[] {
  return [
    new Change({
      operation: 'delete',
      modification: new Attribute({ type: 'unicodePwd', values: [utf16(current)] }),
    }),
    new Change({
      operation: 'add',
      modification: new Attribute({ type: 'unicodePwd', values: [utf16(next)] }),
    }),
  ];
}
