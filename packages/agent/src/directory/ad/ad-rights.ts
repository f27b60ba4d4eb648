import { ACCESS, ACE_FLAG, ACE_TYPE, type Ace } from './security-descriptor.js';

/** Schema and extended-right GUIDs (MS-ADTS 5.1.3.2.1, MS-ADA) the agent's rights use. */
export const AD_GUIDS = {
  userClass: 'bf967aba-0de6-11d0-a285-00aa003049e2',
  resetPassword: '00299570-246d-11d0-a768-00aa006e0529',
  changePassword: 'ab721a53-1e2f-11d0-9819-00aa0040529b',
  unexpirePassword: 'ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501',
  lockoutTime: '28630ebf-41d5-11d1-a9c1-0000f80367c1',
  pwdLastSet: 'bf967a0a-0de6-11d0-a285-00aa003049e2',
} as const;

/** SIDs every authenticated token holds besides its own and its groups' (tokenGroups). */
export const EVERYONE = 'S-1-1-0';
export const AUTHENTICATED_USERS = 'S-1-5-11';
export const SELF = 'S-1-5-10';

function grants(ace: Ace, mask: number, objectType: string | undefined): boolean {
  if (ace.mask & ACCESS.genericAll) return true;
  if ((ace.mask & mask) === 0) return false;
  // An ACE without an object type covers every right and property of that kind.
  return ace.objectType === undefined || objectType === undefined || ace.objectType === objectType;
}

/**
 * Whether a token (its SIDs) holds a right on an object, from the object's DACL in order: the
 * first ACE for one of the SIDs that grants or denies the right decides (AD keeps DACLs in
 * canonical order: explicit deny, explicit allow, inherited deny, inherited allow).
 */
export function hasRight(
  aces: readonly Ace[],
  sids: ReadonlySet<string>,
  mask: number,
  objectType?: string,
): boolean {
  for (const ace of aces) {
    if (ace.flags & ACE_FLAG.inheritOnly) continue;
    if (!sids.has(ace.sid) || !grants(ace, mask, objectType)) continue;
    return ace.type === ACE_TYPE.allowed || ace.type === ACE_TYPE.allowedObject;
  }
  return false;
}

/** "User cannot change password": Change Password denied to Everyone or to the user (Self). */
export function cannotChangePassword(aces: readonly Ace[]): boolean {
  return aces.some(
    (ace) =>
      (ace.type === ACE_TYPE.deniedObject || ace.type === ACE_TYPE.denied) &&
      (ace.sid === EVERYONE || ace.sid === SELF) &&
      grants(ace, ACCESS.controlAccess, AD_GUIDS.changePassword),
  );
}
