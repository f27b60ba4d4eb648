import { runCommand } from './run-command.js';
import type { LabPaths } from './lab-layout.js';

/**
 * Lets an account read tombstones (List Contents + Read Property on CN=Deleted Objects), which
 * the agent's sync needs to see deletions. `samba-tool dsacl` cannot reach that container, so
 * this edits its security descriptor through Samba's own Python bindings (Debian's python3).
 */
const script = `
import sys, ldb
from samba.samdb import SamDB
from samba.param import LoadParm
from samba.auth import system_session
from samba.ndr import ndr_unpack, ndr_pack
from samba.dcerpc import security
lp = LoadParm(); lp.load(sys.argv[1])
db = SamDB(url=sys.argv[2], session_info=system_session(), lp=lp)
dn = "CN=Deleted Objects," + str(db.domain_dn())
controls = ["show_deleted:1", "sd_flags:1:4"]
res = db.search(base=dn, scope=ldb.SCOPE_BASE, attrs=["nTSecurityDescriptor"], controls=controls)
sd = ndr_unpack(security.descriptor, res[0]["nTSecurityDescriptor"][0])
if sys.argv[3] not in sd.as_sddl():
    ace = security.ace()
    ace.type = security.SEC_ACE_TYPE_ACCESS_ALLOWED
    ace.access_mask = security.SEC_ADS_LIST | security.SEC_ADS_READ_PROP
    ace.trustee = security.dom_sid(sys.argv[3])
    sd.dacl_add(ace)
    m = ldb.Message(); m.dn = ldb.Dn(db, dn)
    m["nTSecurityDescriptor"] = ldb.MessageElement(ndr_pack(sd), ldb.FLAG_MOD_REPLACE, "nTSecurityDescriptor")
    db.modify(m, controls=controls)
`;

export async function grantDeletedObjectsRead(paths: LabPaths, sid: string): Promise<void> {
  await runCommand('/usr/bin/python3', ['-c', script, paths.smbConf, paths.samLdb, sid]);
}
