import { writeReliabilitySection } from '../../support/reliability-doc.js';
import type { OperationLedger } from './operation-ledger.js';

export interface ScenarioFigures {
  readonly name: string;
  /** Faults injected (kills, stops, restarts). */
  readonly rounds: number;
  /** Of those, struck while a caller was still waiting. */
  readonly midWriteback: number;
  readonly ledger: OperationLedger;
  readonly violations: number;
}

/** The `faults-system` section of docs/reliability.md: parameters and results per scenario. */
export async function writeSystemFaultsSection(
  figures: readonly ScenarioFigures[],
  parameters: {
    seed: number;
    operations: number;
    windowMs: number;
    timeoutSeconds: number;
    runtime: string;
  },
): Promise<void> {
  const rows = figures.map((figure) => {
    const { ledger, name } = figure;
    const operations = ledger.count(name);
    const twice = ledger.count(name, (entry) => (entry.writes ?? 0) > 1);
    return `| ${name} | ${figure.rounds} (${figure.midWriteback} mid-writeback) | ${operations} | ${ledger.answers(name)} | **${twice}** | **${figure.violations}** |`;
  });
  const total = figures.reduce((sum, figure) => sum + figure.rounds, 0);
  await writeReliabilitySection(
    'faults-system',
    `## Faults: whole processes killed during writeback (written by \`test/e2e/writeback-system-faults.test.ts\`)

Seed ${parameters.seed}; two cloud nodes on one PostgreSQL, two agents (\`ferry-agent run\`,
${parameters.runtime}) active-active, the Samba AD lab DC, all on one 2-core machine. Each round sends
${parameters.operations} admin resets of distinct users through both nodes and strikes at an
instant drawn in [0, ${parameters.windowMs}) ms; operations expire after
${parameters.timeoutSeconds} s. A killed process is started again once every caller has an
answer, then one more reset through each node must be applied. Rounds per fault come from
\`FERRY_FAULT_AGENT_KILLS\`, \`FERRY_FAULT_NODE_KILLS\` and \`FERRY_FAULT_DC_KILLS\` (CI: 2, 1, 1),
the seed from \`FERRY_FAULT_SEED\`; \`FERRY_FAULT_RECORD=1\` writes this section.

Broken promises counted: a caller without a definite answer (a caller whose node was killed
may lose its connection), a write counter (unicodePwd version in \`replPropertyMetaData\`)
moved twice, an \`applied\` not written, a write after an answer that says nothing was
written, a write after the operation's expiry.

| Fault | Faults (mid-writeback) | Operations | Answers | Double writes | Broken promises |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

${total} faults in this run, next to the writer-process kills above.
`,
  );
}
