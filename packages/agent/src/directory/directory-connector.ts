import type { DirectoryPolicy, Outcome, Secret } from '@ferry/protocol';
import type { DirectoryUser, UserReference } from './ad/ad-user.js';
import type { RootDse } from './ad/root-dse.js';

export type { UserReference, DirectoryUser };

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

export type UserLookup =
  | { readonly ok: true; readonly user: DirectoryUser }
  | { readonly ok: false; readonly outcome: Outcome };

export type PolicyLookup =
  | { readonly ok: true; readonly policy: DirectoryPolicy; readonly user: DirectoryUser }
  | { readonly ok: false; readonly outcome: Outcome };

/**
 * What the agent needs from a directory, in any dialect. Every password operation answers
 * with an Outcome; directory trouble is an outcome too, never an exception.
 */
export interface DirectoryConnector {
  rootDse(): Promise<RootDse>;
  domainPolicy(): Promise<DirectoryPolicy>;
  effectivePolicy(reference: UserReference): Promise<PolicyLookup>;
  findUser(reference: UserReference): Promise<UserLookup>;
  reset(reference: UserReference, newPassword: Secret, options: ResetOptions): Promise<Outcome>;
  change(reference: UserReference, currentPassword: Secret, newPassword: Secret): Promise<Outcome>;
  unlock(reference: UserReference): Promise<Outcome>;
  forceChangeAtNextLogon(reference: UserReference): Promise<Outcome>;
  unexpire(reference: UserReference): Promise<Outcome>;
  verifyCredentials(reference: UserReference, password: Secret): Promise<Outcome>;
  close(): Promise<void>;
}
