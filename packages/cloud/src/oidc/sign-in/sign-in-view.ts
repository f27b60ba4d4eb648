import type { MethodKind } from '../../store/tables.js';
import type { SignInStage } from '../oidc-tables.js';

export type SecondFactorKind = 'totp' | 'email' | 'phone';
export const SECOND_FACTOR_KINDS: ReadonlySet<MethodKind> = new Set(['totp', 'email', 'phone']);

/** Why the provider asked again although the browser holds a session. */
export type SignInNotice = 'application_not_assigned' | 'account_unavailable' | 'mfa_required';

/** What the sign-in page shows for one step; `redirectTo` once the application gets the browser back. */
export interface SignInView {
  readonly stage: SignInStage;
  readonly application: { readonly name: string };
  readonly userPrincipalName: string | null;
  /** The application's `login_hint`, to prefill the user name. */
  readonly loginHint: string | null;
  readonly notice: SignInNotice | null;
  /** On the change screen: what AD said (773 must change, 532 expired). */
  readonly mustChange: 'must_change_password' | 'password_expired' | null;
  readonly secondFactor: {
    readonly methods: Array<{ readonly kind: SecondFactorKind; readonly hint: string | null }>;
  } | null;
  readonly registration: {
    /** `second_factor`: a second factor is required and the user has none yet. */
    readonly reason: 'second_factor' | 'required';
    readonly missing: number;
    readonly allowed: MethodKind[];
  } | null;
  readonly consent: { readonly scopes: string[] } | null;
  readonly redirectTo: string | null;
}

/** `a•••@example.com`, `•••• 1234`: enough to recognise one's own method, no more. */
export function maskedContact(kind: SecondFactorKind, value: string | null): string | null {
  if (!value) return null;
  if (kind === 'email') {
    const [name = '', domain = ''] = value.split('@');
    return `${name.slice(0, 1)}•••@${domain}`;
  }
  if (kind === 'phone') return `•••• ${value.replace(/\D/g, '').slice(-4)}`;
  return null;
}
