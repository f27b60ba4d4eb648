import type { OutcomeCode } from './outcomes.js';

/**
 * Every code a Ferry component can answer with: the outcomes of password operations and the
 * errors of the API and CLIs. One entry per code, never reused once retired.
 * `message` is safe to show to an end user; `operatorHint` is for admins and logs.
 * `docs/errors.md` is generated from this table and a test keeps the two equal.
 */
export interface ErrorEntry {
  readonly kind: 'outcome' | 'api' | 'cli';
  readonly httpStatus: number;
  readonly message: string;
  readonly operatorHint: string;
}

const outcomeEntries = {
  applied: {
    kind: 'outcome',
    httpStatus: 200,
    message: 'Your password was changed.',
    operatorHint: 'The directory accepted the operation.',
  },
  user_policy: {
    kind: 'outcome',
    httpStatus: 200,
    message: 'These are the password rules of your account.',
    operatorHint: 'An agent read the policy that applies to the user (not an error).',
  },
  policy_violation: {
    kind: 'outcome',
    httpStatus: 422,
    message: 'The new password does not meet the password rules listed.',
    operatorHint:
      'The cloud or directory policy refused the password; `rules` names each rule (source `directory` when the directory named it, `policy` when Ferry named it from the policy it read).',
  },
  wrong_current_password: {
    kind: 'outcome',
    httpStatus: 422,
    message: 'The current password is not correct.',
    operatorHint: 'AD answered 00000056 (or bind 52e) to a password change.',
  },
  invalid_credentials: {
    kind: 'outcome',
    httpStatus: 401,
    message: 'The user name or password is not correct.',
    operatorHint: 'Bind failed with AD data code 52e (or LDAP 49 without a sub-code).',
  },
  user_not_found: {
    kind: 'outcome',
    httpStatus: 404,
    message: 'We could not find your account in the on-premises directory.',
    operatorHint:
      'No user with that source anchor / UPN / sAMAccountName under the base DN (or bind data 525).',
  },
  ambiguous_user: {
    kind: 'outcome',
    httpStatus: 409,
    message: 'Your account could not be identified uniquely. Contact your helpdesk.',
    operatorHint: 'More than one directory object matched the identifier.',
  },
  access_denied: {
    kind: 'outcome',
    httpStatus: 403,
    message:
      'Your password cannot be reset because of an on-premises configuration problem. Contact your helpdesk.',
    operatorHint:
      "The agent's service account lacks a right on the target (LDAP 50, insufficientAccessRights): delegate Reset Password, Change Password, write lockoutTime and pwdLastSet on descendant users (run `ferry-agent doctor`).",
  },
  change_not_allowed: {
    kind: 'outcome',
    httpStatus: 403,
    message: 'Your account is not allowed to change its own password. Contact your helpdesk.',
    operatorHint: 'The user has "User cannot change password" (a deny Change Password ACE).',
  },
  account_disabled: {
    kind: 'outcome',
    httpStatus: 403,
    message: 'Your account is disabled. Contact your helpdesk.',
    operatorHint: 'userAccountControl ACCOUNTDISABLE, or bind data 533.',
  },
  account_expired: {
    kind: 'outcome',
    httpStatus: 403,
    message: 'Your account has expired. Contact your helpdesk.',
    operatorHint: 'accountExpires is in the past (bind data 701).',
  },
  locked_out: {
    kind: 'outcome',
    httpStatus: 423,
    message: 'Your account is locked after too many failed sign-ins.',
    operatorHint: 'lockoutTime is set (bind data 775); unlock resets it to 0.',
  },
  must_change_password: {
    kind: 'outcome',
    httpStatus: 409,
    message: 'You must change your password before you can sign in.',
    operatorHint: 'pwdLastSet is 0 (bind data 773).',
  },
  password_expired: {
    kind: 'outcome',
    httpStatus: 409,
    message: 'Your password has expired. Choose a new one.',
    operatorHint: 'pwdLastSet + maxPwdAge is in the past (bind data 532).',
  },
  logon_restricted: {
    kind: 'outcome',
    httpStatus: 403,
    message: 'Your account may not sign in at this time or from here.',
    operatorHint:
      'logonHours (bind data 530) or userWorkstations (bind data 531) restrict this sign-in.',
  },
  protected_account: {
    kind: 'outcome',
    httpStatus: 403,
    message: 'Passwords of administrative accounts cannot be reset here. Contact your helpdesk.',
    operatorHint:
      'The target has adminCount=1 (member of a protected group); writeback refuses it by design, as Entra does.',
  },
  directory_unavailable: {
    kind: 'outcome',
    httpStatus: 503,
    message: 'Your password cannot be reset right now. Try again in a few minutes.',
    operatorHint: 'No domain controller answered (connection refused, TLS failure or timeout).',
  },
  directory_error: {
    kind: 'outcome',
    httpStatus: 502,
    message: 'The on-premises directory returned an unexpected error. Contact your helpdesk.',
    operatorHint: 'An LDAP result Ferry does not map; the detail holds the directory message.',
  },
  expired: {
    kind: 'outcome',
    httpStatus: 504,
    message: 'The operation took too long and was cancelled. Nothing was changed.',
    operatorHint:
      'The operation passed its expiry before an agent applied it; it is never applied later.',
  },
  writeback_disabled: {
    kind: 'outcome',
    httpStatus: 409,
    message:
      'Password reset for accounts managed on-premises is turned off right now. Contact your helpdesk.',
    operatorHint:
      'Writeback runs only when the tenant setting "write back passwords to the on-premises directory" AND the agent\'s own "password writeback" option are on; `scope` says which is off (`tenant` or `agent`), `operation` which operation was refused, and the message names it (see below).',
  },
  unlock_disabled: {
    kind: 'outcome',
    httpStatus: 409,
    message:
      'Unlocking without a password reset is not offered. Reset your password instead; it also unlocks your account.',
    operatorHint:
      'The tenant setting "allow users to unlock accounts without resetting their password" is off, or the agent that took the operation has its `accountUnlock` option off (the setup wizard\'s "Unlock without a password reset" box; `detail` says so).',
  },
  agent_unavailable: {
    kind: 'outcome',
    httpStatus: 503,
    message: 'Your password cannot be reset right now. Try again in a few minutes.',
    operatorHint:
      'No agent of the tenant is online (or none answered in time); check the agents list.',
  },
  outcome_unknown: {
    kind: 'outcome',
    httpStatus: 503,
    message:
      'We could not confirm whether your password was changed: it may have been applied. Try signing in with the new password before trying again.',
    operatorHint:
      "A write was sent (or an agent holding it was lost) and its result never came back. It was written at most once (ADR 0011); the user's write marker tells whether the operation id landed.",
  },
  operation_rejected: {
    kind: 'outcome',
    httpStatus: 502,
    message: 'The operation could not be completed. Nothing was changed. Try again.',
    operatorHint:
      'The agent refused the operation message: bad signature, secrets not for this operation or agent key, or a malformed message. Possible key mismatch: re-enroll or rotate keys.',
  },
} as const satisfies Record<OutcomeCode, ErrorEntry>;

