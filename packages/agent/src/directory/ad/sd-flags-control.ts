import { BerWriter, Control } from 'ldapts';

export const SD_FLAGS_DACL = 0x4;

/**
 * LDAP_SERVER_SD_FLAGS (MS-ADTS 3.1.1.3.4.1.11): which parts of nTSecurityDescriptor a search
 * returns or a modify writes. Asking for the DACL alone lets a non-admin read it (the owner
 * and SACL parts need more rights) and lets a write leave the owner and SACL untouched.
 */
export class SdFlagsControl extends Control {
  constructor(readonly flags: number = SD_FLAGS_DACL) {
    super('1.2.840.113556.1.4.801', { critical: false });
  }

  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    value.writeInt(this.flags);
    value.endSequence();
    writer.writeBuffer(value.buffer, 0x04);
  }
}
