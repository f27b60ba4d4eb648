import type { SyncPreviewChanges } from '@ferry/protocol';
import { sendControlCommand } from '../control/control-client.js';
import type { ControlEvent } from '../control/control-protocol.js';
import { loadAgentStateDir } from '../config/agent-config.js';
import { statePaths } from '../state/agent-state.js';
import { COMMON_HELP, commandEnv, parseCommandArgs, type AgentCommand } from './command.js';
import { progressLine } from './progress-line.js';
import { UsageError } from './usage-error.js';

/**
 * `ferry-agent sync status|now|preview`: asks the agent running from the same state folder
 * (FERRY_AGENT_STATE_DIR, the config file's stateDir or --state-dir) through its control socket.
 */
export const syncCommand: AgentCommand = {
  name: 'sync',
  summary: "status | now [--full] | preview [--json]: the running agent's sync",
  help: `usage: ferry-agent sync status|now|preview [options]
Asks the agent running from the same state folder, through its local socket (owner-only).
  sync status        leader or not, cursor, the last run, a run in progress
  sync now [--full]  run a delta sync now (--full: read every user again) on the leading
                     agent, with a progress bar; waits until the cloud applied it
  sync preview       read every user in scope and show what a sync would change in the
                     cloud, applying nothing
  --json             print the answer as JSON
${COMMON_HELP}`,
  run: syncAction,
};

async function syncAction(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { values } = parseCommandArgs(rest, {
    full: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  if (values.full && action !== 'now') throw new UsageError('--full goes with "sync now"');
  const socket = statePaths(loadAgentStateDir(commandEnv(values))).controlSocket;
  const progress = new ProgressPrinter();
  let last: ControlEvent;
  switch (action) {
    case 'status':
      last = await sendControlCommand(socket, { command: 'status' });
      break;
    case 'now':
      last = await sendControlCommand(socket, { command: 'sync', full: values.full }, (event) =>
        progress.show(event),
      );
      break;
    case 'preview':
      last = await sendControlCommand(socket, { command: 'preview' }, (event) =>
        values.json ? undefined : progress.show(event),
      );
      break;
    default:
      throw new UsageError(
        action ? `unknown sync action "${action}"` : 'sync needs status, now or preview',
      );
  }
  progress.end();
  if (values.json) {
    console.log(JSON.stringify(last, null, 2));
  } else {
    console.log(describe(last));
  }
  if (last.type === 'error') process.exitCode = 1;
}

/** Redraws one line on a terminal; elsewhere (logs, pipes) prints a line every 2 s. */
class ProgressPrinter {
  #shown = false;
  #lastPrinted = 0;

  show(event: ControlEvent): void {
    if (event.type !== 'progress') return;
    const line = progressLine(event.progress, new Date());
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line}\x1b[K`);
      this.#shown = true;
    } else if (Date.now() - this.#lastPrinted >= 2_000) {
      this.#lastPrinted = Date.now();
      process.stderr.write(`${line}\n`);
    }
  }

  end(): void {
    if (this.#shown) process.stderr.write('\n');
  }
}

function describe(event: ControlEvent): string {
  switch (event.type) {
    case 'status': {
      const { sync } = event;
      const lines = [
        `agent ${event.agentId}: cloud link ${event.channel}`,
        !sync.enabled
          ? 'sync: off on this agent (FERRY_AGENT_SYNC=false)'
          : sync.leading
            ? 'sync: this agent leads the tenant’s sync'
            : 'sync: on; another agent leads (this one takes over if the leader goes away)',
      ];
      if (sync.cursor)
        lines.push(`cursor: USN ${sync.cursor.usn} on DC ${sync.cursor.invocationId}`);
      if (sync.running) lines.push(`running: ${progressLine(sync.running, new Date())}`);
      if (sync.lastRun) {
        const run = sync.lastRun;
        lines.push(
          `last run: ${run.mode} (${run.reason}) at ${run.finishedAt}: ${run.upserts} users written, ${run.deletes} deleted, ${run.batches} batches`,
        );
      }
      if (sync.waitingForDeleteConfirmation)
        lines.push(
          'waiting: a run would delete more users than the threshold; confirm in the cloud',
        );
      return lines.join('\n');
    }
    case 'result':
      return `${event.run.mode} sync applied: ${event.run.upserts} users written, ${event.run.deletes} deleted (${event.run.batches} batches)`;
    case 'preview':
      return describePreview(event.run.upserts, event.changes);
    case 'error':
      return `ferry-agent: error [${event.code}]: ${event.message}`;
    case 'progress':
      return progressLine(event.progress, new Date());
    case 'doctor_facts':
      return `the cloud's doctor facts at ${event.facts.cloudTime}`;
  }
}

function describePreview(read: number, changes: SyncPreviewChanges): string {
  const list = (upns: string[]): string => (upns.length > 0 ? `  e.g. ${upns.join(', ')}` : '');
  const lines = [
    `preview: ${read} users in scope; nothing was applied`,
    `  would add      ${changes.added}${list(changes.examples.added)}`,
    `  would update   ${changes.updated}${list(changes.examples.updated)}`,
    `  soft-match     ${changes.softMatched} (cloud-only accounts with the same UPN)`,
    `  unchanged      ${changes.unchanged}`,
    `  would delete   ${changes.deleted}${list(changes.examples.deleted)}`,
  ];
  if (changes.deleted > changes.deleteThreshold) {
    lines.push(
      `  over the delete threshold (${changes.deleteThreshold}): a real run waits for an admin to confirm`,
    );
  }
  return lines.join('\n');
}
