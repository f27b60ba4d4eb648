import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultCloudPolicy, effectivePolicy, evaluatePassword } from '@ferry/policy';
import { Secret, type Outcome } from '@ferry/protocol';
import { byName, openLab, type LabFixture } from './support/lab.js';

/**
 * The rules Ferry shows a user before they submit are the rules AD then enforces: for each
 * candidate, the policy engine's directory verdict (length, complexity, minimum age; history
 * aside) is compared with what the lab DC answers to the real change.
 */
const candidates = [
  'Ab1!', // too short
  'abcdefghijkl', // one category
  'abcdefgh1234', // two categories
  'Abcdefgh1234', // three: upper, lower, digit
  'correct-horse-staple', // lower + special
  'Correct-Horse-Staple', // upper, lower, special
  'ÄÖÜäöü123', // non-ASCII upper and lower + digits
  'abcd€€€€1234', // lower, digit, and € (Samba: a fifth-category character)
  'пароль-Пароль', // Cyrillic lower, upper, special
  'ab cd ef 12', // space is not a special character for AD
];

describe('the policy engine agrees with AD (lab DC, dialect samba)', () => {
  let lab: LabFixture;
  before(async () => {
    lab = await openLab();
  });
  after(async () => lab.close());

  /** The directory half of the engine's verdict: the failing rules, in order. */
  async function engineVerdict(
    sAMAccountName: string,
    password: string,
    now: Date,
  ): Promise<string[]> {
    const resolved = await lab
      .connector()
      .effectivePolicy({ by: 'sAMAccountName', value: sAMAccountName });
    assert.ok(resolved.ok);
    const evaluation = evaluatePassword({
      password: Secret.of(password),
      policy: effectivePolicy(
        { ...defaultCloudPolicy, minLength: 1, minStrengthScore: 0 },
        resolved.policy,
      ),
      user: {
        sAMAccountName,
        displayName: resolved.user.displayName,
        passwordLastSet: resolved.user.passwordLastSet,
        mustChange: resolved.user.mustChangePassword,
      },
      operation: 'change',
      now,
      dialect: 'samba',
    });
    return evaluation.items
      .filter((item) => item.origin === 'directory' && item.status === 'fail')
      .map((item) => item.rule);
  }

  function adVerdict(outcome: Outcome): string[] {
    if (outcome.code === 'applied') return [];
    assert.equal(outcome.code, 'policy_violation', JSON.stringify(outcome));
    return outcome.code === 'policy_violation' ? outcome.rules.map((rule) => rule.rule) : [];
  }

  test('length and complexity: accepted by the engine ⇔ accepted by AD, with the same rule', async () => {
    const user = await lab.newUser({ group: 'minAgeZero', givenName: 'Zed', sn: 'Quill' });
    let current = user.password;
    const disagreements: string[] = [];
    for (const candidate of candidates) {
      const engine = await engineVerdict(user.sAMAccountName, candidate, new Date());
      const outcome = await lab
        .connector()
        .change(byName(user), Secret.of(current), Secret.of(candidate));
      const ad = adVerdict(outcome);
      // AD names one rule; the engine may name several: AD's must be among them.
      const agrees = ad.length === 0 ? engine.length === 0 : engine.includes(ad[0]!);
      if (!agrees)
        disagreements.push(`${JSON.stringify(candidate)}: engine [${engine}] vs AD [${ad}]`);
      if (outcome.code === 'applied') current = candidate;
    }
    assert.deepEqual(disagreements, []);
  });

  test('minimum age: the engine predicts "too young" and its retry time exactly as AD refuses', async () => {
    const user = await lab.newUser();
    const resolved = await lab.connector().effectivePolicy(byName(user));
    assert.ok(resolved.ok);
    assert.deepEqual(await engineVerdict(user.sAMAccountName, 'Fresh-Passw0rd-9', new Date()), [
      'min_age',
    ]);
    const evaluation = evaluatePassword({
      password: Secret.of('Fresh-Passw0rd-9'),
      policy: effectivePolicy(defaultCloudPolicy, resolved.policy),
      user: { sAMAccountName: user.sAMAccountName, passwordLastSet: resolved.user.passwordLastSet },
      operation: 'change',
      now: new Date(),
      dialect: 'samba',
    });
    const predicted = evaluation.items.find((item) => item.rule === 'min_age')?.params['allowedAt'];
    const outcome = await lab
      .connector()
      .change(byName(user), Secret.of(user.password), Secret.of('Fresh-Passw0rd-9'));
    assert.deepEqual(adVerdict(outcome), ['min_age']);
    const told =
      outcome.code === 'policy_violation' ? outcome.rules[0]?.params['allowedAt'] : undefined;
    assert.ok(predicted && predicted === told, `engine ${String(predicted)} vs AD ${String(told)}`);
  });
});
