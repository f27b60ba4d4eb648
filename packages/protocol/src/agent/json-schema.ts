import { z } from 'zod';
import { AGENT_PROTOCOL_VERSION } from './protocol-version.js';
import { agentMessageSchema, cloudMessageSchema } from './messages.js';
import { operationRequestSchema, operationSecretsSchema } from './operation.js';
import { syncBatchSchema } from './sync.js';

/**
 * The agent protocol as JSON Schema (draft 2020-12), for peers written in other languages and
 * for review of wire changes: `packages/protocol/agent-protocol.schema.json` is generated from
 * the zod schemas by `npm run docs`, and a test fails when the committed file differs.
 */
export function renderAgentProtocolSchema(): string {
  const definitions = {
    AgentMessage: agentMessageSchema,
    CloudMessage: cloudMessageSchema,
    OperationRequest: operationRequestSchema,
    OperationSecrets: operationSecretsSchema,
    SyncBatch: syncBatchSchema,
  };
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `Ferry agent protocol v${AGENT_PROTOCOL_VERSION}`,
    $defs: Object.fromEntries(
      Object.entries(definitions).map(([name, definition]) => [
        name,
        z.toJSONSchema(definition, { target: 'draft-2020-12', unrepresentable: 'any' }),
      ]),
    ),
  };
  return JSON.stringify(schema, null, 2) + '\n';
}
