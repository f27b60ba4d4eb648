import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { createOpenLdapUser, requireOpenLdapState, type OpenLdapLabState } from '@ferry/lab';
import { Secret } from '@ferry/protocol';
import { byName, openDirectoryLab, type DirectoryLab } from './support/directory-lab.js';

const strong = () => Secret.of(`Nw9#${randomBytes(6).toString('hex')}Qz`);

/**
 * What only OpenLDAP has, or has differently: grace logins after expiry, the agent's own
 * checks where slapd exempts its `manage` account, pwdReset after a reset, the per-user
 * policy entry. The shared contract is in directory-connector-write.test.ts.
 */
describe('OpenLDAP connector: ppolicy specifics (real slapd)', () => {
  let lab: DirectoryLab;
  let state: OpenLdapLabState;
  before(async () => {
    lab = await openDirectoryLab('openldap');
    state = await requireOpenLdapState();
  });
  after(async () => lab.close());

  test('self-service reset to the current password: history, named by the agent (slapd exempts manage)', async () => {
    const user = await lab.newUser({ policy: 'minAgeZero' });
    const connector = lab.connector();
    const outcome = await connector.reset(byName(user), Secret.of(user.password), {
      initiator: 'user',
    });
    assert.deepEqual(outcome, {
      code: 'policy_violation',
      rules: [{ rule: 'history', source: 'policy', params: { historyLength: 5 } }],
    });
    // An admin reset is not bound by history, as in AD.
    const adminOutcome = await connector.reset(byName(user), Secret.of(user.password), {
      initiator: 'admin',
    });
    assert.equal(adminOutcome.code, 'applied');
  });

  test('a self-service reset leaves no pwdReset: the user signs in without a forced change', async () => {
    const user = await lab.newUser({ policy: 'minAgeZero' });
    const connector = lab.connector();
    const next = strong();
    assert.deepEqual(await connector.reset(byName(user), next, { initiator: 'user' }), {
      code: 'applied',
    });
    assert.deepEqual(await connector.verifyCredentials(byName(user), next), { code: 'applied' });
    const found = await connector.findUser(byName(user));
    assert.ok(found.ok && !found.user.mustChangePassword);
  });

  test('an admin reset of a disabled account keeps it disabled', async () => {
    const user = await lab.newUser({ disabled: true });
    const connector = lab.connector();
    const next = strong();
    assert.equal(
      (await connector.reset(byName(user), next, { initiator: 'admin' })).code,
      'applied',
    );
    assert.equal((await connector.verifyCredentials(byName(user), next)).code, 'account_disabled');
    assert.equal((await connector.unlock(byName(user))).code, 'applied');
    assert.equal((await connector.verifyCredentials(byName(user), next)).code, 'account_disabled');
  });

  test("effective policy: the default entry, or the user's pwdPolicySubentry", async () => {
    const connector = lab.connector();
    const plain = await lab.newUser();
    const special = await lab.newUser({ policy: 'lockoutThree' });
    const first = await connector.effectivePolicy(byName(plain));
    assert.ok(first.ok);
    assert.deepEqual(first.policy.source, { kind: 'domain', dn: state.policies.default });
    assert.equal(first.policy.minAgeSeconds, 86_400);
    const second = await connector.effectivePolicy(byName(special));
    assert.ok(second.ok);
    assert.deepEqual(second.policy.source, {
      kind: 'fine_grained',
      dn: state.policies.lockoutThree,
      name: 'lockout-three',
      precedence: 0,
    });
    assert.equal(second.policy.lockoutThreshold, 3);
    assert.equal(second.policy.minAgeSeconds, 0);
  });

  test('expired password: grace logins are used up, then password_expired; a change still goes through; unexpire', async () => {
    const user = await createOpenLdapUser(lab.admin, {
      ouDn: state.ous.tests,
      uid: `t${randomBytes(5).toString('hex')}`,
      policyDn: state.policies.grace,
    });
    const connector = lab.connector();
    try {
      await sleep(2_100); // maximum age 1 s, stamped to the second
      const current = Secret.of(user.password);
      // Two grace logins, then the expired password no longer binds.
      assert.equal((await connector.verifyCredentials(byName(user), current)).code, 'applied');
      assert.equal((await connector.verifyCredentials(byName(user), current)).code, 'applied');
      assert.equal(
        (await connector.verifyCredentials(byName(user), current)).code,
        'password_expired',
      );
      const wrong = await connector.change(byName(user), Secret.of('Not-it-123'), strong());
      assert.equal(wrong.code, 'wrong_current_password');
      const next = strong();
      assert.deepEqual(await connector.change(byName(user), current, next), { code: 'applied' });
      // Expired again, grace used up: only unexpire (a fresh pwdChangedTime) lets it bind.
      await sleep(2_100);
      await connector.verifyCredentials(byName(user), next);
      await connector.verifyCredentials(byName(user), next);
      assert.equal(
        (await connector.verifyCredentials(byName(user), next)).code,
        'password_expired',
      );
      assert.deepEqual(await connector.unexpire(byName(user)), { code: 'applied' });
      assert.equal((await connector.verifyCredentials(byName(user), next)).code, 'applied');
    } finally {
      await lab.admin.del(user.dn);
    }
  });

  test('the service account needs manage: a user outside its subtree is access_denied even for a valid password', async () => {
    const outcome = await lab
      .connector()
      .reset(byName(lab.users.olga), strong(), { initiator: 'admin' });
    assert.equal(outcome.code, 'access_denied');
    assert.match(outcome.code === 'access_denied' ? (outcome.detail ?? '') : '', /manage/);
  });
});
