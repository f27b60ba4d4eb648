import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The password-rule texts are the policy package's own catalogue (one wording for API and UI);
// only that pure module is bundled, never the policy engine.
const ruleMessages = fileURLToPath(
  new URL('../policy/src/messages/describe-rule.ts', import.meta.url),
);

export default defineConfig({
  base: '/',
  resolve: { alias: { '@ferry/rule-messages': ruleMessages } },
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  worker: { format: 'es' },
});
