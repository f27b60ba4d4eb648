import { z } from 'zod';

/**
 * Metadata every setting carries in a Ferry config schema: the environment variable that
 * sets it and whether it is secret (then `<ENV>_FILE` works too, and it is never printed).
 */
export interface KeyMeta {
  readonly env: string;
  readonly secret?: boolean;
  /** For list settings: what separates items in the environment variable (default ","). */
  readonly separator?: string;
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
  /** For list settings, the separator of items in the environment variable. */
  readonly separator: string | undefined;
}

interface JsonProperty {
  type?: string;
  enum?: string[];
  format?: string;
  description?: string;
  default?: unknown;
  env?: string;
  secret?: boolean;
  separator?: string;
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
        ? `${prop.items?.type ?? 'string'} list ("${prop.separator ?? ','}"-separated in env)`
        : (prop.format ?? prop.type ?? 'string'),
    description: prop.description ?? '',
    default: prop.default,
    separator: prop.type === 'array' ? (prop.separator ?? ',') : undefined,
  }));
}
