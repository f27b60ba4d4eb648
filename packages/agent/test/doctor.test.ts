import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  grantDeletedObjectsRead,
  labPaths,
  setDomainPasswordSettings,
  type LabAccount,
} from '@ferry/lab';
import { startProcess } from '../../../scripts/support/processes.js';
import { loadAgentConfig } from '../src/config/agent-config.js';
import { ACE_FLAG } from '../src/directory/ad/security-descriptor.js';
import { readDacl, writeExplicitDacl } from '../src/directory/ad/read-dacl.js';
import { readAccount } from '../src/doctor/account-facts.js';
import type { CheckResult } from '../src/doctor/doctor-check.js';
import { runDoctor } from '../src/doctor/run-doctor.js';
import { openLab, type LabFixture } from './support/lab.js';
import { dialects, openDirectoryLab, type DirectoryLab } from './support/directory-lab.js';

/** The doctor against the lab DC, as a given account, over a given scope. */
describe('ferry-agent doctor and delegate against the lab AD', () => {
  let lab: LabFixture;
  let account: LabAccount;
  let accountSid: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-doctor-'));

  const env = (bind: LabAccount, baseDn: string, extra: Record<string, string> = {}) => ({
    FERRY_AGENT_STATE_DIR: path.join(dir, 'state'),
    FERRY_AGENT_LDAP_URLS: lab.state.ldapsUrl,
    FERRY_AGENT_LDAP_CA_FILE: lab.state.caFile,
    FERRY_AGENT_BIND_DN: bind.dn,
    FERRY_AGENT_BIND_PASSWORD: bind.password,
    FERRY_AGENT_BASE_DN: baseDn,
    FERRY_AGENT_PASSWORD_WRITEBACK: 'true',
    ...extra,
  });
  const doctor = async (
    bind: LabAccount,
    baseDn: string,
    extra: Record<string, string> = {},
  ): Promise<Map<string, CheckResult>> => {
    const results = await runDoctor(loadAgentConfig(env(bind, baseDn, extra)));
    return new Map(results.map((result) => [result.id, result]));
  };
  const delegatedObjects = () => [
    lab.state.ous.tests,
    lab.state.baseDn,
    `CN=Password Settings Container,CN=System,${lab.state.baseDn}`,
  ];

  before(async () => {
    lab = await openLab();
    // A service account of its own, so granting it rights changes no other test's account.
    account = await lab.newUser({ givenName: 'Doctor', sn: 'Service' });
    accountSid = (await readAccount(lab.admin, account.dn, lab.state.baseDn)).account.sid;
    await lab.newUser();
  });
  after(async () => {
    // Take the test account's ACEs off again, so no orphan SID stays on the domain.
    // (Deleted Objects keeps its ACE: its DACL is out of LDAP's reach; an unknown SID is inert.)
    try {
      for (const dn of delegatedObjects()) {
        const aces = await readDacl(lab.admin, dn);
        const kept = aces.filter((ace) => (ace.flags & ACE_FLAG.inherited) === 0);
        if (kept.some((ace) => ace.sid === accountSid)) {
          await writeExplicitDacl(
            lab.admin,
            dn,
            kept.filter((ace) => ace.sid !== accountSid),
          );
        }
      }
      await setDomainPasswordSettings(labPaths(), { minPwdAgeDays: 1 });
    } finally {
      await lab.close();
    }
  });

  test('an account with no delegated rights: each missing right is named with its fix', async () => {
    const checks = await doctor(account, lab.state.ous.tests);
    assert.equal(checks.get('bind')?.status, 'pass');
    for (const id of [
      'right_reset_password',
      'right_write_lockout_time',
      'right_write_pwd_last_set',
      'right_write_marker',
      'read_pso_container',
      'read_deleted_objects',
    ]) {
      const result = checks.get(id);
      assert.equal(result?.status, 'fail', `${id}: ${JSON.stringify(result)}`);
      assert.match(result.fix ?? '', /dsacls "/);
      assert.match(result.fix ?? '', /ferry-agent delegate --apply/);
    }
    assert.match(checks.get('right_reset_password')!.evidence, /missing on (\d+) of \1 users/);
    assert.match(checks.get('right_reset_password')!.fix!, /samba-tool dsacl set .*00299570-246d/);
    // The marker's schemaIDGUID is read from the lab's schema (msDS-cloudExtensionAttribute20).
    assert.match(
      checks.get('right_write_marker')!.fix!,
      /WP;f5446328-8b6e-498d-95a8-211748d5acdc;bf967aba/,
    );
    assert.match(checks.get('right_write_marker')!.fix!, /WP;msDS-cloudExtensionAttribute20;user/);
    assert.equal(JSON.stringify([...checks.values()]).includes(account.password), false);
  });

  test('after `ferry-agent delegate --apply` with domain admin credentials, the rights pass', async () => {
    const adminPasswordFile = path.join(dir, 'admin-password');
    writeFileSync(adminPasswordFile, lab.state.admin.password, { mode: 0o600 });
    const cli = startProcess(
      'packages/agent/src/cli/main.ts',
      [
        'delegate',
        '--apply',
        '--admin-dn',
        lab.state.admin.dn,
        '--admin-password-file',
        adminPasswordFile,
      ],
      env(account, lab.state.ous.tests),
    );
    const code = await new Promise((resolve) => cli.child.once('exit', resolve));
    const output = cli.output.join('\n');
    // Deleted Objects is the one right an admin must grant by hand: apply says so and exits 1.
    assert.equal(code, 1, output);
    assert.match(output, /granted: Reset Password on descendant user objects/);
    assert.match(output, /granted: Write msDS-cloudExtensionAttribute20 \(the write marker\)/);
    assert.match(output, /NOT granted .*CN=Deleted Objects/);
    await grantDeletedObjectsRead(labPaths(), accountSid);
    assert.equal(output.includes(lab.state.admin.password), false);
    const checks = await doctor(account, lab.state.ous.tests);
    for (const id of [
      'right_reset_password',
      'right_change_password',
      'right_write_lockout_time',
      'right_write_pwd_last_set',
      'right_write_marker',
      'right_unexpire_password',
      'read_pso_container',
      'read_deleted_objects',
    ]) {
      assert.equal(checks.get(id)?.status, 'pass', `${id}: ${JSON.stringify(checks.get(id))}`);
    }
  });

  test('a write marker the schema does not have fails, naming the setting', async () => {
    const checks = await doctor(lab.state.serviceAccount, lab.state.ous.staff, {
      FERRY_AGENT_WRITEBACK_MARKER: 'ferryNoSuchAttribute',
    });
    const marker = checks.get('right_write_marker')!;
    assert.equal(marker.status, 'fail');
    assert.match(marker.evidence, /the schema has no attribute ferryNoSuchAttribute/);
    assert.match(marker.fix!, /writebackMarker/);
  });

  test('minimum password age: 1 day warns with the GPO path and samba-tool fix; 0 passes', async () => {
    const service = lab.state.serviceAccount;
    await setDomainPasswordSettings(labPaths(), { minPwdAgeDays: 1 });
    const warned = (await doctor(service, lab.state.ous.staff)).get('min_password_age')!;
    assert.equal(warned.status, 'warn');
    assert.match(warned.evidence, /1 day/);
    assert.match(warned.fix!, /Minimum password age = 0 days/);
    assert.match(warned.fix!, /samba-tool domain passwordsettings set --min-pwd-age=0/);
    await setDomainPasswordSettings(labPaths(), { minPwdAgeDays: 0 });
    assert.equal(
      (await doctor(service, lab.state.ous.staff)).get('min_password_age')!.status,
      'pass',
    );
  });

  test('protected users and users who cannot change their password are listed', async () => {
    const checks = await doctor(lab.state.serviceAccount, lab.state.ous.staff);
    assert.equal(checks.get('protected_users')!.status, 'warn');
    assert.match(checks.get('protected_users')!.evidence, /CN=tom\.admin,/);
    assert.match(checks.get('cannot_change_password')!.evidence, /CN=dave,/);
    assert.equal(checks.get('right_reset_password')!.status, 'pass');
    assert.equal(checks.get('right_write_marker')!.status, 'pass');
  });

  test('a wrong CA and a host name the certificate does not hold fail, saying so', async () => {
    const wrongCa = await doctor(lab.state.serviceAccount, lab.state.ous.staff, {
      FERRY_AGENT_LDAP_CA_FILE: '/etc/ssl/certs/ca-certificates.crt',
    });
    assert.equal(wrongCa.get('certificate_trusted')!.status, 'fail');
    assert.match(wrongCa.get('certificate_trusted')!.evidence, /not trusted: \S+/);
    assert.match(wrongCa.get('certificate_trusted')!.fix!, /ldapCaFile/);
    assert.equal(wrongCa.has('bind'), false, 'nothing is sent over an untrusted connection');

    const port = new URL(lab.state.ldapsUrl).port || '636';
    const otherName = await doctor(lab.state.serviceAccount, lab.state.ous.staff, {
      FERRY_AGENT_LDAP_URLS: `ldaps://127.1:${port}`,
    });
    const names = otherName.get('certificate_names')!;
    assert.equal(names.status, 'fail');
    assert.match(
      names.evidence,
      /"127\.1" is not a name the certificate holds \(127\.0\.0\.1, .*localhost/,
    );
    assert.match(names.fix!, /ldaps:\/\/localhost:636|ldaps:\/\/ferrydc/);
  });
});

/**
 * What the doctor says in both dialects, against both lab directories: the checks with the
 * same meaning carry the same ids (OpenLDAP's reset right is `manage` on userPassword, found
 * by a probe that writes nothing). AD's delegation details are the suite above.
 */
for (const dialect of dialects)
  describe(`${dialect} doctor: the checks both dialects share (real ${dialect === 'ad' ? 'Samba AD DC' : 'OpenLDAP slapd'})`, () => {
    let lab: DirectoryLab;
    const dir = mkdtempSync(path.join(tmpdir(), `ferry-doctor-${dialect}-`));
    const doctor = async (bind: LabAccount, extra: Record<string, string> = {}) => {
      const results = await runDoctor(
        loadAgentConfig({
          FERRY_AGENT_STATE_DIR: path.join(dir, 'state'),
          FERRY_AGENT_DIRECTORY: dialect,
          FERRY_AGENT_LDAP_URLS: lab.ldapsUrl,
          FERRY_AGENT_LDAP_CA_FILE: lab.caFile,
          FERRY_AGENT_BIND_DN: bind.dn,
          FERRY_AGENT_BIND_PASSWORD: bind.password,
          FERRY_AGENT_BASE_DN: lab.staffOu,
          FERRY_AGENT_PASSWORD_WRITEBACK: 'true',
          ...extra,
        }),
      );
      return new Map(results.map((result) => [result.id, result]));
    };
    before(async () => {
      lab = await openDirectoryLab(dialect);
    });
    after(async () => lab.close());

    test('the lab service account binds, finds users and may reset their passwords', async () => {
      const checks = await doctor(lab.serviceAccount);
      assert.equal(checks.get('bind')?.status, 'pass');
      assert.equal(checks.get('users_in_scope')?.status, 'pass');
      assert.equal(
        checks.get('right_reset_password')?.status,
        'pass',
        checks.get('right_reset_password')?.evidence,
      );
      if (dialect === 'openldap') {
        assert.equal(checks.get('ppolicy_overlay')?.status, 'pass');
        assert.match(checks.get('ppolicy_overlay')!.evidence, /pwdMinLength 8/);
        assert.equal(checks.get('accesslog_readable')?.status, 'pass');
      }
    });

    test('an account without rights: the reset right fails, with the fix', async () => {
      const checks = await doctor(lab.noRightsAccount);
      assert.equal(checks.get('bind')?.status, 'pass');
      assert.equal(checks.get('right_reset_password')?.status, 'fail');
      assert.ok(checks.get('right_reset_password')?.fix);
      if (dialect === 'openldap') {
        assert.match(checks.get('right_reset_password')!.fix!, /manage/);
        assert.equal(checks.get('accesslog_readable')?.status, 'fail');
        assert.match(checks.get('accesslog_readable')!.fix!, /olcAccess: to \* by dn\.exact=/);
      }
    });

    if (dialect === 'openldap')
      test('the probe wrote nothing: the probed user’s entryCSN is unchanged, no pwdReset', async () => {
        const alice = lab.users.alice;
        const before = await lab.admin.search(alice.dn, {
          scope: 'base',
          attributes: ['entryCSN'],
        });
        await doctor(lab.serviceAccount);
        const after = await lab.admin.search(alice.dn, {
          scope: 'base',
          attributes: ['entryCSN', 'pwdReset'],
        });
        assert.equal(after.searchEntries[0]?.['entryCSN'], before.searchEntries[0]?.['entryCSN']);
        assert.deepEqual([after.searchEntries[0]?.['pwdReset'] ?? []].flat(), []);
      });
  });
