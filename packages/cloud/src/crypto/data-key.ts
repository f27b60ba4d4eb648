import { hkdfSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Secret } from '@ferry/protocol';
import type { Random } from '../util/clock.js';

export const DATA_KEY_FILE = 'data.key';

/**
 * The 32-byte key that encrypts secrets at rest. Configured keys win; otherwise the key is
 * generated once into the data folder with mode 0600 and reused on every start.
 */
export function loadDataKey(
  dataDir: string,
  configured: Secret | undefined,
  random: Random,
): Buffer {
  if (configured) return decodeKey(configured.reveal(), 'dataKey');
  const file = path.join(dataDir, DATA_KEY_FILE);
  if (existsSync(file)) return decodeKey(readFileSync(file, 'utf8').trim(), file);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = random.bytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

function decodeKey(text: string, origin: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`${origin}: the data key must be 32 bytes in base64`);
  return key;
}

/** A key for one purpose (cookie signing...), derived from the data key (HKDF-SHA-256). */
export function deriveKey(dataKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), `ferry:${purpose}`, 32));
}
