import { randomBytes } from 'node:crypto';
import type { Client } from 'ldapts';
import { LAB_REALM } from './lab-layout.js';
import { ensureEntry, replace, unicodePwdValue } from './lab-ldap.js';
import type { LabAccount } from './lab-state.js';

export const UAC_NORMAL_ACCOUNT = 0x200;
export const UAC_ACCOUNTDISABLE = 0x2;

/** A password that meets AD complexity (upper, lower, digit, symbol) and any sane length rule. */
export function labPassword(): string {
  return `Fy7!${randomBytes(12).toString('base64url')}`;
}

export interface LabUserSpec {
  readonly ouDn: string;
  readonly sAMAccountName: string;
  readonly givenName?: string;
  readonly sn?: string;
  readonly password?: string;
  readonly disabled?: boolean;
  readonly mustChange?: boolean;
  readonly mail?: string;
}

/** Creates (or re-creates the password of) a user; returns its credentials. */
export async function createLabUser(client: Client, spec: LabUserSpec): Promise<LabAccount> {
  const password = spec.password ?? labPassword();
  const cn = spec.sAMAccountName;
  const dn = `CN=${cn},${spec.ouDn}`;
  const userPrincipalName = `${spec.sAMAccountName}@${LAB_REALM.toLowerCase()}`;
  const uac = UAC_NORMAL_ACCOUNT | (spec.disabled ? UAC_ACCOUNTDISABLE : 0);
  const attributes: Record<string, string | string[] | Buffer> = {
    objectClass: ['top', 'person', 'organizationalPerson', 'user'],
    cn,
    sAMAccountName: spec.sAMAccountName,
    userPrincipalName,
    unicodePwd: unicodePwdValue(password),
    userAccountControl: String(uac),
    mail: spec.mail ?? userPrincipalName,
  };
  if (spec.givenName) attributes['givenName'] = spec.givenName;
  if (spec.sn) attributes['sn'] = spec.sn;
  if (spec.givenName || spec.sn) {
    attributes['displayName'] = [spec.givenName, spec.sn].filter(Boolean).join(' ');
  }
  await ensureEntry(client, dn, attributes);
  await client.modify(dn, [
    replace('unicodePwd', [unicodePwdValue(password)]),
    replace('userAccountControl', [String(uac)]),
  ]);
  if (spec.mustChange) await client.modify(dn, [replace('pwdLastSet', ['0'])]);
  return { dn, sAMAccountName: spec.sAMAccountName, userPrincipalName, password };
}

export async function deleteLabEntry(client: Client, dn: string): Promise<void> {
  try {
    await client.del(dn);
  } catch (error) {
    if ((error as { code?: number }).code !== 32) throw error; // 32 = noSuchObject
  }
}
