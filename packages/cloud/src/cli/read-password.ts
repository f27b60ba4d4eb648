import { readFileSync } from 'node:fs';
import { Secret } from '@ferry/protocol';

/** The password from FERRY_BOOTSTRAP_PASSWORD_FILE, else the first line of stdin. */
export async function readPassword(env: NodeJS.ProcessEnv = process.env): Promise<Secret> {
  const file = env['FERRY_BOOTSTRAP_PASSWORD_FILE'];
  if (file) return Secret.of(readFileSync(file, 'utf8').replace(/\r?\n$/, ''));
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Secret.of(Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '');
}
