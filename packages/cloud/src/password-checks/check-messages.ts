import type { PasswordEvaluation, PasswordEvaluationInput } from '@ferry/policy';

/** A check sent to a worker: the password travels in memory between threads, never logged. */
export interface CheckRequest {
  readonly id: number;
  readonly password: string;
  readonly input: Omit<PasswordEvaluationInput, 'password'>;
}

export type CheckReply =
  | { readonly id: number; readonly evaluation: PasswordEvaluation }
  | { readonly id: number; readonly error: string };
