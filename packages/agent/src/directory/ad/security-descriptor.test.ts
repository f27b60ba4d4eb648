import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AD_GUIDS, cannotChangePassword, EVERYONE, hasRight } from './ad-rights.js';
import {
  ACCESS,
  ACE_FLAG,
  ACE_TYPE,
  daclDescriptor,
  guidToBytes,
  guidToString,
  parseDacl,
  sidToBytes,
  sidToString,
  type Ace,
} from './security-descriptor.js';

const service = 'S-1-5-21-1004336348-1177238915-682003330-1105';

test('SIDs and mixed-endian GUIDs survive a round trip', () => {
  assert.equal(sidToString(sidToBytes(service)), service);
  assert.equal(guidToString(guidToBytes(AD_GUIDS.resetPassword)), AD_GUIDS.resetPassword);
  // The first field is stored little-endian: 00299570 -> 70 95 29 00.
  assert.deepEqual(
    [...guidToBytes(AD_GUIDS.resetPassword).subarray(0, 4)],
    [0x70, 0x95, 0x29, 0x00],
  );
});

test('a DACL written and parsed again keeps every ACE in order', () => {
  const aces: Ace[] = [
    {
      type: ACE_TYPE.deniedObject,
      flags: 0,
      mask: ACCESS.controlAccess,
      objectType: AD_GUIDS.changePassword,
      sid: EVERYONE,
    },
    {
      type: ACE_TYPE.allowedObject,
      flags: ACE_FLAG.containerInherit | ACE_FLAG.inheritOnly,
      mask: ACCESS.controlAccess,
      objectType: AD_GUIDS.resetPassword,
      inheritedObjectType: AD_GUIDS.userClass,
      sid: service,
    },
    {
      type: ACE_TYPE.allowed,
      flags: 0,
      mask: ACCESS.readProperty | ACCESS.listChildren,
      sid: service,
    },
  ];
  assert.deepEqual(parseDacl(daclDescriptor(aces)), aces);
});

test('rights: the first matching ACE decides; inherit-only ACEs do not apply to the object itself', () => {
  const sids = new Set([service, EVERYONE]);
  const resetFor = (flags: number): Ace => ({
    type: ACE_TYPE.allowedObject,
    flags,
    mask: ACCESS.controlAccess,
    objectType: AD_GUIDS.resetPassword,
    sid: service,
  });
  assert.equal(hasRight([resetFor(0)], sids, ACCESS.controlAccess, AD_GUIDS.resetPassword), true);
  assert.equal(
    hasRight([resetFor(ACE_FLAG.inheritOnly)], sids, ACCESS.controlAccess, AD_GUIDS.resetPassword),
    false,
  );
  assert.equal(hasRight([resetFor(0)], sids, ACCESS.controlAccess, AD_GUIDS.changePassword), false);
  const deny: Ace = {
    type: ACE_TYPE.deniedObject,
    flags: 0,
    mask: ACCESS.controlAccess,
    objectType: AD_GUIDS.changePassword,
    sid: EVERYONE,
  };
  const allowAll: Ace = { type: ACE_TYPE.allowed, flags: 0, mask: ACCESS.genericAll, sid: service };
  assert.equal(
    hasRight([deny, allowAll], sids, ACCESS.controlAccess, AD_GUIDS.changePassword),
    false,
  );
  assert.equal(
    hasRight([allowAll, deny], sids, ACCESS.controlAccess, AD_GUIDS.changePassword),
    true,
  );
  assert.equal(hasRight([allowAll], new Set(['S-1-5-21-9']), ACCESS.controlAccess), false);
  assert.equal(cannotChangePassword([deny]), true);
  assert.equal(cannotChangePassword([allowAll]), false);
});
