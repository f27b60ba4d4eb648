import type { Kysely } from 'kysely';
import { getPasswordResetSettings } from '../directory/password-reset-settings.js';
import type { Database, UserRow } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import type { Mailer, MailMessage } from './mailer.js';

/** Where notification failures go (a request's logger fits). */
export interface NotifyLog {
  warn(fields: object, message: string): void;
}

/** What notifications need: the tenant's settings and addresses, a mailer, the time. */
export interface NotifyServices {
  readonly db: Kysely<Database>;
  readonly mailer: Mailer;
  readonly clock: Clock;
}

/**
 * Notification mail after password events, as Entra sends them. They never fail the
 * operation they follow (the password is already changed): a mail problem is logged.
 * They hold no secret: names, times and the helpdesk link only.
 */
export async function notifyPasswordReset(
  services: NotifyServices,
  user: UserRow,
  log: NotifyLog,
): Promise<void> {
  await notifyUser(services, user, log, 'Your password was reset', 'was reset');
}

/** After a user changed their own password (My Account, the change screen). */
export async function notifyPasswordChanged(
  services: NotifyServices,
  user: UserRow,
  log: NotifyLog,
): Promise<void> {
  await notifyUser(services, user, log, 'Your password was changed', 'was changed');
}

/**
 * Where a notice about a change of verification methods goes: the directory's address and
 * the registered email, read BEFORE the change, so a replaced address still hears of it.
 */
export async function methodNoticeRecipients(
  db: Kysely<Database>,
  user: UserRow,
): Promise<string[]> {
  const method = await db
    .selectFrom('verification_methods')
    .select('value')
    .where('tenant_id', '=', user.tenant_id)
    .where('user_id', '=', user.id)
    .where('kind', '=', 'email')
    .executeTakeFirst();
  const addresses = [user.email, method?.value].filter((to): to is string => Boolean(to));
  return [...new Set(addresses)];
}

/** Tells the existing contacts that a verification method was added, changed or removed. */
export async function notifyMethodChanged(
  services: NotifyServices,
  user: UserRow,
  recipients: readonly string[],
  change: { readonly kind: string; readonly verb: 'registered' | 'removed' },
  log: NotifyLog,
): Promise<void> {
  const settings = await getPasswordResetSettings(services.db, user.tenant_id);
  const at = services.clock.now().toISOString();
  const help = settings.helpdeskLink
    ? `If this was not you, contact your helpdesk now: ${settings.helpdeskLink}`
    : 'If this was not you, contact your helpdesk now.';
  const method = change.kind.replace('_', ' ');
  for (const to of recipients) {
    await send(services, log, 'method_changed', {
      to,
      subject: `A verification method was ${change.verb} on your account`,
      text: `A verification method (${method}) was ${change.verb} on your account ${user.upn} at ${at} (UTC).\n\n${help}\n`,
    });
  }
}

/**
 * Lets a notification run after the caller's answer: the user must not wait for (or fail
 * with) a slow mail server. Anything it throws is logged.
 */
export function notifyInBackground(log: NotifyLog, notification: Promise<void>): void {
  notification.catch((error: unknown) => {
    log.warn({ reason: (error as Error).message }, 'notification not sent');
  });
}

/** Tells the tenant's other global admins that an admin reset someone's password. */
export async function notifyAdminsOfAdminReset(
  services: NotifyServices,
  admin: { readonly userId: string; readonly upn: string },
  target: UserRow,
  log: NotifyLog,
): Promise<void> {
  const settings = await getPasswordResetSettings(services.db, target.tenant_id);
  if (!settings.notifyAdminsOnAdminReset) return;
  const recipients = await globalAdminAddresses(services.db, target.tenant_id, admin.userId);
  const at = services.clock.now().toISOString();
  for (const to of recipients) {
    await send(services, log, 'admin_reset', {
      to,
      subject: `Password reset by an administrator: ${target.upn}`,
      text:
        `The password of ${target.upn} was reset by the administrator ${admin.upn} at ${at} (UTC).\n\n` +
        'You receive this because you are a global administrator of the tenant.',
    });
  }
}

async function notifyUser(
  services: NotifyServices,
  user: UserRow,
  log: NotifyLog,
  subject: string,
  verb: string,
): Promise<void> {
  const settings = await getPasswordResetSettings(services.db, user.tenant_id);
  if (!settings.notifyUsersOnReset) return;
  const to = await userAddress(services.db, user);
  if (!to) return;
  const at = services.clock.now().toISOString();
  const help = settings.helpdeskLink
    ? `If this was not you, contact your helpdesk now: ${settings.helpdeskLink}`
    : 'If this was not you, contact your helpdesk now.';
  await send(services, log, 'user', {
    to,
    subject,
    text: `The password of your account ${user.upn} ${verb} at ${at} (UTC).\n\n${help}\n`,
  });
}

/** The user's mail address: the directory's, else the registered email method. */
async function userAddress(db: Kysely<Database>, user: UserRow): Promise<string | undefined> {
  if (user.email) return user.email;
  const method = await db
    .selectFrom('verification_methods')
    .select('value')
    .where('tenant_id', '=', user.tenant_id)
    .where('user_id', '=', user.id)
    .where('kind', '=', 'email')
    .executeTakeFirst();
  return method?.value ?? undefined;
}

async function globalAdminAddresses(
  db: Kysely<Database>,
  tenantId: string,
  exceptUserId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('role_assignments')
    .innerJoin('users', (join) =>
      join
        .onRef('users.id', '=', 'role_assignments.user_id')
        .onRef('users.tenant_id', '=', 'role_assignments.tenant_id'),
    )
    .select(['users.email', 'users.upn'])
    .where('role_assignments.tenant_id', '=', tenantId)
    .where('role_assignments.role', '=', 'global_admin')
    .where('users.id', '!=', exceptUserId)
    .where('users.enabled', '=', 1)
    .execute();
  // Cloud admins sign in with their mail address, so the UPN is the fallback address.
  return [...new Set(rows.map((row) => row.email ?? row.upn))];
}

async function send(
  services: NotifyServices,
  log: NotifyLog,
  kind: string,
  message: MailMessage,
): Promise<void> {
  try {
    await services.mailer.send(message);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unknown';
    log.warn({ notification: kind, code }, 'notification not sent');
  }
}
