import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { Secret } from '@ferry/protocol';
import { MailCatcher } from '../../../test/support/mail-catcher.js';
import {
  defaultPasswordResetSettings,
  putPasswordResetSettings,
} from '../src/directory/password-reset-settings.js';
import { createCloudUser, getUser } from '../src/directory/users.js';
import { DisabledMailer, SmtpMailer, smtpOptions } from '../src/notify/mailer.js';
import { notifyPasswordChanged, notifyPasswordReset } from '../src/notify/notifications.js';
import {
  ConsoleSmsGateway,
  DisabledSmsGateway,
  HttpSmsGateway,
} from '../src/notify/sms-gateway.js';
import { FerryError } from '../src/util/ferry-error.js';
import { sqliteBackend } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';
import { SmsCatcher } from './helpers/sms-catcher.js';

const silent = pino({ level: 'silent' });

describe('mail and SMS transports', () => {
  test('SMTP mail reaches a real SMTP server with the configured sender', async () => {
    const catcher = await MailCatcher.start();
    try {
      const mailer = new SmtpMailer(catcher.url, 'Ferry <ferry@contoso.test>', silent);
      await mailer.send({
        to: 'Ann@Example.test',
        subject: 'Hello',
        text: 'Body 1',
        html: '<p>Body 1</p>',
      });
      const message = await catcher.waitFor('ann@example.test');
      assert.equal(message.subject, 'Hello');
      assert.equal(message.text.trim(), 'Body 1');
      assert.equal(message.html, '<p>Body 1</p>');
      assert.equal(message.from, 'ferry@contoso.test');
      mailer.close();
    } finally {
      await catcher.stop();
    }
  });

  test('an unreachable SMTP server is mail_failed; no SMTP URL is mail_not_configured', async () => {
    const catcher = await MailCatcher.start();
    const deadUrl = catcher.url;
    await catcher.stop();
    const mailer = new SmtpMailer(deadUrl, 'ferry@contoso.test', silent);
    await assert.rejects(
      mailer.send({ to: 'a@example.test', subject: 's', text: 't' }),
      (error: unknown) => error instanceof FerryError && error.code === 'mail_failed',
    );
    await assert.rejects(
      new DisabledMailer().send(),
      (error: unknown) => error instanceof FerryError && error.code === 'mail_not_configured',
    );
  });

  test('SMTP URLs: credentials decoded, TLS and default ports by scheme, short timeouts', () => {
    const plain = smtpOptions('smtp://mailer%40contoso.test:p%2Fss@mail.contoso.test');
    assert.deepEqual(plain.auth, { user: 'mailer@contoso.test', pass: 'p/ss' });
    assert.equal(plain.port, 587);
    assert.equal(plain.secure, false);
    const tls = smtpOptions('smtps://mail.contoso.test');
    assert.deepEqual([tls.port, tls.secure, 'auth' in tls], [465, true, false]);
    assert.equal(smtpOptions('smtp://127.0.0.1:2525').port, 2525);
    assert.ok(plain.connectionTimeout <= 10_000);
  });

  test('SMS: the HTTP gateway posts JSON and reports refusals; console and none', async () => {
    const gateway = await SmsCatcher.start();
    try {
      await new HttpSmsGateway(gateway.url, undefined, silent).send('+33600000001', 'hi');
      assert.deepEqual(gateway.messages, [
        { to: '+33600000001', text: 'hi', authorization: undefined },
      ]);
      gateway.status = 500;
      await assert.rejects(
        new HttpSmsGateway(gateway.url, 't', silent).send('+33600000001', 'hi'),
        (error: unknown) => error instanceof FerryError && error.code === 'sms_failed',
      );
    } finally {
      await gateway.stop();
    }
    await assert.rejects(
      new HttpSmsGateway(gateway.url, undefined, silent, 2000).send('+1', 'x'),
      (error: unknown) => error instanceof FerryError && error.code === 'sms_failed',
    );
    const lines: string[] = [];
    await new ConsoleSmsGateway((line) => lines.push(line)).send('+1555', 'code 123456');
    assert.deepEqual(lines, ['[ferry sms, development only] to +1555: code 123456\n']);
    await assert.rejects(
      new DisabledSmsGateway().send(),
      (error: unknown) => error instanceof FerryError && error.code === 'sms_not_configured',
    );
  });
});

