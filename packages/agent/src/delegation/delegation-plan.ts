import { AD_GUIDS } from '../directory/ad/ad-rights.js';
import { ACCESS, ACE_FLAG, ACE_TYPE, type Ace } from '../directory/ad/security-descriptor.js';

/** One least-privilege right the service account needs, on one object. */
export interface Grant {
  readonly id: GrantId;
  /** As admins know it, e.g. "Reset Password on descendant user objects". */
  readonly title: string;
  readonly objectDn: string;
  ace(sid: string): Ace;
  readonly sddl: (sid: string) => string;
  /** Windows: a dsacls line (NETBIOS\account). */
  readonly dsacls: (account: string) => string;
  /** Windows: PowerShell (AD module), adding the same ACE. */
  readonly powershell: (account: string) => string;
}

export type GrantId =
  | 'reset_password'
  | 'change_password'
  | 'write_lockout_time'
  | 'write_pwd_last_set'
  | 'write_marker'
  | 'unexpire_password'
  | 'read_pso_container'
  | 'read_deleted_objects';

const INHERIT_TO_CHILDREN = ACE_FLAG.containerInherit | ACE_FLAG.inheritOnly;
const READ_LIST =
  ACCESS.listChildren | ACCESS.readProperty | ACCESS.listObject | ACCESS.readControl;

function userGrant(
  id: GrantId,
  title: string,
  ouDn: string,
  mask: number,
  guid: string,
  dsaclsRight: string,
  psRight: string,
): Grant {
  const sddlRight = mask === ACCESS.controlAccess ? 'CR' : 'WP';
  return {
    id,
    title: `${title} on descendant user objects of ${ouDn}`,
    objectDn: ouDn,
    ace: (sid) => ({
      type: ACE_TYPE.allowedObject,
      flags: INHERIT_TO_CHILDREN,
      mask,
      objectType: guid,
      inheritedObjectType: AD_GUIDS.userClass,
      sid,
    }),
    sddl: (sid) => `(OA;CIIO;${sddlRight};${guid};${AD_GUIDS.userClass};${sid})`,
    dsacls: (account) => `dsacls "${ouDn}" /I:S /G "${account}:${dsaclsRight};user"`,
    powershell: (account) =>
      `$acl = Get-Acl "AD:${ouDn}"; $acl.AddAccessRule((New-Object System.DirectoryServices.ActiveDirectoryAccessRule (Get-ADUser ${samOf(account)}).SID, '${psRight}', 'Allow', [guid]'${guid}', 'Descendents', [guid]'${AD_GUIDS.userClass}')); Set-Acl "AD:${ouDn}" $acl`,
  };
}

function samOf(account: string): string {
  return account.includes('\\') ? account.slice(account.indexOf('\\') + 1) : account;
}

/** The write-marker attribute (ADR 0011) and its schemaIDGUID, as read from the schema. */
export interface MarkerAttribute {
  readonly name: string;
  readonly guid: string;
}

/**
 * The rights, in the order the doctor checks them: on each OU that holds users in scope, for
 * descendant users, Reset Password, Change Password, write lockoutTime, pwdLastSet and the
 * write marker (when its GUID is known); on the domain root Unexpire Password; read on the
 * Password Settings Container and Deleted Objects.
 */
