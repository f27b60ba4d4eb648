import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passwordRuleCodes } from '@ferry/protocol';
import { detailKeys, locales } from './catalogue.js';
import { messageCatalogue, placeholders } from './describe-rule.js';

test('every locale has texts for every rule code and every detail', () => {
  for (const locale of locales) {
    const messages = messageCatalogue(locale);
    assert.deepEqual(Object.keys(messages.rules).sort(), [...passwordRuleCodes].sort(), locale);
    assert.deepEqual(Object.keys(messages.details).sort(), [...detailKeys].sort(), locale);
    for (const code of passwordRuleCodes) {
      assert.ok(messages.rules[code].requirement.trim().length > 0, `${locale} ${code}`);
      assert.ok(messages.rules[code].failed.trim().length > 0, `${locale} ${code}`);
    }
    assert.ok(messages.checkedByDirectory.trim().length > 0);
  }
});

test('English and French use the same placeholders in each text', () => {
  const en = messageCatalogue('en');
  const fr = messageCatalogue('fr');
  const same = (a: string, b: string, what: string) =>
    assert.deepEqual(placeholders(a).sort(), placeholders(b).sort(), what);
  for (const code of passwordRuleCodes) {
    same(en.rules[code].requirement, fr.rules[code].requirement, `${code}.requirement`);
    same(en.rules[code].failed, fr.rules[code].failed, `${code}.failed`);
  }
  for (const key of detailKeys) same(en.details[key], fr.details[key], key);
});
