import {
  errorEntry,
  writebackDisabledMessages,
  type ErrorCode,
  type RuleViolation,
  type WritebackOperation,
} from '@ferry/protocol';

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
  /** Seconds to wait; `allowedAt` is the same moment as an instant, when the caller knows it. */
  readonly retryAfterSeconds: number | undefined;
  readonly allowedAt: Date | undefined;
  /** For `writeback_disabled`: which switch is off, and the operation it refused. */
  readonly scope: 'tenant' | 'agent' | undefined;
  readonly operation: WritebackOperation | undefined;
  /** For `policy_violation`: each broken password rule, as typed feedback. */
  readonly rules: readonly RuleViolation[] | undefined;

  constructor(
    code: ErrorCode,
    detail?: string,
    extra: {
      issues?: readonly ValidationIssue[];
      retryAfterSeconds?: number;
      allowedAt?: Date;
      rules?: readonly RuleViolation[];
      scope?: 'tenant' | 'agent';
      operation?: WritebackOperation;
    } = {},
  ) {
    super(detail ?? errorEntry(code).operatorHint);
    this.code = code;
    this.issues = extra.issues;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.allowedAt = extra.allowedAt;
    this.rules = extra.rules;
    this.scope = extra.scope;
    this.operation = extra.operation;
  }

  /** The user-safe message: the registry's, fitted to the operation where the registry says so. */
  get publicMessage(): string {
    if (this.code === 'writeback_disabled' && this.operation) {
      return writebackDisabledMessages[this.operation];
    }
    return errorEntry(this.code).message;
  }

  get httpStatus(): number {
    return errorEntry(this.code).httpStatus;
  }
}
