// Regenerates the docs pages that are derived from code (`npm run docs`). Tests compare the
// committed pages with what this would write, so a registry or schema change without its
// page fails CI.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderAgentConfigDoc } from '@ferry/agent';
import { renderConfigDoc } from '@ferry/cloud';
import { renderAgentProtocolSchema, renderErrorsDoc } from '@ferry/protocol';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const pages: Record<string, () => string | Promise<string>> = {
  'docs/errors.md': renderErrorsDoc,
  'docs/config.md': renderConfigDoc,
  'docs/agent-config.md': renderAgentConfigDoc,
  'packages/protocol/agent-protocol.schema.json': renderAgentProtocolSchema,
};

for (const [file, render] of Object.entries(pages)) {
  writeFileSync(path.join(root, file), await render());
  console.log(`wrote ${file}`);
}
