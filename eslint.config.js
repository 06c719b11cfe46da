import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Import boundaries (the folder of a file says which process it runs in and what it may import):
// - renderer/ is a browser page: no electron/, no core/ or cli/ or runtime/, no Node built-ins;
// - shared/ is used by every side: never renderer/ or electron/ (nor core/, cli/, runtime/);
// - shared/contract, shared/hooks and the pure engine must run anywhere: no Node built-ins either
//   (shared/engine/node/ is the engine's Node-side host and may use them);
// - runtime/ (the reference runtime server and library) runs on servers without the studio: it may
//   import shared/ and Node, never core/ (the studio's workspace), cli/, renderer/ or electron/;
// - integrations/ (plugins for auth frameworks, e.g. better-auth) and the example host apps in
//   examples/ run inside someone else's server: shared/, runtime/ and npm packages, never the studio
//   (core/, cli/, renderer/, electron/). Tests there drive the CLI as a child process, not by import.
// - core/ (the services behind the contract) runs in Electron's utility process, the web host and the
//   CLI alike: shared/ and Node only, never a host (cli/, electron/, renderer/) nor runtime/, which
//   it reaches over HTTP (its tests start the built runtime as a child process);
// - cli/ is a Node program over core/: never electron/ or renderer/. Its `runtime` command starts
//   the reference runtime server, so it may import exactly that command and its process I/O from
//   runtime/server/, nothing else of runtime/.
const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const noNodeBuiltins = { paths: nodeBuiltins.map((name) => ({ name, message: 'This code must run without Node.' })) };
const forbid = (group, message) => ({ group, message });

export const boundaryRules = {
  renderer: {
    ...noNodeBuiltins,
    patterns: [
      forbid(
        ['**/electron/**', 'electron', 'electron/*'],
        'The renderer talks to the core only through the contract client.',
      ),
      forbid(
        ['**/core/**', '**/cli/**', '**/runtime/**', '**/engine/node/**'],
        'Main-side code does not belong in the renderer.',
      ),
    ],
  },
  shared: {
    patterns: [
      forbid(
        ['**/renderer/**', '**/electron/**', 'electron', '**/core/**', '**/cli/**', '**/runtime/**'],
        'shared/ must not depend on a side.',
      ),
    ],
  },
  sharedPure: {
    ...noNodeBuiltins,
    patterns: [
      forbid(
        ['**/renderer/**', '**/electron/**', 'electron', '**/core/**', '**/cli/**', '**/runtime/**'],
        'shared/ must not depend on a side.',
      ),
      forbid(['**/engine/node/**', './node/*', './node'], 'The pure engine must not import its Node host.'),
    ],
  },
  // helpers.fetch's address policy is pure (shared/engine/node/helpers/address-policy.ts): no I/O,
  // no networking, so that its answers depend on the text alone.
  addressPolicy: {
    paths: [
      'net',
      'dns',
      'dns/promises',
      'tls',
      'http',
      'https',
      'http2',
      'dgram',
      'fs',
      'fs/promises',
      'child_process',
    ]
      .flatMap((name) => [name, `node:${name}`])
      .concat('undici')
      .map((name) => ({ name, message: 'The address policy is pure: networking and I/O belong in connector.ts.' })),
    patterns: [
      forbid(
        ['**/renderer/**', '**/electron/**', 'electron', '**/core/**', '**/cli/**', '**/runtime/**'],
        'shared/ must not depend on a side.',
      ),
    ],
  },
  runtime: {
    patterns: [
      forbid(
        ['**/core/**', '**/cli/**', '**/renderer/**', '**/electron/**', 'electron', 'electron/*'],
        'The runtime stands alone: it may import shared/ and Node, not the studio.',
      ),
    ],
  },
  core: {
    patterns: [
      forbid(
        ['**/cli/**', '**/cli', '**/renderer/**', '**/renderer', '**/electron/**', '**/electron', 'electron/*'],
        'core/ serves every host: it may import shared/ and Node, not a host (cli/, electron/, renderer/).',
      ),
      forbid(
        ['**/runtime/**', '**/runtime'],
        'core/ reaches the runtime over HTTP (core/publish/runtime-client.ts), never by import.',
      ),
    ],
  },
  cli: {
    patterns: [
      forbid(
        ['**/renderer/**', '**/renderer', '**/electron/**', '**/electron', 'electron/*'],
        'The CLI is a Node program over core/: no Electron and no renderer.',
      ),
      {
        // A regular expression, because a group pattern cannot allow a file inside a folder it refuses.
        regex: '^(?!(\\.\\./)+runtime/server/(command|process-io)$)(\\.\\./)+runtime(/|$)',
        message: 'The CLI imports only the runtime command (runtime/server/command, runtime/server/process-io).',
      },
    ],
  },
  integrations: {
    patterns: [
      forbid(
        ['**/core/**', '**/cli/**', '**/renderer/**', '**/electron/**', 'electron', 'electron/*'],
        'Integrations run in the host application: shared/, runtime/ and npm packages only, not the studio.',
      ),
    ],
  },
};

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'playwright-report/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', boundaryRules.renderer],
    },
  },
  { files: ['shared/**/*.ts'], rules: { 'no-restricted-imports': ['error', boundaryRules.shared] } },
  { files: ['runtime/**/*.ts'], rules: { 'no-restricted-imports': ['error', boundaryRules.runtime] } },
  {
    files: ['shared/engine/node/helpers/address-policy.ts'],
    rules: { 'no-restricted-imports': ['error', boundaryRules.addressPolicy] },
  },
  { files: ['core/**/*.ts'], rules: { 'no-restricted-imports': ['error', boundaryRules.core] } },
  { files: ['cli/**/*.ts'], rules: { 'no-restricted-imports': ['error', boundaryRules.cli] } },
  {
    files: ['integrations/**/*.{ts,mjs}', 'examples/**/*.{ts,mjs}'],
    rules: { 'no-restricted-imports': ['error', boundaryRules.integrations] },
  },
  {
    files: ['shared/contract/**/*.ts', 'shared/hooks/**/*.ts', 'shared/engine/**/*.ts'],
    ignores: ['shared/engine/node/**', 'shared/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', boundaryRules.sharedPure] },
  },
);
