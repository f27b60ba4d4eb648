import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifySchemaCompiler,
  FastifyTypeProvider,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { z } from 'zod';

/**
 * Route schemas are zod schemas: zod validates requests, shapes responses (a response schema
 * is an allow-list, so a stray column cannot leak), and renders the OpenAPI document.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema }) => {
  return (data) => {
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: result.error };
  };
};

export const zodSerializerCompiler: FastifySerializerCompiler<z.ZodType> = ({ schema }) => {
  return (data) => JSON.stringify(schema.parse(data));
};

const requestParts = ['body', 'querystring', 'params', 'headers'] as const;

function isZod(value: unknown): value is z.ZodType {
  return value instanceof z.ZodType;
}

/** @fastify/swagger `transform`: zod schemas to OpenAPI 3.0 JSON Schema. */
export function zodToOpenApi({ schema, url }: { schema: unknown; url: string }): {
  schema: Record<string, unknown>;
  url: string;
} {
  if (!schema || typeof schema !== 'object') return { schema: {}, url };
  const out: Record<string, unknown> = { ...(schema as Record<string, unknown>) };
  for (const part of requestParts) {
    const value = out[part];
    if (isZod(value)) out[part] = z.toJSONSchema(value, { target: 'openapi-3.0', io: 'input' });
  }
  const response = out['response'];
  if (response && typeof response === 'object') {
    const converted: Record<string, unknown> = {};
    for (const [status, value] of Object.entries(response)) {
      converted[status] = isZod(value)
        ? z.toJSONSchema(value, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' })
        : value;
    }
    out['response'] = converted;
  }
  return { schema: out, url: url.replace(/:([A-Za-z]+)/g, '{$1}') };
}

/** Types request parts and replies from the route's zod schemas. */
export interface ZodTypeProvider extends FastifyTypeProvider {
  readonly validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  readonly serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;
