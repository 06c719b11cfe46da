import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs build script, without declarations
import { buildTypes } from '../../scripts/build-types.mjs';

// A host written in TypeScript imports the plugin and the runtime by the package's entry points
// (package.json "exports": `pipeline-studio/better-auth`, `pipeline-studio/runtime`) and gets
// their types: the declarations are built, then a small host is compiled against them with tsc.
// The host sits inside this package (dist/, ignored by git), so that the package's self-reference
// resolves its own exports as a dependency would in a host's node_modules.

const root = fileURLToPath(new URL('../..', import.meta.url));
const hostDir = path.join(root, 'dist', `types-host-${process.pid}`);
afterAll(() => rmSync(hostDir, { recursive: true, force: true }));

const host = `import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { jwt } from 'better-auth/plugins';
import { createRuntime, type Runtime } from 'pipeline-studio/runtime';
import { pipelineStudio, type PipelineStudioOptions } from 'pipeline-studio/better-auth';

const runtime: Runtime = await createRuntime({ dataDir: './runtime-data', config: { source: 'production' } });
const options: PipelineStudioOptions = { runtime, failureMode: { 'signin.before': 'allow' }, timeoutMs: 1500 };
const pipeline = pipelineStudio(options);
export const auth = betterAuth({
  database: new Database('auth.db'),
  emailAndPassword: { enabled: true },
  plugins: [pipeline, jwt({ jwt: { definePayload: pipeline.definePayload } })],
});
const answer = await runtime.runHook('signup.before', { request: { ip: '203.0.113.7' }, user: { email: 'a@b.c' } });
export const traceId: string = answer.traceId;

// The types are real, not \`any\`: each of these must be an error.
// @ts-expect-error not a hook whose failure mode can be set
pipelineStudio({ runtime, failureMode: { 'signin.maybe': 'allow' } });
// @ts-expect-error the failure mode is deny or allow
pipelineStudio({ runtime, failureMode: 'ignore' });
// @ts-expect-error runHook answers a promise
runtime.runHook('signup.before', {}).traceId;
`;

describe('the package entry points for TypeScript hosts', () => {
  it('compile a host against pipeline-studio/better-auth and pipeline-studio/runtime with their types', () => {
    buildTypes();
    mkdirSync(hostDir, { recursive: true });
    writeFileSync(path.join(hostDir, 'host.ts'), host);
    writeFileSync(
      path.join(hostDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'bundler',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [path.join(root, 'node_modules', '@types')],
        },
        files: ['host.ts'],
      }),
    );
    const tsc = spawnSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', hostDir], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);
});
