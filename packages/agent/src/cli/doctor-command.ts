import { loadAgentConfig } from '../config/agent-config.js';
import { exitCodeOf, renderReport, worstStatus } from '../doctor/doctor-check.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { COMMON_HELP, commandEnv, parseCommandArgs, type AgentCommand } from './command.js';

export const doctorCommand: AgentCommand = {
  name: 'doctor',
  summary: 'check the DCs, certificates, rights, policies and the cloud; say how to fix each',
  help: `usage: ferry-agent doctor [--json] [--config FILE] [--state-dir DIR]
Checks, with the agent's own settings and as its service account: LDAPS reachable, the DC
certificate trusted and valid for the URL's host, the bind, the rights on users in scope (read
from the directory), Unexpire Password, read of the Password Settings Container and Deleted
Objects, minimum password ages, protected users, users who cannot change their password,
policy hints, critical objects in scope, write on the write-marker attribute; then enrollment,
the cloud, clock skew and the writeback switch; and, from the cloud through the agent running
on this host: the tenant's writeback switch, this agent enabled, SSPR readiness (synced users
with enough registered methods). Each check is PASS, WARN or FAIL with its evidence and fix.
The running agent also runs these checks at start and every doctorIntervalMinutes, and sends
the report to the cloud (Admin center > On-premises integration).
Exit code: 0 all pass, 1 a warning, 2 a failure.
  --json             print the checks as JSON
${COMMON_HELP}`,
  async run(args) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean', default: false } });
    const config = loadAgentConfig(commandEnv(values));
    const results = await runDoctor(config);
    const worst = worstStatus(results);
    console.log(
      values.json
        ? JSON.stringify({ status: worst, checks: results }, null, 2)
        : renderReport(results),
    );
    process.exitCode = exitCodeOf(worst);
  },
};
