import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SetupError } from './setup-error.js';

export const UNIT_NAME = 'ferry-agent.service';

/** The `ferry-agent` executable of this installation (src/ and dist/ both sit beside bin/). */
export function agentExecutable(): string {
  return fileURLToPath(new URL('../../bin/ferry-agent.mjs', import.meta.url));
}

/** The unit: `ferry-agent run` with this config file, restarted when it stops. */
export function renderUnit(configFile: string, stateDir: string): string {
  return [
    '[Unit]',
    'Description=Ferry agent: password writeback and directory sync',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${process.execPath} ${agentExecutable()} run --config ${path.resolve(configFile)}`,
    'Restart=always',
    'RestartSec=5',
    'UMask=0077',
    'NoNewPrivileges=yes',
    'PrivateTmp=yes',
    'ProtectSystem=full',
    `ReadWritePaths=${path.resolve(stateDir)}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** systemctl on the PATH, or undefined (a container, a host without systemd). */
export function findSystemctl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'systemctl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Writes the unit under `root` (/ on a real install) and, on a real install with systemd,
 * enables and starts it. Returns what happened, in lines for the admin.
 */
export function installService(options: {
  readonly configFile: string;
  readonly stateDir: string;
  readonly root: string | undefined;
}): string[] {
  const unitDir = path.join(options.root ?? '/', 'etc', 'systemd', 'system');
  mkdirSync(unitDir, { recursive: true });
  const unitFile = path.join(unitDir, UNIT_NAME);
  writeFileSync(unitFile, renderUnit(options.configFile, options.stateDir), { mode: 0o644 });
  const lines = [`Wrote ${unitFile}.`];
  if (options.root) {
    return [...lines, `Not started: the unit was written under ${options.root} (--systemd-root).`];
  }
  const systemctl = findSystemctl();
  if (!systemctl) {
    return [
      ...lines,
      'systemctl is not on this host (no systemd): the service was not started.',
      `Start the agent with your service manager, running: ${process.execPath} ${agentExecutable()} run --config ${path.resolve(options.configFile)}`,
    ];
  }
  for (const args of [['daemon-reload'], ['enable', '--now', UNIT_NAME]]) {
    const result = spawnSync(systemctl, args, { encoding: 'utf8' });
    if (result.status !== 0)
      throw new SetupError(
        'service_failed',
        `systemctl ${args.join(' ')} failed: ${(result.stderr || '').trim()} (${unitFile} is written)`,
      );
  }
  return [...lines, `Started ${UNIT_NAME} (systemctl status ${UNIT_NAME}).`];
}
