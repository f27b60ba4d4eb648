import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { requireLabState as openLabState } from '@ferry/lab';
import { Secret, type Outcome } from '@ferry/protocol';
import { byName, dialects, openDirectoryLab, type DirectoryLab } from './support/directory-lab.js';

const DAY_MS = 86_400_000;
const strong = () => Secret.of(`Nw9#${Math.random().toString(36).slice(2, 10)}Qz`);

function rulesOf(outcome: Outcome) {
  assert.equal(outcome.code, 'policy_violation', JSON.stringify(outcome));
  return outcome.code === 'policy_violation' ? outcome.rules : [];
}

/**
 * The connector contract, run against both lab directories (Samba AD and OpenLDAP): the
 * same operations give the same outcomes. Tests of one dialect's own rules are registered
 * for that dialect only.
 */
for (const dialect of dialects)
  describe(`${dialect} connector password operations and their outcomes (real ${dialect === 'ad' ? 'Samba AD DC' : 'OpenLDAP slapd'})`, () => {
    let lab: DirectoryLab;
    before(async () => {
      lab = await openDirectoryLab(dialect);
    });
    after(async () => lab.close());

    test('admin reset applies; the user then binds with the new password, not the old one', async () => {
      const user = await lab.newUser();
      const connector = lab.connector();
      const password = strong();
      assert.deepEqual(await connector.reset(byName(user), password, { initiator: 'admin' }), {
        code: 'applied',
      });
      assert.deepEqual(await connector.verifyCredentials(byName(user), password), {
        code: 'applied',
      });
      const old = await connector.verifyCredentials(byName(user), Secret.of(user.password));
      assert.equal(old.code, 'invalid_credentials');
    });

    test('reset too short: policy_violation too_short with the minimum length', async () => {
      const user = await lab.newUser();
      const outcome = await lab
        .connector()
        .reset(byName(user), Secret.of('Ab1!'), { initiator: 'admin' });
      // AD names it; slapd exempts the agent's `manage` account, so the agent names it first.
      const source = dialect === 'ad' ? 'directory' : 'policy';
      assert.deepEqual(rulesOf(outcome), [
        { rule: 'too_short', source, params: { minLength: lab.facts.minLength } },
      ]);
    });

    if (dialect === 'ad')
      test('reset without complexity: policy_violation complexity', async () => {
        const user = await lab.newUser();
        const outcome = await lab
          .connector()
          .reset(byName(user), Secret.of('alllowercaseletters'), {
            initiator: 'admin',
          });
        assert.deepEqual(
          rulesOf(outcome).map((rule) => [rule.rule, rule.source]),
          [['complexity', 'directory']],
        );
      });

    test('self-service reset under minimum age 1 day is refused with the time it becomes possible', async () => {
      const user = await lab.newUser();
      const connector = lab.connector();
      const found = await connector.findUser(byName(user));
      assert.ok(found.ok && found.user.passwordLastSet);
      const outcome = await connector.reset(byName(user), strong(), { initiator: 'user' });
      const [rule] = rulesOf(outcome);
      assert.equal(rule?.rule, 'min_age');
      assert.equal(rule?.params['minAgeSeconds'], 86_400);
      const retryAfter = new Date(String(rule?.params['allowedAt'])).getTime();
      assert.equal(retryAfter, found.user.passwordLastSet.getTime() + DAY_MS);
      // The same reset by an admin is not bound by minimum age (as in AD).
      assert.equal(
        (await connector.reset(byName(user), strong(), { initiator: 'admin' })).code,
        'applied',
      );
    });

    test('self-service reset of a disabled account: account_disabled', async () => {
      const outcome = await lab
        .connector()
        .reset({ by: 'sAMAccountName', value: 'carol' }, strong(), {
          initiator: 'user',
        });
      assert.equal(outcome.code, 'account_disabled');
    });

    test('change as the user applies; old password stops working', async () => {
      const user = await lab.newUser({ policy: 'minAgeZero' });
      const connector = lab.connector();
      const next = strong();
      assert.deepEqual(await connector.change(byName(user), Secret.of(user.password), next), {
        code: 'applied',
      });
      assert.equal((await connector.verifyCredentials(byName(user), next)).code, 'applied');
      assert.equal(
        (await connector.verifyCredentials(byName(user), Secret.of(user.password))).code,
        'invalid_credentials',
      );
    });

    test('change back to a previous password: history, named by the directory', async () => {
      const user = await lab.newUser({ policy: 'minAgeZero' });
      const connector = lab.connector();
      const next = strong();
      assert.equal(
        (await connector.change(byName(user), Secret.of(user.password), next)).code,
        'applied',
      );
      const outcome = await connector.change(byName(user), next, Secret.of(user.password));
      assert.deepEqual(rulesOf(outcome), [
        {
          rule: 'history',
          source: 'directory',
          params: { historyLength: lab.facts.historyLength },
        },
      ]);
    });

    test('change within the domain minimum age: min_age "too young" with the retry time', async () => {
      const user = await lab.newUser();
      const connector = lab.connector();
      const found = await connector.findUser(byName(user));
      assert.ok(found.ok && found.user.passwordLastSet);
      const [rule] = rulesOf(
        await connector.change(byName(user), Secret.of(user.password), strong()),
      );
      assert.equal(rule?.rule, 'min_age');
      assert.equal(rule?.source, 'directory');
      assert.equal(
        new Date(String(rule?.params['allowedAt'])).getTime(),
        found.user.passwordLastSet.getTime() + DAY_MS,
      );
    });

    test('change with a wrong current password: wrong_current_password', async () => {
      const user = await lab.newUser({ policy: 'minAgeZero' });
      const outcome = await lab
        .connector()
        .change(byName(user), Secret.of('Not-the-password-1'), strong());
      assert.equal(outcome.code, 'wrong_current_password');
    });

    test('change too short (and, in AD, without complexity) are named as such', async () => {
      const user = await lab.newUser({ policy: 'minAgeZero' });
      const connector = lab.connector();
      const current = Secret.of(user.password);
      assert.deepEqual(rulesOf(await connector.change(byName(user), current, Secret.of('Ab1!'))), [
        { rule: 'too_short', source: 'directory', params: { minLength: lab.facts.minLength } },
      ]);
      if (dialect === 'ad')
        assert.equal(
          rulesOf(await connector.change(byName(user), current, Secret.of('abcdefghijk')))[0]?.rule,
          'complexity',
        );
    });

    if (dialect === 'ad')
      test('"user cannot change password": change_not_allowed', async () => {
        const dave = (await openLabState()).users['dave']!;
        const outcome = await lab
          .connector()
          .change(byName(dave), Secret.of(dave.password), strong());
        assert.equal(outcome.code, 'change_not_allowed', JSON.stringify(outcome));
      });

    test('locked out after the threshold of bad binds; unlock lets the user in again', async () => {
      const user = await lab.newUser({ policy: 'lockoutThree' });
      const connector = lab.connector();
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const outcome = await connector.verifyCredentials(
          byName(user),
          Secret.of(`Wrong-${attempt}-pass`),
        );
        assert.equal(outcome.code, 'invalid_credentials');
      }
      assert.equal(
        (await connector.verifyCredentials(byName(user), Secret.of(user.password))).code,
        'locked_out',
      );
      const found = await connector.findUser(byName(user));
      assert.ok(found.ok && found.user.lockedOut);
      assert.deepEqual(await connector.unlock(byName(user)), { code: 'applied' });
      assert.equal(
        (await connector.verifyCredentials(byName(user), Secret.of(user.password))).code,
        'applied',
      );
    });

    test('a reset also unlocks, unless told not to', async () => {
      const user = await lab.newUser({ policy: 'lockoutThree' });
      const connector = lab.connector();
      for (let attempt = 0; attempt < 3; attempt += 1) {
        await connector.verifyCredentials(byName(user), Secret.of(`Wrong-${attempt}-pass`));
      }
      const kept = strong();
      assert.equal(
        (await connector.reset(byName(user), kept, { initiator: 'admin', unlock: false })).code,
        'applied',
      );
      assert.equal((await connector.verifyCredentials(byName(user), kept)).code, 'locked_out');
      const next = strong();
      assert.equal(
        (await connector.reset(byName(user), next, { initiator: 'admin' })).code,
        'applied',
      );
      assert.equal((await connector.verifyCredentials(byName(user), next)).code, 'applied');
    });

    test('must change at next logon: bind gives 773; a change still goes through; then sign-in works', async () => {
      const user = await lab.newUser();
      const connector = lab.connector();
      assert.deepEqual(await connector.forceChangeAtNextLogon(byName(user)), { code: 'applied' });
      assert.equal(
        (await connector.verifyCredentials(byName(user), Secret.of(user.password))).code,
        'must_change_password',
      );
      const next = strong();
      assert.deepEqual(await connector.change(byName(user), Secret.of(user.password), next), {
        code: 'applied',
      });
      assert.equal((await connector.verifyCredentials(byName(user), next)).code, 'applied');
    });

    test('admin reset with must-change sets pwdLastSet 0 in the same write', async () => {
      const user = await lab.newUser();
      const connector = lab.connector();
      const temporary = strong();
      const outcome = await connector.reset(byName(user), temporary, {
        initiator: 'admin',
        mustChangeAtNextLogon: true,
      });
      assert.deepEqual(outcome, { code: 'applied' });
      assert.equal(
        (await connector.verifyCredentials(byName(user), temporary)).code,
        'must_change_password',
      );
    });

    if (dialect === 'ad')
      test('unexpire stamps pwdLastSet with now', async () => {
        const user = await lab.newUser({ mustChange: true });
        const connector = lab.connector();
        const before = Date.now();
        assert.deepEqual(await connector.unexpire(byName(user)), { code: 'applied' });
        const found = await connector.findUser(byName(user));
        assert.ok(found.ok && !found.user.mustChangePassword && found.user.passwordLastSet);
        assert.ok(found.user.passwordLastSet.getTime() >= before - 2_000);
        assert.equal(
          (await connector.verifyCredentials(byName(user), Secret.of(user.password))).code,
          'applied',
        );
      });

    test('disabled account: sign-in gives account_disabled', async () => {
      const carol = lab.users['carol']!;
      const outcome = await lab
        .connector()
        .verifyCredentials(byName(carol), Secret.of(carol.password));
      assert.equal(outcome.code, 'account_disabled');
    });

    test('an empty password never binds (no anonymous-bind "success")', async () => {
      const alice = lab.users['alice']!;
      assert.equal(
        (await lab.connector().verifyCredentials(byName(alice), Secret.of(''))).code,
        'invalid_credentials',
      );
    });

    test('unknown user: user_not_found for every operation', async () => {
      const connector = lab.connector();
      const ghost = { by: 'objectGUID', value: '0badc0de-0000-4000-8000-000000000000' } as const;
      const outcomes = [
        await connector.reset(ghost, strong(), { initiator: 'admin' }),
        await connector.change(ghost, strong(), strong()),
        await connector.unlock(ghost),
        await connector.verifyCredentials(ghost, strong()),
      ];
      assert.deepEqual(
        outcomes.map((outcome) => outcome.code),
        Array(4).fill('user_not_found'),
      );
    });

    if (dialect === 'ad')
      test('protected account (adminCount=1): protected_account, nothing written', async () => {
        const tom = (await openLabState()).users['tom']!;
        const connector = lab.connector();
        assert.equal(
          (await connector.reset(byName(tom), strong(), { initiator: 'admin' })).code,
          'protected_account',
        );
        assert.equal((await connector.unlock(byName(tom))).code, 'protected_account');
        assert.equal(
          (await connector.verifyCredentials(byName(tom), Secret.of(tom.password))).code,
          'applied',
        );
      });

    test('access denied: a user outside the delegated OU, and a service account without rights', async () => {
      const delegated = lab.connector();
      const olga = lab.users['olga']!;
      assert.equal(
        (await delegated.reset(byName(olga), strong(), { initiator: 'admin' })).code,
        'access_denied',
      );
      const noRights = lab.connector({
        bindDn: lab.noRightsAccount.dn,
        bindPassword: Secret.of(lab.noRightsAccount.password),
      });
      const user = await lab.newUser();
      assert.equal(
        (await noRights.reset(byName(user), strong(), { initiator: 'admin' })).code,
        'access_denied',
      );
      assert.equal((await noRights.unlock(byName(user))).code, 'access_denied');
    });

    test('no outcome carries a password', async () => {
      const user = await lab.newUser({ policy: 'minAgeZero' });
      const connector = lab.connector();
      const secrets = ['Ab1!', 'alllowercaseletters', user.password];
      const outcomes = [
        await connector.reset(byName(user), Secret.of('Ab1!'), { initiator: 'admin' }),
        await connector.reset(byName(user), Secret.of('alllowercaseletters'), {
          initiator: 'admin',
        }),
        await connector.change(
          byName(user),
          Secret.of('Wrong-current-1'),
          Secret.of(user.password),
        ),
        await connector.verifyCredentials(byName(user), Secret.of('Wrong-current-1')),
      ];
      const text = JSON.stringify(outcomes);
      for (const secret of [...secrets, 'Wrong-current-1'])
        assert.ok(!text.includes(secret), `leaked ${secret}`);
    });
  });
