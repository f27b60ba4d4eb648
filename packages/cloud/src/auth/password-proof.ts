import type { Outcome } from '@ferry/protocol';

/**
 * What a password check's outcome says about the password, for every route that checks one:
 * - `proven`: right password, the account may go on;
 * - `must_change`: right password, but AD wants it changed first (bind data 773 / 532);
 * - `account_state`: AD tells any caller this state whatever the password (locked 775,
 *   disabled 533, expired 701, restricted 530/531); shown as it is, it lets the user act
 *   (unlock through SSPR);
 * - `not_proven`: a wrong password, an unknown account, or no answer at all (no agent, the
 *   directory down). These all get one answer and count as a guess, so the reply never tells
 *   a synced account from an unknown name, and an outage is no free retry.
 */
export type PasswordVerdict = 'proven' | 'must_change' | 'account_state' | 'not_proven';

const MUST_CHANGE = new Set<Outcome['code']>(['must_change_password', 'password_expired']);
const ACCOUNT_STATES = new Set<Outcome['code']>([
  'locked_out',
  'account_disabled',
  'account_expired',
  'logon_restricted',
]);

export function judgePassword(outcome: Outcome): PasswordVerdict {
  if (outcome.code === 'applied') return 'proven';
  if (MUST_CHANGE.has(outcome.code)) return 'must_change';
  if (ACCOUNT_STATES.has(outcome.code)) return 'account_state';
  return 'not_proven';
}
