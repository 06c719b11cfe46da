import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error scripts/test.mjs is plain JavaScript without declarations
import { countPlaywrightReport, countVitestReport, summarize } from './test.mjs';

// How `npm test` (scripts/test.mjs) counts: real reports of both runners, made here by running
// each on a small folder of tests where one passes only on its retry, one always passes and one
// always fails. A test that passed only on a retry is a failure, named, and fails the run.

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
let folder = '';
let vitestReport: unknown;
let playwrightReport: unknown;

/** The environment without the outer vitest's variables, so the inner runs behave as top-level ones. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^VITEST|^TEST$/.test(key)) env[key] = value;
  return { ...env, ...extra };
}

beforeAll(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), 'test-report-'));
  const unit = path.join(folder, 'unit');
  const e2e = path.join(folder, 'e2e');
  mkdirSync(unit);
  mkdirSync(e2e);
  // Module state survives vitest's retries (same process): the first attempt fails, the second passes.
  writeFileSync(
    path.join(unit, 'sample.test.ts'),
    `let attempts = 0;
describe('group', () => {
  it('passes on its retry', { retry: 2 }, () => {
    attempts++;
    if (attempts < 2) throw new Error('first attempt fails');
  });
  it('always passes', () => {});
  it('always fails', () => {
    throw new Error('always');
  });
  it.fails('fails as expected', () => {
    throw new Error('expected');
  });
});
`,
  );
  const vitestOut = path.join(folder, 'vitest.json');
  spawnSync(
    bin('vitest'),
    ['run', '--root', unit, '--globals', '--reporter=json', `--outputFile.json=${vitestOut}`, 'sample.test.ts'],
    { cwd: unit, env: cleanEnv(), encoding: 'utf8' },
  );
  vitestReport = JSON.parse(readFileSync(vitestOut, 'utf8')) as unknown;

  // Playwright retries in a new worker: testInfo.retry tells the attempts apart. No page is used,
  // so no browser starts.
  symlinkSync(path.join(root, 'node_modules'), path.join(e2e, 'node_modules'), 'dir');
  writeFileSync(
    path.join(e2e, 'sample.spec.ts'),
    `import { expect, test } from '@playwright/test';
test.describe('group', () => {
  test('passes on its retry', ({}, testInfo) => {
    expect(testInfo.retry).toBe(1);
  });
  test('always passes', () => {});
  test('always fails', () => {
    expect(1).toBe(2);
  });
});
`,
  );
  const playwrightOut = path.join(folder, 'playwright.json');
  spawnSync(bin('playwright'), ['test', '--reporter=json', '--retries=1', '--workers=1', 'sample.spec.ts'], {
    cwd: e2e,
    env: cleanEnv({ PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightOut }),
    encoding: 'utf8',
  });
  playwrightReport = JSON.parse(readFileSync(playwrightOut, 'utf8')) as unknown;
}, 60_000);

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('npm test counts a test that passed only on a retry as failed', () => {
  it('in vitest’s report', () => {
    expect(countVitestReport(vitestReport, path.join(folder, 'unit'))).toEqual({
      passed: 2, // always passes, fails as expected
      failed: 2, // always fails, passes on its retry
      flaky: ['sample.test.ts > group > passes on its retry'],
    });
  });

  it('in Playwright’s report', () => {
    expect(countPlaywrightReport(playwrightReport)).toEqual({
      passed: 1,
      failed: 2,
      flaky: ['sample.spec.ts > group > passes on its retry'],
    });
  });

  it('names the flaky tests and fails the run, even when every stage succeeded', () => {
    const summary = summarize(true, { vitest: vitestReport, playwright: playwrightReport }) as {
      text: string;
      exitCode: number;
    };
    expect(summary.exitCode).toBe(1);
    expect(summary.text).toContain('2 flaky test(s) (passed only on a retry), counted as failed:');
    expect(summary.text).toMatch(/ {2}- unit: .*sample\.test\.ts > group > passes on its retry\n/);
    expect(summary.text).toContain('  - e2e: sample.spec.ts > group > passes on its retry\n');
    expect(summary.text.trimEnd().split('\n').pop()).toBe('tests: 3 passed, 4 failed');
  });

  it('passes a run without flaky tests', () => {
    const clean = { stats: { expected: 3, unexpected: 0, flaky: 0, skipped: 0 }, suites: [] };
    const summary = summarize(true, { playwright: clean }) as { text: string; exitCode: number };
    expect(summary).toEqual({ text: '\ntests: 3 passed, 0 failed\n', exitCode: 0, flaky: [] });
    expect(summarize(false, { playwright: clean })).toMatchObject({ exitCode: 1 });
  });
});
