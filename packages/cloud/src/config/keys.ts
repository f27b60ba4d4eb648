import { configKeys as keysOf, type ConfigKeyInfo } from '@ferry/config';
import { configSchema } from './schema.js';

export type { ConfigKeyInfo };

/** The keys of the cloud's config schema with their metadata, in declaration order. */
export function configKeys(): ConfigKeyInfo[] {
  return keysOf(configSchema);
}
