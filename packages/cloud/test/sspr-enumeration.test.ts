import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret } from '@ferry/protocol';
import { MailCatcher } from '../../../test/support/mail-catcher.js';
import { addMember, createCloudGroup } from '../src/directory/groups.js';
import {
  defaultPasswordResetSettings,
  putPasswordResetSettings,
  type PasswordResetSettings,
} from '../src/directory/password-reset-settings.js';
import { createCloudUser } from '../src/directory/users.js';
import type { ApiResponse } from './helpers/api-client.js';
import { sqliteBackend } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';
import { SsprClient } from './helpers/sspr-client.js';

/** The structure of a JSON value: keys and value types, arrays by their first element. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return [value.length > 0 ? shapeOf(value[0]) : 'empty'];
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, inner]) => [key, shapeOf(inner)]),
    );
  }
  return value === null ? 'null' : typeof value;
}

/**
 * A response without what differs per request anyway (request id, flow token, expiry) and
 * the hints, which start with the typed name's first letter for real and decoy alike.
 */
function comparable(response: ApiResponse): unknown {
  const json = structuredClone(response.json) as Record<string, unknown>;
  const error = json['error'] as Record<string, unknown> | undefined;
  if (error) delete error['requestId'];
  delete json['flowToken'];
  delete json['expiresAt'];
  for (const gate of (json['gates'] ?? []) as Array<Record<string, unknown>>) delete gate['hint'];
  return { status: response.status, json };
}

