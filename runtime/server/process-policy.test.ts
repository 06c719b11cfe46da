import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

// In a real process, since the test runner has its own handlers for unhandled rejections.
const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'process-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runChild(installPolicy: boolean) {
  const entry = path.join(dir, `child-${installPolicy}.ts`);
  writeFileSync(
    entry,
    `import { keepServingOnUnhandledRejections } from ${JSON.stringify(path.join(here, 'process-policy.ts'))};
     if (${installPolicy}) keepServingOnUnhandledRejections((line) => process.stderr.write(line + '\\n'));
     void Promise.reject(new Error('a capture write failed'));
     setImmediate(() => setImmediate(() => { process.stdout.write('still serving\\n'); }));`,
  );
  const outfile = path.join(dir, `child-${installPolicy}.mjs`);
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
  return spawnSync(process.execPath, [outfile], { encoding: 'utf8' });
}

describe('keepServingOnUnhandledRejections', () => {
  it('logs a rejection nobody handled, with its stack, and the process goes on', async () => {
    const child = await runChild(true);
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('still serving\n');
    expect(child.stderr).toMatch(
      /unhandled rejection in a background task \(the server keeps serving\): Error: a capture write failed\n\s+at /,
    );
  });

  it('is what keeps it alive: without it, Node ends the process', async () => {
    const child = await runChild(false);
    expect(child.status).not.toBe(0);
    expect(child.stdout).toBe('');
  });
});
