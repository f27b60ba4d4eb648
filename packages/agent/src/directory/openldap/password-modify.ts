import { BerWriter } from 'ldapts';
import type { Secret } from '@ferry/protocol';

/**
 * The Password Modify request value (RFC 3062): SEQUENCE { userIdentity [0], oldPasswd [1],
 * newPasswd [2] }, each optional. Without userIdentity it is the bound user's own password.
 */
export function passwordModifyRequest(fields: {
  readonly userDn?: string;
  readonly oldPassword?: Secret;
  readonly newPassword: Secret;
}): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  if (fields.userDn !== undefined) writer.writeBuffer(Buffer.from(fields.userDn, 'utf8'), 0x80);
  if (fields.oldPassword !== undefined) {
    writer.writeBuffer(Buffer.from(fields.oldPassword.reveal(), 'utf8'), 0x81);
  }
  writer.writeBuffer(Buffer.from(fields.newPassword.reveal(), 'utf8'), 0x82);
  writer.endSequence();
  return writer.buffer;
}