describe('self-service reset does not reveal which accounts exist or can reset', () => {
  let h: Harness;
  let mail: MailCatcher;
  const names = {
    real: 'real@contoso.test',
    unknown: 'nobody@contoso.test',
    outOfScope: 'outside@contoso.test',
    noMethods: 'bare@contoso.test',
  };
  let groupId: string;

  const settings = (change: Partial<PasswordResetSettings>) =>
    putPasswordResetSettings(
      h.cloud.services.db,
      h.clock,
      h.tenantId,
      { ...defaultPasswordResetSettings, ...change },
      'test',
    );

  before(async () => {
    mail = await MailCatcher.start();
    h = await Harness.start(sqliteBackend, { smtpUrl: mail.url, ssprPowBits: 4 });
    const { db, random, methods } = h.cloud.services;
    const make = (upn: string) =>
      createCloudUser(db, h.clock, random, h.tenantId, {
        upn,
        displayName: upn.split('@')[0]!,
        password: Secret.of(h.password()),
      });
    const real = await make(names.real);
    const outside = await make(names.outOfScope);
    const bare = await make(names.noMethods);
    // Each registered address starts like its UPN, as a decoy's hint does.
    await methods.setEmail(h.tenantId, real.id, 'r.home@contoso.test');
    await methods.setEmail(h.tenantId, outside.id, 'o.home@contoso.test');
    groupId = (await createCloudGroup(db, h.clock, random, h.tenantId, { name: 'SSPR' })).id;
    await addMember(db, h.clock, h.tenantId, groupId, real.id);
    await addMember(db, h.clock, h.tenantId, groupId, bare.id);
    await settings({ ssprEnabled: 'selected', ssprGroupId: groupId, methodsAllowed: ['email'] });
  });
  after(async () => {
    await h.stop();
    await mail.stop();
  });

  test('every name gets the same answers at start, send and verify', async () => {
    const seen = new Map<string, unknown[]>();
    for (const [label, upn] of Object.entries(names)) {
      const flow = new SsprClient(h.app);
      const start = await flow.start(upn);
      const send = await flow.post('/gates/email/send');
      const verify = await flow.post('/gates/email/verify', { code: '123456' });
      const questions = await flow.get('/gates/security_questions');
      const reset = await flow.post('/reset', { newPassword: h.password() });
      seen.set(label, [start, send, verify, questions, reset].map(comparable));
      assert.equal(start.status, 200, label);
      assert.deepEqual(start.json.gates, [{ kind: 'email', hint: `${upn[0]}***@contoso.test` }]);
    }
    const [first, ...others] = [...seen.values()];
    for (const other of others) assert.deepEqual(other, first);
    assert.deepEqual(
      (first as Array<{ status: number }>).map((r) => r.status),
      [200, 200, 401, 401, 403],
    );
  });

  test('decoy gates are stable for a name and shaped like real ones', async () => {
    await settings({
      ssprEnabled: 'all',
      methodsRequired: 2,
      methodsAllowed: ['email', 'phone', 'totp', 'security_questions'],
    });
    const first = await new SsprClient(h.app).start('ghost@contoso.test');
    const second = await new SsprClient(h.app).start('ghost@contoso.test');
    assert.deepEqual(first.json.gates, second.json.gates);
    assert.equal(first.json.required, 2);
    assert.ok(first.json.gates.length >= 2);
    for (const gate of first.json.gates) {
      if (gate.kind === 'email') assert.equal(gate.hint, 'g***@contoso.test');
      else if (gate.kind === 'phone') assert.match(gate.hint, /^\+\d\d ••• •• •• \d\d$/);
      else assert.equal(gate.hint, null);
    }
    const real = await new SsprClient(h.app).start(names.real);
    const { gates: realGates, ...realRest } = real.json;
    const { gates: decoyGates, ...decoyRest } = first.json;
    assert.deepEqual(shapeOf(realRest), shapeOf(decoyRest));
    for (const gate of [...realGates, ...decoyGates]) {
      assert.deepEqual(Object.keys(gate).sort(), ['hint', 'kind']);
    }
    // Decoy security questions: three, and wrong like any wrong answer.
    await settings({
      ssprEnabled: 'all',
      methodsRequired: 2,
      methodsAllowed: ['email', 'security_questions'],
    });
    const flow = new SsprClient(h.app);
    await flow.start('ghost@contoso.test');
    const asked = await flow.get('/gates/security_questions');
    assert.equal(asked.json.questions.length, 3);
    assert.deepEqual((await flow.get('/gates/security_questions')).json, asked.json);
    const answers = asked.json.questions.map((question: string) => ({ question, answer: 'x' }));
    const verify = await flow.post('/gates/security_questions/verify', { answers });
    assert.equal(verify.status, 401);
    assert.equal(verify.json.error.code, 'verification_failed');
  });

  test('only the audit rows say why a name cannot reset', async () => {
    const starts = (await h.auditRows()).filter((row) => row.action === 'sspr.start');
    // The first start of each name (later ones ran under other settings).
    const byName = new Map(starts.reverse().map((row) => [row.actor_name, row.result]));
    assert.equal(byName.get(names.real), 'success');
    // An unknown name is kept cut short (ADR 0009), never as typed.
    assert.equal(byName.get('no…@contoso.test'), 'unknown_user');
    assert.equal(byName.has(names.unknown), false);
    assert.equal(byName.get(names.outOfScope), 'out_of_scope');
    assert.equal(byName.get(names.noMethods), 'too_few_methods');
    const verify = (await h.auditRows()).find(
      (row) => row.action === 'sspr.gate_verify' && row.actor_name === 'no…@contoso.test',
    );
    assert.equal(verify?.result, 'verification_failed');
    assert.match(verify?.detail_json ?? '', /"reason":"unknown_user"/);
    assert.equal(mail.sentTo('o.home@contoso.test').length, 0, 'out of scope: no code sent');
  });

  test('a password typed into the name field never reaches the audit log', async () => {
    // A password is a valid-looking name as soon as it holds one @ (the route checks no more).
    const typed = `P@ss${h.password()}`;
    const flow = new SsprClient(h.app);
    assert.equal((await flow.start(typed)).status, 200);
    assert.equal((await flow.post('/gates/email/verify', { code: '123456' })).status, 401);
    const rows = (await h.auditRows()).filter((row) => row.action.startsWith('sspr.'));
    const dump = JSON.stringify(rows).toLowerCase();
    assert.equal(dump.includes(typed.toLowerCase()), false);
    assert.ok(rows.some((row) => row.action === 'sspr.start' && row.actor_name === 'p@…'));
  });
});