const apiEntries = {
  validation_failed: {
    kind: 'api',
    httpStatus: 400,
    message: 'The request is not valid.',
    operatorHint: 'A field failed schema validation; `issues` lists each path and problem.',
  },
  unauthenticated: {
    kind: 'api',
    httpStatus: 401,
    message: 'Sign in first.',
    operatorHint: 'No valid session or credential accompanied the request.',
  },
  forbidden: {
    kind: 'api',
    httpStatus: 403,
    message: 'You do not have the right to do this.',
    operatorHint: 'The caller is authenticated but its role does not allow the action.',
  },
  not_found: {
    kind: 'api',
    httpStatus: 404,
    message: 'Not found.',
    operatorHint: 'The resource does not exist in this tenant.',
  },
  conflict: {
    kind: 'api',
    httpStatus: 409,
    message: 'This conflicts with the current state.',
    operatorHint: 'A uniqueness or state precondition failed.',
  },
  rate_limited: {
    kind: 'api',
    httpStatus: 429,
    message: 'Too many attempts. Try again later.',
    operatorHint:
      'A rate limit or throttle window is exhausted; `retryAfter` (seconds) and `allowedAt` (instant) say when.',
  },
  user_is_synced: {
    kind: 'api',
    httpStatus: 409,
    message: 'This account is managed by the on-premises directory and cannot be changed here.',
    operatorHint:
      'The target is a synced user; change it in the on-premises directory (or through writeback).',
  },
  sign_in_failed: {
    kind: 'api',
    httpStatus: 401,
    message: 'The user name or password is not correct.',
    operatorHint:
      'Admin sign-in failed: unknown user, wrong password, no admin role or disabled account (the audit row says which).',
  },
  sign_in_locked: {
    kind: 'api',
    httpStatus: 423,
    message: 'Too many failed sign-ins. Try again later.',
    operatorHint:
      'This client address gave signInMaxFailures wrong passwords for the name (Admin center and My Account count apart), or all addresses together gave ten times that in one window (signInLockoutMinutes); a name that matches no account answers the same. `retryAfter` (seconds) and `allowedAt` (instant) say when it opens.',
  },
  reauthentication_required: {
    kind: 'api',
    httpStatus: 403,
    message: 'For your security, sign in again before changing your verification methods.',
    operatorHint:
      'Adding, changing or removing a verification method needs a password proven in the last 10 minutes (a fresh My Account sign-in): a stolen or unattended session cannot plant a recovery method.',
  },
  csrf_failed: {
    kind: 'api',
    httpStatus: 403,
    message: 'Your session could not be verified. Reload the page and try again.',
    operatorHint:
      'A state-changing request lacked the x-csrf-token header matching its session (double-submit check).',
  },
  bootstrap_unavailable: {
    kind: 'api',
    httpStatus: 410,
    message: 'This setup link is no longer valid.',
    operatorHint:
      'The bootstrap token is unknown, used or expired, or the tenant already has an admin; use `npm run cloud -- bootstrap-admin`.',
  },
  not_ready: {
    kind: 'api',
    httpStatus: 503,
    message: 'The service is starting or stopping. Try again in a moment.',
    operatorHint: 'Readiness failed: the store did not answer, or the node is shutting down.',
  },
  protocol_incompatible: {
    kind: 'api',
    httpStatus: 400,
    message: 'This agent version cannot talk to this cloud. Update the agent.',
    operatorHint:
      'The agent protocol version is outside the range this cloud supports; the message names both.',
  },
  enrollment_token_invalid: {
    kind: 'api',
    httpStatus: 401,
    message: 'The enrollment token is not valid. Create a new one in the Admin center.',
    operatorHint:
      'Unknown, already used or expired one-time enrollment token (all three answer alike).',
  },
  agent_unknown: {
    kind: 'api',
    httpStatus: 401,
    message: 'This agent is not registered with the cloud. Enroll it again.',
    operatorHint:
      'No longer sent: the gateway answers an unknown agent id with a challenge and then proof_invalid, as it answers a wrong key, so that it does not tell which ids exist.',
  },
  agent_disabled: {
    kind: 'api',
    httpStatus: 403,
    message: 'This agent has been disabled by an administrator.',
    operatorHint: 'An admin disabled the agent; enable it in the Agents list to let it connect.',
  },
  proof_invalid: {
    kind: 'api',
    httpStatus: 401,
    message: 'The agent could not prove its identity.',
    operatorHint:
      "The proof was not signed by the agent's registered key (wrong, revoked or rotated key), not over this session's nonce, or the agent id is not in this cloud (removed, or enrolled elsewhere: enroll it again).",
  },
  message_invalid: {
    kind: 'api',
    httpStatus: 400,
    message: 'The agent sent a message the cloud does not understand.',
    operatorHint:
      'A WebSocket frame failed the protocol schema or came out of order; the connection is closed.',
  },
  verification_failed: {
    kind: 'api',
    httpStatus: 401,
    message: 'The code or the answers are not correct.',
    operatorHint:
      'A password-reset or registration check failed: wrong, expired or used code, wrong answers or TOTP, or an account that cannot reset (unknown, out of scope, too few methods: the audit row says which).',
  },
  verification_required: {
    kind: 'api',
    httpStatus: 403,
    message: 'Verify your identity first.',
    operatorHint: 'A password-reset step was called before the required checks were passed.',
  },
  flow_expired: {
    kind: 'api',
    httpStatus: 401,
    message: 'Your password reset session has ended. Start again.',
    operatorHint: 'The x-ferry-flow token is missing, unknown, finished or older than 15 minutes.',
  },
  challenge_invalid: {
    kind: 'api',
    httpStatus: 400,
    message: 'The request could not be verified. Reload the page and try again.',
    operatorHint:
      'The proof-of-work challenge is forged, expired or already used, or the nonce does not meet its difficulty.',
  },
  sspr_disabled: {
    kind: 'api',
    httpStatus: 403,
    message: 'Self-service password reset is not offered. Contact your helpdesk.',
    operatorHint: 'The tenant setting "self-service password reset enabled" is `none`.',
  },
  mail_not_configured: {
    kind: 'api',
    httpStatus: 503,
    message: 'Email cannot be sent right now. Use another method or contact your helpdesk.',
    operatorHint: 'FERRY_SMTP_URL is not set, so the cloud sends no mail.',
  },
  mail_failed: {
    kind: 'api',
    httpStatus: 502,
    message: 'Email cannot be sent right now. Try again in a few minutes.',
    operatorHint: 'The SMTP server refused or did not answer; the log has the SMTP error.',
  },
  sms_not_configured: {
    kind: 'api',
    httpStatus: 503,
    message: 'Text messages cannot be sent right now. Use another method or contact your helpdesk.',
    operatorHint: 'FERRY_SMS_GATEWAY is `none` (or `http` without FERRY_SMS_GATEWAY_URL).',
  },
  sms_failed: {
    kind: 'api',
    httpStatus: 502,
    message: 'Text messages cannot be sent right now. Try again in a few minutes.',
    operatorHint: 'The SMS gateway refused or did not answer; the log has its status.',
  },
  method_not_allowed: {
    kind: 'api',
    httpStatus: 409,
    message: 'Your organisation does not offer this verification method.',
    operatorHint:
      'My Account registration of a method that the password-reset settings (`methodsAllowed`) do not list.',
  },
  sign_in_expired: {
    kind: 'api',
    httpStatus: 410,
    message:
      'This sign-in has expired or was started in another browser. Go back to the application and sign in again.',
    operatorHint:
      'No OpenID Connect interaction matches the request: expired (30 minutes), already finished, or its cookie is missing.',
  },
  sign_in_step_invalid: {
    kind: 'api',
    httpStatus: 409,
    message: 'This step of the sign-in is not available now. Reload the page.',
    operatorHint: 'A sign-in call out of order (e.g. a second factor before the password).',
  },
  application_not_assigned: {
    kind: 'api',
    httpStatus: 403,
    message:
      'Your account is not allowed to use this application. Ask your administrator for access.',
    operatorHint:
      'The application lets only assigned users and groups sign in, and the user is in none of them.',
  },
  mfa_unavailable: {
    kind: 'api',
    httpStatus: 403,
    message:
      'This application needs a second verification method, and your account has none you can use. Contact your helpdesk.',
    operatorHint:
      'A second factor is required (tenant or application) but the user has no authenticator, email or phone method and the password-reset settings allow none to be registered.',
  },
  internal_error: {
    kind: 'api',
    httpStatus: 500,
    message: 'Something went wrong on our side.',
    operatorHint: 'An unexpected exception; the log line with the request id has the cause.',
  },
} as const satisfies Record<string, ErrorEntry>;

const cliEntries = {
  config_invalid: {
    kind: 'cli',
    httpStatus: 500,
    message: 'The configuration is not valid.',
    operatorHint: 'A configuration key failed validation at start-up; the message names the key.',
  },
  lab_unavailable: {
    kind: 'cli',
    httpStatus: 500,
    message: 'The lab directory could not be started.',
    operatorHint: 'Provisioning or starting the Samba AD lab failed; the message says which step.',
  },
} as const satisfies Record<string, ErrorEntry>;

export const errorRegistry = { ...outcomeEntries, ...apiEntries, ...cliEntries } as const;

export type ErrorCode = keyof typeof errorRegistry;

export function errorEntry(code: ErrorCode): ErrorEntry {
  return errorRegistry[code];
}
