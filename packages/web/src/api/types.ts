/** Shapes of the API answers the pages read (see /api/openapi.json). */

export type RuleCode =
  | 'too_short'
  | 'too_long'
  | 'complexity'
  | 'history'
  | 'min_age'
  | 'banned'
  | 'weak'
  | 'directory_filter';

export interface RuleViolation {
  readonly rule: RuleCode;
  readonly source: 'directory' | 'policy';
  readonly params: Readonly<Record<string, string | number | boolean>>;
}

export interface PolicyCheckItem {
  readonly rule: RuleCode;
  readonly status: 'pass' | 'fail' | 'directory';
  readonly origin: 'cloud' | 'directory';
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly message: string;
}

export interface PolicyCheck {
  readonly ok: boolean;
  readonly items: readonly PolicyCheckItem[];
}

export type MethodKind = 'email' | 'phone' | 'totp' | 'security_questions';

export interface MethodView {
  readonly kind: MethodKind;
  readonly value: string | null;
  readonly questions: readonly string[] | null;
  readonly registeredAt: string;
}

export interface MeView {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
  readonly source: 'cloud' | 'synced';
  readonly methods: readonly MethodView[];
  readonly registration: {
    readonly required: boolean;
    readonly missing: number;
    readonly allowed?: readonly MethodKind[];
    /** An admin required registration at next sign-in: review the methods once. */
    readonly review?: boolean;
  };
}

export interface SsprSettings {
  readonly enabled: boolean;
  readonly helpdeskUrl: string | null;
  readonly unlockEnabled: boolean;
}

export interface Gate {
  readonly kind: MethodKind;
  readonly hint: string | null;
}

export interface SsprStart {
  readonly flowToken: string;
  readonly expiresAt: string;
  readonly required: number;
  readonly gates: readonly Gate[];
}

export interface AdminMe {
  readonly userId: string;
  readonly tenantId: string;
  readonly upn: string;
  readonly roles: readonly string[];
  readonly csrfToken?: string;
}

export interface UserView {
  readonly id: string;
  readonly source: 'cloud' | 'synced';
  readonly upn: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly enabled: boolean;
  readonly lockedOut: boolean;
  readonly passwordLastSetAt: string | null;
  readonly roles: readonly string[];
  readonly onPremises: {
    readonly sourceAnchor: string;
    readonly distinguishedName: string | null;
    readonly samAccountName: string | null;
    readonly syncedAt: string | null;
  } | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What an admin reset answers: the same `outcome` as the self-service routes, and the user. */
export interface AdminResetAnswer {
  readonly outcome: 'applied';
  /** Null for a cloud-only user, whose password never travels to an agent. */
  readonly operationId: string | null;
  readonly user: UserView;
}

export interface AgentView {
  readonly id: string;
  readonly name: string;
  readonly hostname: string;
  readonly version: string;
  readonly status: 'active' | 'disabled';
  readonly online: boolean;
  readonly lastSeenAt: string | null;
  readonly connectedAt: string | null;
  readonly directoryReachable: boolean | null;
  readonly passwordWritebackEnabled: boolean | null;
  readonly domainController: string | null;
  readonly problem: string | null;
  readonly operationsServed: number;
  readonly createdAt: string;
}

export interface PasswordResetSettings {
  ssprEnabled: 'none' | 'selected' | 'all';
  ssprGroupId: string | null;
  methodsRequired: 1 | 2;
  methodsAllowed: MethodKind[];
  registrationRequiredAtSignIn: boolean;
  reconfirmDays: number;
  notifyUsersOnReset: boolean;
  notifyAdminsOnAdminReset: boolean;
  helpdeskLink: string | null;
  onPremises: { writebackEnabled: boolean; unlockWithoutResetEnabled: boolean };
  [extra: string]: unknown;
}

export interface SyncRun {
  readonly id: string;
  readonly agentId: string;
  readonly mode: string;
  readonly status: string;
  readonly batches: number;
  readonly added: number;
  readonly updated: number;
  readonly deleted: number;
  readonly softMatched: number;
  readonly pendingDeletes: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
}

export interface AuditEvent {
  readonly id: string;
  readonly seq: number;
  readonly at: string;
  readonly actor: {
    readonly type: string;
    readonly id: string | null;
    readonly name: string | null;
  };
  readonly action: string;
  readonly target: {
    readonly type: string;
    readonly id: string | null;
    readonly name: string | null;
  } | null;
  readonly result: string;
  readonly sourceIp: string | null;
  readonly requestId: string | null;
}

export type SignInStage = 'password' | 'change_password' | 'mfa' | 'register' | 'consent' | 'done';
export type SecondFactorKind = 'totp' | 'email' | 'phone';

/** One step of an application sign-in (GET /sign-in/:uid/state and every step's answer). */
export interface SignInView {
  readonly stage: SignInStage;
  readonly application: { readonly name: string };
  readonly userPrincipalName: string | null;
  readonly loginHint: string | null;
  readonly notice: 'application_not_assigned' | 'account_unavailable' | 'mfa_required' | null;
  readonly mustChange: 'must_change_password' | 'password_expired' | null;
  readonly secondFactor: {
    readonly methods: readonly { readonly kind: SecondFactorKind; readonly hint: string | null }[];
  } | null;
  readonly registration: {
    readonly reason: 'second_factor' | 'required';
    readonly missing: number;
    readonly allowed: readonly MethodKind[];
  } | null;
  readonly consent: { readonly scopes: readonly string[] } | null;
  readonly redirectTo: string | null;
}

export type ApplicationScope = 'profile' | 'email' | 'groups' | 'offline_access';

/** An application registered for sign-in (Admin center, Applications). */
export interface ApplicationView {
  readonly clientId: string;
  readonly name: string;
  readonly kind: 'confidential' | 'public';
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly scopes: readonly ApplicationScope[];
  readonly access: 'all' | 'assigned';
  readonly assignments: readonly { readonly type: 'user' | 'group'; readonly id: string }[];
  readonly mfaRequired: boolean;
  readonly tenantConsent: boolean;
  readonly enabled: boolean;
  readonly hasSecret: boolean;
  readonly secretCreatedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type DoctorStatus = 'pass' | 'warn' | 'fail';

/** One check of an agent's doctor report (`ferry-agent doctor`). */
export interface DoctorCheck {
  readonly id: string;
  readonly title: string;
  readonly status: DoctorStatus;
  readonly evidence: string;
  readonly fix?: string;
}

export interface AgentDoctorReport {
  readonly agentId: string;
  readonly name: string;
  readonly hostname: string;
  readonly receivedAt: string;
  readonly report: {
    readonly ranAt: string;
    readonly trigger: 'start' | 'schedule' | 'manual';
    readonly overall: DoctorStatus;
    readonly checks: readonly DoctorCheck[];
  };
}

export interface CoverageView {
  readonly all: RegistrationCoverage;
  readonly synced: RegistrationCoverage;
  readonly registrationRequestedAt: string | null;
}

/** Users in SSPR scope, and those with enough registered methods to reset. */
export interface RegistrationCoverage {
  readonly scope: 'none' | 'selected' | 'all';
  readonly methodsRequired: number;
  readonly usersInScope: number;
  readonly usersReady: number;
}
