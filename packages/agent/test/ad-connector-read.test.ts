import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sambaTool, labPaths } from '@ferry/lab';
import { byName, openLab, type LabFixture } from './support/lab.js';

const DAY = 86_400;

describe('AD connector reads the directory (real Samba AD DC)', () => {
  let lab: LabFixture;
  before(async () => {
    lab = await openLab();
  });
  after(async () => lab.close());

  test('rootDSE capabilities: paged, show deleted, DirSync, notification; no policy hints on Samba', async () => {
    const dse = await lab.connector().rootDse();
    assert.equal(dse.defaultNamingContext.toLowerCase(), lab.state.baseDn.toLowerCase());
    assert.deepEqual(
      { ...dse.capabilities },
      {
        pagedResults: true,
        policyHints: false,
        policyHintsDeprecated: false,
        showDeleted: true,
        showRecycled: true,
        dirSync: true,
        notification: true,
        sdFlags: true,
      },
    );
  });

  test('the domain policy is Samba’s provisioned default (Step 4 of the Entra guide: min age 1 day)', async () => {
    const policy = await lab.connector().domainPolicy();
    assert.deepEqual(policy, {
      minLength: 7,
      historyLength: 24,
      minAgeSeconds: 1 * DAY,
      maxAgeSeconds: 42 * DAY,
      complexity: true,
      lockoutThreshold: 0,
      lockoutDurationSeconds: 30 * 60,
      lockoutObservationSeconds: 30 * 60,
      source: { kind: 'domain', dn: lab.state.baseDn },
    });
  });

  test('a change with samba-tool domain passwordsettings is read back', async (t) => {
    const paths = labPaths();
    t.after(async () => {
      await sambaTool(paths, [
        'domain',
        'passwordsettings',
        'set',
        '--min-pwd-length=7',
        '--history-length=24',
        '--complexity=on',
      ]);
    });
    await sambaTool(paths, [
      'domain',
      'passwordsettings',
      'set',
      '--min-pwd-length=12',
      '--history-length=5',
      '--complexity=off',
    ]);
    const policy = await lab.connector().domainPolicy();
    assert.equal(policy.minLength, 12);
    assert.equal(policy.historyLength, 5);
    assert.equal(policy.complexity, false);
  });

  test('a user in a PSO group gets the resultant fine-grained policy', async () => {
    const user = await lab.newUser({ group: 'lockoutThree' });
    const result = await lab.connector().effectivePolicy(byName(user));
    assert.ok(result.ok);
    assert.deepEqual(result.policy.source, {
      kind: 'fine_grained',
      dn: result.user.resultantPsoDn,
      name: 'Ferry Lab Lockout Three',
      precedence: 10,
    });
    assert.equal(result.policy.lockoutThreshold, 3);
    assert.equal(result.policy.minAgeSeconds, 0);
  });

  test('a user outside any PSO group gets the domain policy', async () => {
    const user = await lab.newUser();
    const result = await lab.connector().effectivePolicy(byName(user));
    assert.ok(result.ok);
    assert.equal(result.policy.source.kind, 'domain');
  });

  test('users are found by objectGUID, userPrincipalName and sAMAccountName', async () => {
    const connector = lab.connector();
    const bySam = await connector.findUser({ by: 'sAMAccountName', value: 'alice' });
    assert.ok(bySam.ok);
    assert.equal(bySam.user.dn, lab.state.users['alice']!.dn);
    assert.equal(bySam.user.displayName, 'Alice Martin');
    assert.equal(bySam.user.enabled, true);
    const byGuid = await connector.findUser({ by: 'objectGUID', value: bySam.user.objectGUID });
    assert.ok(byGuid.ok);
    assert.equal(byGuid.user.dn, bySam.user.dn);
    const byUpn = await connector.findUser({
      by: 'userPrincipalName',
      value: lab.state.users['alice']!.userPrincipalName,
    });
    assert.ok(byUpn.ok);
    assert.equal(byUpn.user.objectGUID, bySam.user.objectGUID);
  });

  test('an unknown user is user_not_found; filter metacharacters are escaped, not interpreted', async () => {
    const connector = lab.connector();
    const unknown = await connector.findUser({ by: 'sAMAccountName', value: 'nobody-here' });
    assert.equal(unknown.ok, false);
    assert.equal(!unknown.ok && unknown.outcome.code, 'user_not_found');
    const wildcard = await connector.findUser({ by: 'sAMAccountName', value: '*' });
    assert.equal(!wildcard.ok && wildcard.outcome.code, 'user_not_found');
    const guid = await connector.findUser({
      by: 'objectGUID',
      value: '00000000-0000-0000-0000-000000000000',
    });
    assert.equal(!guid.ok && guid.outcome.code, 'user_not_found');
  });

  test('state flags: disabled, protected, must-change', async () => {
    const connector = lab.connector();
    const carol = await connector.findUser({ by: 'sAMAccountName', value: 'carol' });
    assert.ok(carol.ok && !carol.user.enabled);
    const tom = await connector.findUser({ by: 'sAMAccountName', value: 'tom.admin' });
    assert.ok(tom.ok && tom.user.protected);
    const erin = await lab.newUser({ mustChange: true });
    const found = await connector.findUser(byName(erin));
    assert.ok(found.ok && found.user.mustChangePassword);
  });
});
