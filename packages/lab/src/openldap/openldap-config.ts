import {
  OPENLDAP_ACCESSLOG_SUFFIX,
  OPENLDAP_NO_RIGHTS_DN,
  OPENLDAP_ROOT_DN,
  OPENLDAP_SERVICE_DN,
  OPENLDAP_SUFFIX,
  openLdapOus,
  openLdapPolicies,
  type OpenLdapPaths,
} from './openldap-layout.js';

const schemas = ['core', 'cosine', 'nis', 'inetorgperson'];

/**
 * cn=config for the lab slapd: mdb with ppolicy, syncprov, accesslog and memberof. Writes
 * skip fsync (olcDbNoSync): the lab is thrown away, and a synced write costs ~10 ms.
 * The service account gets `manage` on the password attributes: with only `write`, slapd
 * treats its resets as user changes (quality, history, minimum age) and sets no pwdReset.
 */
export function slapdConfigLdif(
  paths: OpenLdapPaths,
  tls: { keyFile: string; certFile: string },
  rootPasswordHash: string,
): string {
  const svc = `dn.exact="${OPENLDAP_SERVICE_DN}"`;
  const root = `dn.exact="${OPENLDAP_ROOT_DN}"`;
  return `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: ${paths.dir}/slapd.pid
olcArgsFile: ${paths.dir}/slapd.args
olcLogLevel: none
olcTLSCertificateFile: ${tls.certFile}
olcTLSCertificateKeyFile: ${tls.keyFile}

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb
olcModuleLoad: ppolicy
olcModuleLoad: syncprov
olcModuleLoad: accesslog
olcModuleLoad: memberof

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

${schemas.map((name) => `include: file:///etc/ldap/schema/${name}.ldif`).join('\n\n')}

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcSizeLimit: 500
olcAccess: {0}to dn.base="" by * read
olcAccess: {1}to dn.base="cn=Subschema" by * read

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: ${OPENLDAP_ACCESSLOG_SUFFIX}
olcDbDirectory: ${paths.accesslogDir}
olcRootDN: ${OPENLDAP_ROOT_DN}
olcDbMaxSize: 1073741824
olcDbNoSync: TRUE
olcDbIndex: default eq
olcDbIndex: objectClass,entryCSN,reqStart,reqEnd,reqResult,reqDN
olcAccess: {0}to * by ${root} read by ${svc} read by * none
olcLimits: ${svc} size=unlimited

dn: olcDatabase={2}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {2}mdb
olcSuffix: ${OPENLDAP_SUFFIX}
olcRootDN: ${OPENLDAP_ROOT_DN}
olcRootPW: ${rootPasswordHash}
olcDbDirectory: ${paths.dataDir}
olcDbMaxSize: 4294967296
olcDbNoSync: TRUE
olcDbIndex: objectClass eq
olcDbIndex: cn,uid,mail eq,sub
olcDbIndex: entryUUID,entryCSN eq
olcAccess: {0}to dn.subtree="${openLdapOus.staff}" attrs=userPassword by ${svc} manage by self write by anonymous auth by * none
olcAccess: {1}to attrs=userPassword by self write by anonymous auth by * none
olcAccess: {2}to dn.subtree="${openLdapOus.staff}" attrs=pwdReset,pwdAccountLockedTime,pwdFailureTime,pwdChangedTime by ${svc} manage by self read by users read by * none
olcAccess: {3}to * by self read by users read by * none
olcLimits: ${svc} size=unlimited
olcLimits: dn.exact="${OPENLDAP_NO_RIGHTS_DN}" size.prtotal=unlimited

dn: olcOverlay={0}syncprov,olcDatabase={2}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcSyncProvConfig
olcOverlay: {0}syncprov
olcSpCheckpoint: 100 10
olcSpSessionlog: 10000

dn: olcOverlay={1}accesslog,olcDatabase={2}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcAccessLogConfig
olcOverlay: {1}accesslog
olcAccessLogDB: ${OPENLDAP_ACCESSLOG_SUFFIX}
olcAccessLogOps: writes
olcAccessLogSuccess: TRUE
olcAccessLogPurge: 07+00:00 01+00:00

dn: olcOverlay={2}ppolicy,olcDatabase={2}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {2}ppolicy
olcPPolicyDefault: ${openLdapPolicies.default}
olcPPolicyHashCleartext: TRUE
olcPPolicyUseLockout: TRUE

dn: olcOverlay={3}memberof,olcDatabase={2}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {3}memberof
olcMemberOfRefInt: TRUE
olcMemberOfGroupOC: groupOfNames
olcMemberOfMemberAD: member
olcMemberOfMemberOfAD: memberOf
`;
}

interface PolicySettings {
  readonly minLength: number;
  readonly history: number;
  readonly minAgeSeconds: number;
  readonly maxAgeSeconds: number;
  readonly maxFailure: number;
  readonly lockoutSeconds: number;
  readonly graceLogins?: number;
}

/**
 * The default policy mirrors the AD lab's domain policy where ppolicy has the rule (length,
 * history, minimum age 1 day, must change after reset); tests needing other rules get a
 * user-level policy through pwdPolicySubentry, as AD tests use fine-grained policies.
 */
const policies: Readonly<Record<keyof typeof openLdapPolicies, PolicySettings>> = {
  default: {
    minLength: 8,
    history: 5,
    minAgeSeconds: 86_400,
    maxAgeSeconds: 0,
    maxFailure: 5,
    lockoutSeconds: 1_800,
  },
  minAgeZero: {
    minLength: 8,
    history: 5,
    minAgeSeconds: 0,
    maxAgeSeconds: 0,
    maxFailure: 0,
    lockoutSeconds: 0,
  },
  lockoutThree: {
    minLength: 8,
    history: 5,
    minAgeSeconds: 0,
    maxAgeSeconds: 0,
    maxFailure: 3,
    lockoutSeconds: 1_800,
  },
  grace: {
    minLength: 8,
    history: 5,
    minAgeSeconds: 0,
    maxAgeSeconds: 1,
    maxFailure: 0,
    lockoutSeconds: 0,
    graceLogins: 2,
  },
};

function policyEntry(dn: string, settings: PolicySettings): string {
  const cn = /^cn=([^,]+)/.exec(dn)![1]!;
  return `dn: ${dn}
objectClass: device
objectClass: pwdPolicy
cn: ${cn}
pwdAttribute: userPassword
pwdMinLength: ${settings.minLength}
pwdInHistory: ${settings.history}
pwdMinAge: ${settings.minAgeSeconds}
pwdMaxAge: ${settings.maxAgeSeconds}
pwdCheckQuality: 2
pwdLockout: ${settings.maxFailure > 0 ? 'TRUE' : 'FALSE'}
pwdMaxFailure: ${settings.maxFailure}
pwdLockoutDuration: ${settings.lockoutSeconds}
pwdFailureCountInterval: ${settings.lockoutSeconds}
pwdGraceAuthNLimit: ${settings.graceLogins ?? 0}
pwdMustChange: TRUE
pwdAllowUserChange: TRUE
pwdSafeModify: FALSE
`;
}

/** The suffix, its OUs and the policies, loaded with slapadd before slapd starts. */
export function baseLdif(): string {
  const ou = (dn: string) => `dn: ${dn}
objectClass: organizationalUnit
ou: ${/^ou=([^,]+)/.exec(dn)![1]!}
`;
  const ous = [
    openLdapOus.policies,
    openLdapOus.staff,
    openLdapOus.tests,
    openLdapOus.bulk,
    openLdapOus.service,
    openLdapOus.outside,
    openLdapOus.groups,
  ];
  return [
    `dn: ${OPENLDAP_SUFFIX}
objectClass: dcObject
objectClass: organization
o: Ferry Lab
dc: ferry
`,
    ...ous.map(ou),
    ...Object.entries(openLdapPolicies).map(([name, dn]) =>
      policyEntry(dn, policies[name as keyof typeof openLdapPolicies]),
    ),
  ].join('\n');
}