describe('password notifications', () => {
  let h: Harness;
  let mail: MailCatcher;
  let secondGlobal: { upn: string };

  before(async () => {
    mail = await MailCatcher.start();
    h = await Harness.start(sqliteBackend, { smtpUrl: mail.url });
    secondGlobal = await h.seedAdmin(h.tenantId, 'global2@contoso.test', ['global_admin']);
  });
  after(async () => {
    await h.stop();
    await mail.stop();
  });

  const user = async (upn: string, email: string | null) => {
    const { db, random } = h.cloud.services;
    const row = await createCloudUser(db, h.clock, random, h.tenantId, {
      upn,
      displayName: upn,
      password: Secret.of(h.password()),
      ...(email ? { email } : {}),
    });
    return row;
  };

  test('an admin reset mails the other global admins, never the password', async () => {
    const target = await user('hal@contoso.test', null);
    const helpdesk = await h.signedIn(h.helpdesk);
    const password = h.password();
    const reset = await helpdesk.post(`/api/v1/users/${target.id}/password`, { password });
    assert.equal(reset.status, 200);
    const first = await mail.waitFor(h.global.upn, (m) => m.subject.includes('hal@contoso.test'));
    const second = await mail.waitFor(secondGlobal.upn, (m) =>
      m.subject.includes('hal@contoso.test'),
    );
    assert.match(first.text, /by the administrator helpdesk@contoso\.test/);
    assert.equal(first.text.includes(password), false);
    assert.equal(second.text.includes(password), false);
    assert.equal(mail.sentTo(h.helpdesk.upn).length, 0, 'the acting admin is not told');

    // The acting global admin is left out; the other one is told.
    mail.clear();
    const global = await h.signedIn(h.global);
    await global.post(`/api/v1/users/${target.id}/password`, { password: h.password() });
    await mail.waitFor(secondGlobal.upn, (m) => m.subject.includes('hal@contoso.test'));
    assert.equal(mail.sentTo(h.global.upn).length, 0);
  });

  test('the settings switch admin and user notifications off', async () => {
    await putPasswordResetSettings(
      h.cloud.services.db,
      h.clock,
      h.tenantId,
      {
        ...defaultPasswordResetSettings,
        notifyAdminsOnAdminReset: false,
        notifyUsersOnReset: false,
      },
      'test',
    );
    mail.clear();
    const target = await user('ida@contoso.test', 'ida@example.test');
    const global = await h.signedIn(h.global);
    await global.post(`/api/v1/users/${target.id}/password`, { password: h.password() });
    await notifyPasswordReset(h.cloud.services, target, silent);
    // A message sent after them arrives after them: nothing else came first.
    await h.cloud.services.mailer.send({ to: 'marker@example.test', subject: 'marker', text: '.' });
    await mail.waitFor('marker@example.test');
    assert.deepEqual(
      mail.messages.map((m) => m.to),
      [['marker@example.test']],
    );
    await putPasswordResetSettings(
      h.cloud.services.db,
      h.clock,
      h.tenantId,
      defaultPasswordResetSettings,
      'test',
    );
  });

  test('users hear of a reset or change at their directory or registered address', async () => {
    const withEmail = await user('jon@contoso.test', 'jon@example.test');
    await notifyPasswordChanged(h.cloud.services, withEmail, silent);
    const changed = await mail.waitFor('jon@example.test');
    assert.equal(changed.subject, 'Your password was changed');
    assert.match(changed.text, /jon@contoso\.test was changed at 2026-03-01T09:00:00\.000Z/);

    const registered = await user('kim@contoso.test', null);
    await h.cloud.services.methods.setEmail(h.tenantId, registered.id, 'kim.home@example.test');
    await notifyPasswordReset(
      h.cloud.services,
      await getUser(h.cloud.services.db, h.tenantId, registered.id),
      silent,
    );
    assert.equal((await mail.waitFor('kim.home@example.test')).subject, 'Your password was reset');
  });

  test('a mail failure is logged, not thrown: the password is already set', async () => {
    const warnings: object[] = [];
    const target = await user('lee@contoso.test', 'lee@example.test');
    const services = { ...h.cloud.services, mailer: new DisabledMailer() };
    await notifyPasswordReset(services, target, {
      warn: (fields) => void warnings.push(fields),
    });
    assert.deepEqual(warnings, [{ notification: 'user', code: 'mail_not_configured' }]);
  });
});
