import { errorEntry, type ErrorCode, type RuleViolation } from '@ferry/protocol';

export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * A failure with a registry code. `detail` is operator text for the log, never shown to the
 * caller and never holding a secret; the caller sees the registry's safe message.
 */
export class FerryError extends Error {
  override readonly name = 'FerryError';
  readonly code: ErrorCode;
  readonly issues: readonly ValidationIssue[] | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** For `policy_violation`: each broken password rule, as typed feedback. */
  readonly rules: readonly RuleViolation[] | undefined;

  constructor(
    code: ErrorCode,
    detail?: string,
    extra: {
      issues?: readonly ValidationIssue[];
      retryAfterSeconds?: number;
      rules?: readonly RuleViolation[];
    } = {},
  ) {
    super(detail ?? errorEntry(code).operatorHint);
    this.code = code;
    this.issues = extra.issues;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.rules = extra.rules;
  }

  get httpStatus(): number {
    return errorEntry(this.code).httpStatus;
  }
}
