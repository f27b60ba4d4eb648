/**
 * Fields an API error body may carry beside `code` and `message`, with one meaning each
 * everywhere; `docs/errors.md` lists them from here.
 */
export const errorBodyFields = {
  issues: 'For `validation_failed`: each failing field as `{path, message}`.',
  rules: 'For `policy_violation`: each broken password rule as `{rule, source, params}`.',
  retryAfter:
    'A duration in whole seconds to wait before trying again (also sent as the `Retry-After` header). Always seconds, never an instant.',
  allowedAt:
    'The instant (ISO 8601, UTC) from which a retry can succeed. Beside `retryAfter` on `rate_limited` and `sign_in_locked`; in the params of a `min_age` rule, the moment the password is old enough to change.',
  scope:
    'For `writeback_disabled`: `tenant` when the tenant setting is off, `agent` when every online agent has its own writeback option off.',
  operation:
    'For `writeback_disabled`: the operation refused (`reset`, `change`, `unlock`, `force_change`); the message names it.',
  requestId: 'The id of the request in the cloud log.',
} as const;

/** The password operations a caller can be refused, as the error body names them. */
export const writebackOperations = ['reset', 'change', 'unlock', 'force_change'] as const;
export type WritebackOperation = (typeof writebackOperations)[number];

/** The user-safe message of `writeback_disabled`, fitted to the operation refused. */
export const writebackDisabledMessages: Readonly<Record<WritebackOperation, string>> = {
  reset:
    'Password reset for accounts managed on-premises is turned off right now. Contact your helpdesk.',
  change:
    'Password change for accounts managed on-premises is turned off right now. Contact your helpdesk.',
  unlock: 'Unlocking accounts managed on-premises is turned off right now. Contact your helpdesk.',
  force_change:
    'Your password must be changed, but changing passwords of accounts managed on-premises is turned off right now. Contact your helpdesk.',
};
