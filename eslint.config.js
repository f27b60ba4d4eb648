import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The cloud's domain modules: they hold the rules, the HTTP layer only translates to them. */
const cloudDomain = [
  'audit',
  'auth',
  'crypto',
  'directory',
  'me',
  'metrics',
  'notify',
  'oidc',
  'password-checks',
  'relay',
  'sspr',
  'store',
  'sync',
  'util',
  'verification',
].map((dir) => `packages/cloud/src/${dir}/**/*.ts`);

/** `cloud` and `agent` meet only through `@ferry/protocol`: neither imports the other. */
const otherSide = (name) => ({
  group: [`@ferry/${name}`, `@ferry/${name}/*`, `**/${name}/src/**`, `**/packages/${name}/**`],
  message: `cloud and agent meet only through @ferry/protocol (docs/architecture.md).`,
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.lab/**', 'data/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        // Two TypeScript programs, the ones `npm run typecheck` and the web build check: every
        // package's sources and tests, bench and scripts; and the web app (DOM, bundler).
        // (`projectService` would look for each file's nearest tsconfig.json, and the package
        // tsconfigs leave the tests out: it found half the files and took longer.)
        project: ['./tsconfig.check.json', './packages/web/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // A promise nobody awaits loses its error; `void` marks the few that are fire-and-forget
      // on purpose, with the reason beside it.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test collects these itself and reports their failures.
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: [
                'test',
                'it',
                'describe',
                'suite',
                'before',
                'after',
                'beforeEach',
                'afterEach',
              ],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Plain JavaScript and the Vite config are in neither program: syntax rules only.
    files: ['**/*.js', '**/*.mjs', 'packages/web/vite.config.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['packages/web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    ...reactHooks.configs.flat.recommended,
  },
  {
    files: cloudDomain,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/http/**', '**/http/*.js'],
              message:
                'Domain modules do not import the HTTP layer: take what you need as parameters.',
            },
            otherSide('agent'),
          ],
        },
      ],
    },
  },
  {
    files: ['packages/cloud/**/*.ts'],
    ignores: cloudDomain,
    rules: { 'no-restricted-imports': ['error', { patterns: [otherSide('agent')] }] },
  },
  {
    files: ['packages/agent/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [otherSide('cloud')] }] },
  },
);
