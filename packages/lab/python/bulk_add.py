"""Adds the lab's bulk users straight into the stopped DC's sam.ldb (Ferry lab only).

Input (argv): smb.conf, OU=Bulk DN, the DN of the OU for users past 10,000, the realm,
the first and last index. Users are added through Samba's own module stack (RIDs, SIDs,
defaults, indexes) as samba-tool would, but in transactions of 5,000 instead of one LDAP
round trip and one committed transaction per user. Prints one JSON line: created, existing.
"""
import json
import sys

import ldb
from samba.auth import system_session
from samba.param import LoadParm
from samba.samdb import SamDB

GIVEN = ["Ana", "Ben", "Chloé", "Dmitri", "Emma", "Farid", "Grace", "Hugo", "Inès", "Jonas"]
SURNAMES = ["Bernard", "Dubois", "Garcia", "Kowalski", "Leroy", "Moreau", "Nguyen", "Petit",
            "Roux", "Smith"]
UAC = str(0x200 | 0x20)  # NORMAL_ACCOUNT | PASSWD_NOTREQD: no password, no key derivation
FIRST_IN_MORE = 10_001
CHUNK = 500

smb_conf, bulk_ou, more_ou, realm, first, last = sys.argv[1:7]
first, last = int(first), int(last)
lp = LoadParm()
lp.load(smb_conf)
samdb = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)

try:
    samdb.search(base=more_ou, scope=ldb.SCOPE_BASE, attrs=["ou"])
except ldb.LdbError:
    samdb.add({"dn": more_ou, "objectClass": "organizationalUnit"})

existing = {
    str(entry["sAMAccountName"][0])
    for entry in samdb.search(
        base=bulk_ou,
        scope=ldb.SCOPE_SUBTREE,
        expression="(&(objectClass=user)(sAMAccountName=bulk*))",
        attrs=["sAMAccountName"],
    )
}
created = 0
samdb.transaction_start()
try:
    for index in range(first, last + 1):
        name = "bulk%06d" % index
        if name in existing:
            continue
        given = GIVEN[index % len(GIVEN)]
        sn = SURNAMES[(index // len(GIVEN)) % len(SURNAMES)]
        upn = "%s@%s" % (name, realm.lower())
        ou = more_ou if index >= FIRST_IN_MORE else bulk_ou
        samdb.add({
            "dn": "CN=%s,%s" % (name, ou),
            "objectClass": ["top", "person", "organizationalPerson", "user"],
            "cn": name,
            "sAMAccountName": name,
            "userPrincipalName": upn,
            "givenName": given,
            "sn": sn,
            "displayName": "%s %s" % (given, sn),
            "mail": upn,
            "userAccountControl": UAC,
        })
        created += 1
        if created % CHUNK == 0:
            samdb.transaction_commit()
            print(json.dumps({"progress": created}), flush=True)
            samdb.transaction_start()
    samdb.transaction_commit()
except BaseException:
    samdb.transaction_cancel()
    raise
print(json.dumps({"created": created, "existing": len(existing)}), flush=True)
