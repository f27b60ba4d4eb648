import { z } from 'zod';

/**
 * Metadata every setting carries in a Ferry config schema: the environment variable that
 * sets it and whether it is secret (then `<ENV>_FILE` works too, and it is never printed).
 */
export interface KeyMeta {
  readonly env: string;
  readonly secret?: boolean;
}

export function key<T extends z.ZodType>(schema: T, description: string, meta: KeyMeta): T {
  return schema.meta({ description, ...meta }) as T;
}

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
  items?: { type?: string };
}

/** The keys of a config schema with their metadata, in declaration order. */
export function configKeys(schema: z.ZodObject): ConfigKeyInfo[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, JsonProperty>;
  };
  return Object.entries(json.properties).map(([name, prop]) => ({
    key: name,
    env: prop.env ?? '',
    secret: prop.secret === true,
    type: prop.enum
      ? prop.enum.join(' | ')
      : prop.type === 'array'
        ? `${prop.items?.type ?? 'string'} list (comma-separated in env)`
        : (prop.format ?? prop.type ?? 'string'),
    description: prop.description ?? '',
    default: prop.default,
  }));
}
