import { renderConfigTable } from '@ferry/config';
import { agentConfigSchema } from './agent-config.js';

/** Renders docs/agent-config.md from the agent's config schema; a test keeps them equal. */
export function renderAgentConfigDoc(): string {
  return (
    [
      '# Agent configuration',
      '',
      'Generated from `packages/agent/src/config/agent-config.ts` by `npm run docs`; a test fails',
      'when this page and the schema differ.',
      '',
      'Each setting comes from its default, then from the JSON or YAML file named by',
      '`--config`, else `FERRY_AGENT_CONFIG`, else `/etc/ferry/agent.yaml` when it exists, then',
      'from its environment variable (lists: comma-separated). A secret setting is given in the',
      'file as `<key>File` (e.g. `bindPasswordFile: /etc/ferry/bind-password`), in the',
      'environment as `<VARIABLE>_FILE`, or directly. The cloud URL and the agent identity are',
      'not settings: `ferry-agent enroll` writes them into the state folder. An invalid value',
      'stops the agent with a message naming the key (exit code 78).',
      '',
      ...renderConfigTable(agentConfigSchema),
    ].join('\n') + '\n'
  );
}
