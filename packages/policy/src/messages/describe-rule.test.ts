import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Secret, violation, type DirectoryPolicy } from '@ferry/protocol';
import { defaultCloudPolicy } from '../cloud-policy.js';
import { effectivePolicy } from '../effective-policy.js';
import { evaluatePassword } from '../evaluate-password.js';
import { locales } from './catalogue.js';
import { describeRule, interpolate } from './describe-rule.js';

const directory: DirectoryPolicy = {
  minLength: 12,
  historyLength: 24,
  minAgeSeconds: 86_400,
  maxAgeSeconds: 0,
  complexity: true,
  lockoutThreshold: 0,
  lockoutDurationSeconds: 0,
  lockoutObservationSeconds: 0,
  source: { kind: 'domain', dn: 'DC=example,DC=test' },
};

test('interpolate fills known placeholders and leaves unknown ones', () => {
  assert.equal(
    interpolate('At least {minLength}, {other}', { minLength: '8' }),
    'At least 8, {other}',
  );
});

test('a requirement that holds is described as the requirement', () => {
  const text = describeRule({ rule: 'too_short', status: 'pass', params: { minLength: 12 } }, 'en');
  assert.equal(text, 'At least 12 characters.');
  assert.equal(
    describeRule({ rule: 'too_short', status: 'pass', params: { minLength: 12 } }, 'fr'),
    'Au moins 12 caractères.',
  );
});

test('a failure says why, with the details its params give', () => {
  const text = describeRule(
    {
      rule: 'complexity',
      status: 'fail',
      params: {
        categoriesMet: 2,
        categoriesRequired: 3,
        containsAccountName: true,
        containsDisplayNameToken: false,
      },
    },
    'en',
  );
  assert.match(text, /^Does not meet/);
  assert.match(text, /characters of 2 kinds; 3 are needed/);
  assert.match(text, /your account name/);
  assert.doesNotMatch(text, /part of your name/);
});

test('history is described as checked by the directory', () => {
  const item = { rule: 'history', status: 'directory', params: { historyLength: 24 } } as const;
  assert.equal(
    describeRule(item, 'en'),
    'Not one of your last 24 passwords. Your organisation’s directory checks this when you submit.',
  );
  assert.match(describeRule(item, 'fr'), /L’annuaire de votre organisation le vérifie/);
});

test('minimum age: a localised duration and the moment a change becomes possible', () => {
  const pass = { rule: 'min_age', status: 'pass', params: { minAgeSeconds: 86_400 } } as const;
  assert.equal(describeRule(pass, 'en'), 'Your password can be changed once it is 1 day old.');
  assert.match(describeRule(pass, 'fr'), /1\s+jour/u);
  const fail = {
    rule: 'min_age',
    status: 'fail',
    params: { minAgeSeconds: 86_400, allowedAt: '2026-03-02T08:00:00.000Z' },
  } as const;
  assert.match(describeRule(fail, 'en'), /after March 2, 2026(,| at) 8:00 AM\.$/);
  assert.match(describeRule(fail, 'fr', { timeZone: 'Europe/Paris' }), /2 mars 2026.*09:00/);
});

test('minimum age from an agent built before the rename (retryAfter) still says the date', () => {
  const legacy = {
    rule: 'min_age',
    status: 'fail',
    params: { minAgeSeconds: 86_400, retryAfter: '2026-03-02T08:00:00.000Z' },
  } as const;
  assert.match(describeRule(legacy, 'en'), /after March 2, 2026(,| at) 8:00 AM\.$/);
});

test('a violation reported by the directory (no status) is described as a failure', () => {
  const text = describeRule(violation('history', 'directory', { historyLength: 5 }), 'en');
  assert.match(text, /You have used this password recently/);
  const filter = describeRule(violation('directory_filter', 'directory', {}), 'fr');
  assert.match(filter, /a refusé ce mot de passe/);
});

test('every item the evaluator produces is described without a leftover placeholder', () => {
  const policy = effectivePolicy(
    { ...defaultCloudPolicy, customBannedTerms: ['fabrikam'] },
    directory,
  );
  for (const password of ['', 'erin', 'Fabrikam2024!', 'Kettle-Orbit-Vivid-7']) {
    const { items } = evaluatePassword({
      password: Secret.of(password),
      policy,
      user: { givenName: 'Erin', sAMAccountName: 'erin', passwordLastSet: new Date() },
      tenantName: 'Fabrikam',
      operation: 'change',
      now: new Date(),
    });
    for (const item of items) {
      for (const locale of locales) {
        const text = describeRule(item, locale);
        assert.doesNotMatch(text, /[{}]/, `${locale} ${item.rule} ${item.status}: ${text}`);
      }
    }
  }
});
