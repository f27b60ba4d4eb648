import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's promtool (package `prometheus`; `bash scripts/peers/promtool.sh` installs it). */
export const PROMTOOL = '/usr/bin/promtool';

/**
 * Runs `promtool check metrics` on a scrape and rejects with promtool's findings (format
 * errors and lint problems alike) unless it passes clean.
 */
export async function promtoolCheck(text: string): Promise<void> {
  if (!existsSync(PROMTOOL)) {
    throw new Error(`${PROMTOOL} is missing: run \`bash scripts/peers/promtool.sh\` as root`);
  }
  const child = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(text);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`promtool check metrics failed (exit ${code}):\n${output}`);
}
