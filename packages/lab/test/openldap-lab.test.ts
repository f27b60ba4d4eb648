import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { labClient, labPaths, requireOpenLdapState, type OpenLdapLabState } from '../src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function lab(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ['--conditions=ferry-source', '--import', 'tsx', 'packages/lab/src/cli.ts', ...args],
    { cwd: root, encoding: 'utf8', timeout: 120_000 },
  );
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

async function asService<T>(
  state: OpenLdapLabState,
  work: (client: ReturnType<typeof labClient>) => Promise<T>,
): Promise<T> {
  const client = labClient(state.ldapsUrl, state.caFile);
  await client.bind(state.serviceAccount.dn, state.serviceAccount.password);
  try {
    return await work(client);
  } finally {
    await client.unbind();
  }
}

test('up openldap on a running lab is a no-op that prints paths, never passwords', async () => {
  const before = await requireOpenLdapState();
  const { status, out } = lab('up', 'openldap');
  assert.equal(status, 0, out);
  assert.doesNotMatch(out, /provisioning|seeding|started slapd/);
  assert.match(out, /LDAPS\s+ldaps:\/\/127\.0\.0\.1:6360/);
  assert.ok(!out.includes(before.admin.password) && !out.includes(before.serviceAccount.password));
  assert.equal(statSync(path.join(labPaths().root, 'openldap.json')).mode & 0o777, 0o600);
  assert.deepEqual(await requireOpenLdapState(), before);
});

test('status openldap says slapd answers LDAPS', () => {
  const { status, out } = lab('status', 'openldap');
  assert.equal(status, 0, out);
  assert.match(out, /openldap provisioned=true running=true \(pid \d+\) ldaps=answers/);
});

test('slapd advertises Password Modify and the ppolicy control; the fixtures hold their states', async () => {
  const state = await requireOpenLdapState();
  await asService(state, async (client) => {
    const { searchEntries: dse } = await client.search('', {
      scope: 'base',
      attributes: ['supportedExtension', 'supportedControl'],
    });
    assert.ok((dse[0]?.['supportedExtension'] as string[]).includes('1.3.6.1.4.1.4203.1.11.1'));
    assert.ok((dse[0]?.['supportedControl'] as string[]).includes('1.3.6.1.4.1.42.2.27.8.5.1'));
    const read = async (dn: string, attributes: string[]) =>
      (await client.search(dn, { scope: 'base', attributes })).searchEntries[0]!;
    assert.equal((await read(state.users['erin']!.dn, ['pwdReset']))['pwdReset'], 'TRUE');
    assert.equal(
      (await read(state.users['carol']!.dn, ['pwdAccountLockedTime']))['pwdAccountLockedTime'],
      '000001010000Z',
    );
    assert.equal(
      (await read(state.users['alice']!.dn, ['memberOf']))['memberOf'],
      `cn=staff,${state.ous.groups}`,
    );
    const policy = await read(state.policies.default, ['pwdMinLength', 'pwdMinAge']);
    assert.deepEqual([policy['pwdMinLength'], policy['pwdMinAge']], ['8', '86400']);
    // The agent reads the change feed.
    const { searchEntries: log } = await client.search(state.accesslogDn, {
      scope: 'one',
      filter: '(reqType=add)',
      attributes: ['reqDN'],
    });
    assert.ok(log.some((entry) => entry['reqDN'] === state.users['alice']!.dn));
  });
});

test('down openldap stops slapd; up starts it again with its data', async () => {
  const before = await requireOpenLdapState();
  const down = lab('down', 'openldap');
  assert.equal(down.status, 0, down.out);
  assert.match(down.out, /lab slapd stopped/);
  assert.equal(lab('status', 'openldap').status, 3);
  const up = lab('up', 'openldap');
  assert.equal(up.status, 0, up.out);
  assert.match(up.out, /started slapd/);
  assert.doesNotMatch(up.out, /provisioning|seeding/);
  assert.deepEqual(await requireOpenLdapState(), before);
  await asService(before, async (client) => {
    const { searchEntries } = await client.search(before.users['bob']!.dn, { scope: 'base' });
    assert.equal(searchEntries.length, 1);
  });
});

test('an unknown directory gets a usage error and exit code 2', () => {
  for (const args of [
    ['up', 'oracle'],
    ['status', 'ad', 'openldap'],
  ]) {
    const { status, out } = lab(...args);
    assert.equal(status, 2, `${args.join(' ')}: ${out}`);
    assert.match(out, /usage: npm run lab/);
  }
});
