import type { DirectoryPolicy, Outcome, Secret } from '@ferry/protocol';
import type { DirectoryAccount, DirectoryUser, UserReference } from './ad/ad-user.js';
import type { WriteGuard } from './ad/guarded-write.js';
import type { RootDse } from './ad/root-dse.js';

export type { WriteGuard };

export type { UserReference, DirectoryAccount, DirectoryUser };

export interface ResetOptions {
  /**
   * `user` for self-service reset: the account must be enabled, and history and minimum age
   * apply (as AD applies them under the policy-hints control). `admin` for a helpdesk reset.
   */
  readonly initiator: 'user' | 'admin';
  /** A reset also unlocks the account unless told otherwise (Entra's default). */
  readonly unlock?: boolean;
  readonly mustChangeAtNextLogon?: boolean;
}

/**
 * A user already looked up, to spare a second search. The policy in force for them is read
 * on the first call only: most writes succeed without it, and AD's refusal is then named
 * from it.
 */
export interface ResolvedUser {
  readonly user: DirectoryAccount;
  readonly policy: () => Promise<DirectoryPolicy>;
}

/** Operations take a reference to look up, or a user the caller has just resolved. */
export type UserTarget = UserReference | ResolvedUser;

export type UserLookup =
  | { readonly ok: true; readonly user: DirectoryUser }
  | { readonly ok: false; readonly outcome: Outcome };

export type AccountLookup =
  ({ readonly ok: true } & ResolvedUser) | { readonly ok: false; readonly outcome: Outcome };

export type PolicyLookup =
  | { readonly ok: true; readonly policy: DirectoryPolicy; readonly user: DirectoryUser }
  | { readonly ok: false; readonly outcome: Outcome };

/**
 * What the agent needs from a directory, in any dialect. Every password operation answers
 * with an Outcome; directory trouble is an outcome too, never an exception. Members are
 * properties so that implementations are type-checked strictly (methods would be bivariant).
 */
export interface DirectoryConnector {
  readonly rootDse: () => Promise<RootDse>;
  readonly domainPolicy: () => Promise<DirectoryPolicy>;
  readonly effectivePolicy: (reference: UserReference) => Promise<PolicyLookup>;
  readonly findUser: (reference: UserReference) => Promise<UserLookup>;
  /** The account for a write, with its policy read on demand. */
  readonly resolveUser: (reference: UserReference) => Promise<AccountLookup>;
  /**
   * The writes. With a guard (every relayed operation has one) the write lands at most once
   * for that operation, whoever retries it (ADR 0011).
   */
  readonly reset: (
    target: UserTarget,
    newPassword: Secret,
    options: ResetOptions,
    guard?: WriteGuard,
  ) => Promise<Outcome>;
  readonly change: (
    target: UserTarget,
    currentPassword: Secret,
    newPassword: Secret,
    guard?: WriteGuard,
  ) => Promise<Outcome>;
  readonly unlock: (target: UserTarget, guard?: WriteGuard) => Promise<Outcome>;
  /**
   * Fences the user's write marker against a lapsed operation (ADR 0016): `applied` with
   * `fence: 'landed'` or `'written'`; any other outcome leaves the question open.
   */
  readonly fence: (
    reference: UserReference,
    fencedOperationId: string,
    notAfter: Date,
  ) => Promise<Outcome>;
  readonly forceChangeAtNextLogon: (reference: UserReference) => Promise<Outcome>;
  readonly unexpire: (reference: UserReference) => Promise<Outcome>;
  readonly verifyCredentials: (reference: UserReference, password: Secret) => Promise<Outcome>;
  readonly close: () => Promise<void>;
}
