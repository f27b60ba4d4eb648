import type { DoctorFacts } from '@ferry/protocol';
import { check, type CheckResult } from './doctor-check.js';

const SKEW_WARN_SECONDS = 60;
const SKEW_FAIL_SECONDS = 300;

/** How the facts were got: from the running agent's channel, or why not. */
export type FactsAnswer =
  | { readonly facts: DoctorFacts; readonly askedAt: number; readonly answeredAt: number }
  | { readonly unavailable: string };

/**
 * What only the cloud knows: the tenant's writeback switch, this agent as the cloud holds it
 * (enabled, the switch it last reported), its clock, and SSPR readiness of the synced users.
 */
export function cloudFactsChecks(
  answer: FactsAnswer,
  config: { readonly passwordWriteback: boolean },
): CheckResult[] {
  if ('unavailable' in answer) {
    return [
      check(
        'cloud_facts',
        "The cloud's settings for this agent",
        'warn',
        `not read: ${answer.unavailable}; the tenant's writeback switch and SSPR readiness are not checked`,
        'Start the agent (ferry-agent run, or systemctl start ferry-agent) and run the doctor again: it asks the running agent, which asks the cloud.',
      ),
    ];
  }
  const { facts } = answer;
  const sspr = facts.sspr;
  const skew = Math.round(
    Math.abs(Date.parse(facts.cloudTime) - (answer.askedAt + answer.answeredAt) / 2) / 1000,
  );
  return [
    check(
      'tenant_writeback',
      "Tenant's password writeback setting",
      facts.tenantWriteback ? 'pass' : 'fail',
      facts.tenantWriteback
        ? 'on: "write back passwords to the on-premises directory" (Admin center > On-premises)'
        : 'off in the Admin center: no agent writes any password to AD, SSPR and admin resets are refused',
      'Admin center > On-premises > turn on "Write back passwords to the on-premises directory", then Save.',
    ),
    check(
      'agent_enabled',
      'Agent enabled in the cloud',
      facts.agentEnabled ? 'pass' : 'fail',
      facts.agentEnabled ? 'active' : 'disabled by an admin: the cloud refuses its connection',
      'Admin center > Agents > Enable.',
    ),
    check(
      'agent_writeback_reported',
      "Agent's writeback switch as the cloud has it",
      facts.agentWritebackReported === config.passwordWriteback ? 'pass' : 'warn',
      facts.agentWritebackReported === null
        ? 'the cloud has no status from this agent yet'
        : `the cloud has it ${facts.agentWritebackReported ? 'on' : 'off'}; this host's config says ${config.passwordWriteback ? 'on' : 'off'}`,
      'Restart the agent after changing passwordWriteback (systemctl restart ferry-agent), so it reports the switch it uses.',
    ),
    check(
      'cloud_clock',
      "Clock agrees with the cloud's",
      skew > SKEW_FAIL_SECONDS ? 'fail' : skew > SKEW_WARN_SECONDS ? 'warn' : 'pass',
      `about ${skew} s apart (the cloud's time over the agent channel)`,
      "Synchronise this host's clock (NTP: timedatectl set-ntp true, or w32time with the domain hierarchy).",
    ),
    ssprReadinessCheck(sspr),
  ];
}

function ssprReadinessCheck(sspr: DoctorFacts['sspr']): CheckResult {
  const fix =
    'Users register their methods in My Account (/myaccount > Security info), or an admin adds them (Admin center > Users > Methods); Admin center > Password reset > "Require registration at next sign-in" asks everyone who lacks them.';
  if (sspr.scope === 'none') {
    return check(
      'sspr_readiness',
      'SSPR readiness of synced users',
      'warn',
      'self-service password reset is off for everyone (Admin center > Password reset > scope: none)',
      'Admin center > Password reset > scope: Selected (a group) or All.',
    );
  }
  const missing = sspr.usersInScope - sspr.usersReady;
  const gates = `${sspr.methodsRequired} method${sspr.methodsRequired === 1 ? '' : 's'}`;
  return check(
    'sspr_readiness',
    'SSPR readiness of synced users',
    sspr.usersInScope === 0 ? 'warn' : missing === 0 ? 'pass' : 'warn',
    sspr.usersInScope === 0
      ? `no synced user is in the SSPR scope (${sspr.scope}) yet`
      : `${sspr.usersReady} of ${sspr.usersInScope} synced users in scope (${sspr.scope}) have the ${gates} a reset asks (administrators: two); ${missing} cannot reset until they register`,
    fix,
  );
}
