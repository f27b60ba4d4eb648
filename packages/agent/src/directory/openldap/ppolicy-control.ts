import { Control, type BerReader } from 'ldapts';

export const PPOLICY_CONTROL_OID = '1.3.6.1.4.1.42.2.27.8.5.1';
export const PASSWORD_MODIFY_OID = '1.3.6.1.4.1.4203.1.11.1';

/** PasswordPolicyResponseValue's error (draft-behera-ldap-password-policy, section 6.2). */
export const ppolicyErrors = [
  'passwordExpired',
  'accountLocked',
  'changeAfterReset',
  'passwordModNotAllowed',
  'mustSupplyOldPassword',
  'insufficientPasswordQuality',
  'passwordTooShort',
  'passwordTooYoung',
  'passwordInHistory',
  'passwordTooLong',
] as const;

export type PpolicyError = (typeof ppolicyErrors)[number];

export interface PpolicyResponse {
  readonly error?: PpolicyError;
  readonly timeBeforeExpiration?: number;
  readonly graceAuthNsRemaining?: number;
}

const WARNING = 0xa0;
const TIME_BEFORE_EXPIRATION = 0x80;
const GRACE_REMAINING = 0x81;
const ERROR = 0x81;

/**
 * The ppolicy request control. ldapts decodes a response control only into the request
 * control of the same OID, and throws errors without their controls: so each operation
 * gets a fresh instance, read after the call whether it succeeded or threw.
 */
export class PasswordPolicyControl extends Control {
  response: PpolicyResponse | undefined;

  constructor() {
    super(PPOLICY_CONTROL_OID, { critical: false });
  }

  protected override writeControl(): void {
    // The request has no value.
  }

  protected override parseControl(reader: BerReader): void {
    this.response = parsePpolicyResponse(reader);
  }
}

export function parsePpolicyResponse(reader: BerReader): PpolicyResponse {
  const response: { -readonly [K in keyof PpolicyResponse]: PpolicyResponse[K] } = {};
  if (reader.readSequence(0x30) === null) return response;
  const end = reader.offset + reader.length;
  // A malformed value stops the loop (every step must consume bytes): the control is advisory.
  while (reader.offset < end) {
    const start = reader.offset;
    const tag = reader.peek();
    if (tag === WARNING) {
      reader.readSequence(WARNING);
      const inner = reader.peek();
      const value = inner === null ? null : reader.readTag(inner);
      if (value === null) break;
      if (inner === TIME_BEFORE_EXPIRATION) response.timeBeforeExpiration = value;
      if (inner === GRACE_REMAINING) response.graceAuthNsRemaining = value;
    } else if (tag === ERROR) {
      const error = ppolicyErrors[reader.readTag(ERROR) ?? -1];
      if (error) response.error = error;
    } else {
      break;
    }
    if (reader.offset <= start) break;
  }
  return response;
}
