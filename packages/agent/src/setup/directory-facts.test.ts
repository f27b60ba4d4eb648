import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AD_CAPABILITY, classifyRootDse } from './directory-facts.js';

test('a rootDSE with the AD capability is Active Directory, its domain the default base DN', () => {
  const facts = classifyRootDse({
    dn: '',
    defaultNamingContext: 'DC=corp,DC=example,DC=test',
    namingContexts: ['DC=corp,DC=example,DC=test', 'CN=Configuration,DC=corp,DC=example,DC=test'],
    configurationNamingContext: 'CN=Configuration,DC=corp,DC=example,DC=test',
    dnsHostName: 'dc1.corp.example.test',
    supportedCapabilities: ['1.2.840.113556.1.4.1670', AD_CAPABILITY],
  });
  assert.equal(facts.dialect, 'ad');
  assert.equal(facts.defaultBaseDn, 'DC=corp,DC=example,DC=test');
  assert.equal(facts.dnsHostName, 'dc1.corp.example.test');
  assert.match(facts.evidence, /Active Directory/);
});

test("slapd's OpenLDAProotDSE is OpenLDAP, its data naming context (not the accesslog) the default base DN", () => {
  const facts = classifyRootDse({
    dn: '',
    // slapd lists its accesslog database too, first here as the lab's does.
    namingContexts: ['cn=accesslog', 'dc=ferry,dc=test'],
    structuralObjectClass: 'OpenLDAProotDSE',
    objectClass: ['top', 'OpenLDAProotDSE'],
  });
  assert.equal(facts.dialect, 'openldap');
  assert.equal(facts.defaultBaseDn, 'dc=ferry,dc=test');
  assert.equal(facts.configurationNamingContext, undefined);
});

test('any other directory has no dialect, and the evidence names its vendor', () => {
  const facts = classifyRootDse({ dn: '', namingContexts: 'o=x', vendorName: 'Example Corp' });
  assert.equal(facts.dialect, undefined);
  assert.match(facts.evidence, /Example Corp/);
});