export function delegationPlan(
  domainDn: string,
  userOus: readonly string[],
  marker?: MarkerAttribute,
): Grant[] {
  const perOu = userOus.flatMap((ou) => [
    userGrant(
      'reset_password',
      'Reset Password',
      ou,
      ACCESS.controlAccess,
      AD_GUIDS.resetPassword,
      'CA;Reset Password',
      'ExtendedRight',
    ),
    userGrant(
      'change_password',
      'Change Password',
      ou,
      ACCESS.controlAccess,
      AD_GUIDS.changePassword,
      'CA;Change Password',
      'ExtendedRight',
    ),
    userGrant(
      'write_lockout_time',
      'Write lockoutTime',
      ou,
      ACCESS.writeProperty,
      AD_GUIDS.lockoutTime,
      'WP;lockoutTime',
      'WriteProperty',
    ),
    userGrant(
      'write_pwd_last_set',
      'Write pwdLastSet',
      ou,
      ACCESS.writeProperty,
      AD_GUIDS.pwdLastSet,
      'WP;pwdLastSet',
      'WriteProperty',
    ),
    ...(marker
      ? [
          userGrant(
            'write_marker',
            `Write ${marker.name} (the write marker)`,
            ou,
            ACCESS.writeProperty,
            marker.guid,
            `WP;${marker.name}`,
            'WriteProperty',
          ),
        ]
      : []),
  ]);
  const psoContainer = `CN=Password Settings Container,CN=System,${domainDn}`;
  const deletedObjects = `CN=Deleted Objects,${domainDn}`;
  return [
    ...perOu,
    {
      id: 'unexpire_password',
      title: `Unexpire Password on the domain root ${domainDn}`,
      objectDn: domainDn,
      ace: (sid) => ({
        type: ACE_TYPE.allowedObject,
        flags: 0,
        mask: ACCESS.controlAccess,
        objectType: AD_GUIDS.unexpirePassword,
        sid,
      }),
      sddl: (sid) => `(OA;;CR;${AD_GUIDS.unexpirePassword};;${sid})`,
      dsacls: (account) => `dsacls "${domainDn}" /G "${account}:CA;Unexpire Password"`,
      powershell: (account) =>
        `$acl = Get-Acl "AD:${domainDn}"; $acl.AddAccessRule((New-Object System.DirectoryServices.ActiveDirectoryAccessRule (Get-ADUser ${samOf(account)}).SID, 'ExtendedRight', 'Allow', [guid]'${AD_GUIDS.unexpirePassword}')); Set-Acl "AD:${domainDn}" $acl`,
    },
    {
      id: 'read_pso_container',
      title: `List and read ${psoContainer} (fine-grained password policies)`,
      objectDn: psoContainer,
      ace: (sid) => ({
        type: ACE_TYPE.allowed,
        flags: ACE_FLAG.containerInherit,
        mask: READ_LIST,
        sid,
      }),
      sddl: (sid) => `(A;CI;LCRPLORC;;;${sid})`,
      dsacls: (account) => `dsacls "${psoContainer}" /I:T /G "${account}:LCRPLORC"`,
      powershell: (account) =>
        `$acl = Get-Acl "AD:${psoContainer}"; $acl.AddAccessRule((New-Object System.DirectoryServices.ActiveDirectoryAccessRule (Get-ADUser ${samOf(account)}).SID, 'GenericRead', 'Allow', 'All')); Set-Acl "AD:${psoContainer}" $acl`,
    },
    {
      id: 'read_deleted_objects',
      title: `List Contents and Read Property on ${deletedObjects} (sync sees deletions)`,
      objectDn: deletedObjects,
      ace: (sid) => ({
        type: ACE_TYPE.allowed,
        flags: 0,
        mask: ACCESS.listChildren | ACCESS.readProperty,
        sid,
      }),
      sddl: (sid) => `(A;;LCRP;;;${sid})`,
      dsacls: (account) =>
        `dsacls "${deletedObjects}" /takeownership && dsacls "${deletedObjects}" /G "${account}:LCRP"`,
      powershell: (account) =>
        `dsacls "${deletedObjects}" /takeownership; dsacls "${deletedObjects}" /G "${account}:LCRP"`,
    },
  ];
}

/** The Samba line for one grant (Deleted Objects is out of samba-tool's reach: use --apply). */
export function sambaToolLine(grant: Grant, sid: string, ldapUrl: string): string {
  if (grant.id === 'read_deleted_objects')
    return `on the DC, as root, add ${grant.sddl(sid)} to the DACL of ${grant.objectDn} with Samba's local tools (samba-tool dsacl cannot reach it)`;
  return `samba-tool dsacl set -H ${ldapUrl} -U Administrator --objectdn='${grant.objectDn}' --sddl='${grant.sddl(sid)}'`;
}
