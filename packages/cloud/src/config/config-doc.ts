import { renderConfigTable } from '@ferry/config';
import { configSchema } from './schema.js';

/** Renders docs/config.md from the config schema; a test keeps the committed page equal. */
export function renderConfigDoc(): string {
  const lines = [
    '# Cloud configuration',
    '',
    'Generated from `packages/cloud/src/config/schema.ts` by `npm run docs`; a test fails when',
    'this page and the schema differ.',
    '',
    'Each setting comes from its default, then from the JSON or YAML file named by',
    '`FERRY_CONFIG` (keys as in the first column), then from its environment variable.',
    'Secret settings also accept `<VARIABLE>_FILE`, the path of a file holding the value, and',
    'are never logged. An invalid value stops the cloud before it listens, with a message that',
    'names the key (exit code 78).',
    '',
  ];
  lines.push(...renderConfigTable(configSchema));
  return lines.join('\n') + '\n';
}
