import type { PasswordUser } from '@ferry/policy';
import type { UserRow } from '../store/tables.js';

/**
 * What the password evaluator needs to know of a user: the names AD's complexity and the
 * strength check hold against a password, and the password's dates (minimum age; "must
 * change" when none is set).
 */
export function passwordUserOf(user: UserRow): PasswordUser {
  return {
    sAMAccountName: user.sam_account_name ?? undefined,
    displayName: user.display_name,
    passwordLastSet: user.password_last_set_at ? new Date(user.password_last_set_at) : undefined,
    mustChange: user.password_last_set_at === null,
  };
}
