import type { AgentConfig } from '../config/agent-config.js';
import { isEnrolled, loadEnrollment, type StatePaths } from '../state/agent-state.js';
import { check, type CheckResult } from './doctor-check.js';

const SKEW_WARN_SECONDS = 60;
const SKEW_FAIL_SECONDS = 300;

/** Enrolled, the cloud reachable, the clocks agreeing, the agent's writeback switch. */
export async function cloudChecks(
  config: Pick<AgentConfig, 'passwordWriteback'>,
  paths: StatePaths,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  results.push(
    check(
      'writeback_switch',
      'Agent password writeback switch',
      config.passwordWriteback ? 'pass' : 'warn',
      config.passwordWriteback
        ? 'on: writes happen when the tenant setting is on too (Admin center > Password reset > On-premises integration)'
        : 'off: this agent never writes passwords to AD',
      'Set passwordWriteback: true in the agent config, and turn on "write back passwords to the on-premises directory" in the Admin center.',
    ),
  );
  if (!isEnrolled(paths)) {
    results.push(
      check(
        'enrolled',
        'Agent enrolled',
        'fail',
        `no identity in ${paths.dir}`,
        'ferry-agent enroll --cloud https://<your cloud> --token-file <token from the Admin center>',
      ),
    );
    return results;
  }
  const { identity } = await loadEnrollment(paths);
  results.push(
    check(
      'enrolled',
      'Agent enrolled',
      'pass',
      `agent ${identity.agentId} of tenant ${identity.tenantId} at ${identity.cloudUrl}`,
    ),
  );
  const before = Date.now();
  try {
    const answer = await fetch(new URL('/healthz', identity.cloudUrl), {
      signal: AbortSignal.timeout(10_000),
    });
    const after = Date.now();
    const serverDate = Date.parse(answer.headers.get('date') ?? '');
    results.push(
      check(
        'cloud_reachable',
        'Cloud reachable',
        answer.ok ? 'pass' : 'fail',
        `GET ${identity.cloudUrl}/healthz answered ${answer.status}`,
        'Check the cloud URL, the proxy and that the cloud runs.',
      ),
    );
    if (Number.isFinite(serverDate)) {
      // The Date header has 1 s resolution; the midpoint of the request is the fair comparison.
      const skew = Math.round(Math.abs(serverDate - (before + after) / 2) / 1000);
      const status = skew > SKEW_FAIL_SECONDS ? 'fail' : skew > SKEW_WARN_SECONDS ? 'warn' : 'pass';
      results.push(
        check(
          'clock_skew',
          'Clock agrees with the cloud',
          status,
          `about ${skew} s apart (from the cloud's Date header)`,
          "Synchronise this host's clock (NTP: timedatectl set-ntp true, or w32time with the domain hierarchy).",
        ),
      );
    }
  } catch (error) {
    results.push(
      check(
        'cloud_reachable',
        'Cloud reachable',
        'fail',
        `GET ${identity.cloudUrl}/healthz failed: ${(error as Error).message}`,
        'Check DNS, the firewall (outbound HTTPS) and the proxy for this host.',
      ),
    );
  }
  return results;
}
