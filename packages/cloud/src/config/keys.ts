import { z } from 'zod';
import { configSchema } from './schema.js';

export interface ConfigKeyInfo {
  readonly key: string;
  readonly env: string;
  readonly secret: boolean;
  readonly type: string;
  readonly description: string;
  readonly default: unknown;
}

interface JsonProperty {
  type?: string;
  enum?: string[];
  format?: string;
  description?: string;
  default?: unknown;
  env?: string;
  secret?: boolean;
}

/** The keys of the config schema with their metadata, in declaration order. */
export function configKeys(): ConfigKeyInfo[] {
  const json = z.toJSONSchema(configSchema, { io: 'input' }) as {
    properties: Record<string, JsonProperty>;
  };
  return Object.entries(json.properties).map(([key, prop]) => ({
    key,
    env: prop.env ?? '',
    secret: prop.secret === true,
    type: prop.enum ? prop.enum.join(' | ') : (prop.format ?? prop.type ?? 'string'),
    description: prop.description ?? '',
    default: prop.default,
  }));
}
