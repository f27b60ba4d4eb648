import { BerWriter, Control } from 'ldapts';

/**
 * LDAP_SERVER_POLICY_HINTS (MS-ADTS 3.1.1.3.4.1.27): value SEQUENCE { Flags INTEGER }; flag 1
 * makes the DC apply password history and minimum age to a password *reset*, as they apply
 * to a change. Windows Server 2016+ advertises 1.2.840.113556.1.4.2239 (2008 R2-2012:
 * the deprecated .2066); Samba advertises neither.
 */
export class PolicyHintsControl extends Control {
  constructor(oid: string) {
    super(oid, { critical: true });
  }

  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    value.writeInt(1);
    value.endSequence();
    writer.writeBuffer(value.buffer, 0x04);
  }
}
