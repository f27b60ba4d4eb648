import { writeReliabilitySection } from '../../support/reliability-doc.js';
import type { PhasesAtFault } from './fault-rounds.js';
import type { OperationLedger } from './operation-ledger.js';

export interface ScenarioFigures {
  readonly name: string;
  /** Faults injected (kills, stops, restarts). */
  readonly rounds: number;
  /** Of those, struck while a caller was still waiting. */
  readonly midWriteback: number;
  /** Of those, struck while an agent held a claim (about to write, writing, or not reported). */
  readonly claimedAtFault: number;
  /** Where the operations stood at the faults, summed over the rounds. */
  readonly phases: PhasesAtFault;
  readonly ledger: OperationLedger;
  /** Broken promises by kind (`total` counts every one). */
  readonly tally: { twice: number; lost: number; late: number; total: number };
}

/** The `faults-system` section of docs/reliability.md: parameters and results per scenario. */
export async function writeSystemFaultsSection(
  figures: readonly ScenarioFigures[],
  parameters: {
    seed: number;
    operations: number;
    users: number;
    windowMs: number;
    calibratedMs: number;
    timeoutSeconds: number;
    runtime: string;
  },
): Promise<void> {
  const rows = figures.map((figure) => {
    const { ledger, name, phases, tally } = figure;
    return `| ${name} | ${figure.rounds} | ${figure.midWriteback} | ${figure.claimedAtFault} | ${phases.beforeClaim} / ${phases.claimed} / ${phases.ended} | ${ledger.count(name)} | ${ledger.answers(name)} | **${tally.twice}** | **${tally.lost}** | **${tally.late}** | **${tally.total}** |`;
  });
  const sum = (pick: (figure: ScenarioFigures) => number) =>
    figures.reduce((total, figure) => total + pick(figure), 0);
  const kills = sum((figure) => (figure.name.endsWith('killed') ? figure.rounds : 0));
  await writeReliabilitySection(
    'faults-system',
    `## Faults: whole processes killed during writeback (written by \`test/e2e/writeback-system-faults.test.ts\`)

Seed ${parameters.seed}; two cloud nodes on one PostgreSQL, two agents (\`ferry-agent run\`,
${parameters.runtime}) active-active, the Samba AD lab DC, all on one 2-core machine. Each round sends
${parameters.operations} admin resets of distinct users (${parameters.users} users taken in turn) through both nodes
and strikes at an instant drawn in [0, ${parameters.windowMs}) ms: 1.5 times an unfaulted round measured at the
start (${parameters.calibratedMs} ms), so the instants fall before the claims, during the LDAP writes, between a
write and its result, and after. Operations expire after ${parameters.timeoutSeconds} s; a user is used again
only once its last operation can no longer be written. A killed process is started again once
every caller has an answer; after each fault, one more reset through each node must be
applied. Rounds per fault come from \`FERRY_FAULT_AGENT_KILLS\`, \`FERRY_FAULT_NODE_KILLS\` and
\`FERRY_FAULT_DC_KILLS\` (CI: 2, 1, 1), the seed from \`FERRY_FAULT_SEED\`;
\`FERRY_FAULT_RECORD=1\` writes this section.

Columns: *caller waiting*, rounds whose fault struck while a caller still waited; *claim held*,
rounds whose fault struck while an agent held a claim (about to write, writing, or written and
not yet reported); *phases*, the round's operations at the fault as PostgreSQL had them (not
yet claimed / claimed / ended). Broken promises: *double writes*, a write counter (unicodePwd
version in \`replPropertyMetaData\`) moved twice by one operation; *lost*, a caller without a
definite answer (a caller whose node was killed may lose its connection) or an \`applied\` not
written; *late*, a write after the operation's expiry or after an answer saying nothing was
written.

| Fault | Rounds | Caller waiting | Claim held | Phases at the fault | Operations | Answers | Double writes | Lost | Late | Broken promises |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

${kills} whole-process kills in this run (${sum((figure) => figure.rounds)} faults in all), ${sum((figure) => figure.tally.twice)} double writes, next to the writer-process kills above.
`,
  );
}
