// `npm test`: system packages, build, typecheck, lint, unit tests, e2e. Stops at the first failing
// stage and ends with one summary line ("tests: N passed, N failed") counting unit and e2e tests.
//
// A test that passed only on a retry is flaky: it counts as failed, is listed by name before the
// summary, and makes the run exit 1. Neither runner retries today (playwright.config.ts
// `retries: 0`, no `retry` in vitest.config.ts or in a test's options); this keeps a retry
// added later, or given on the command line, from hiding a test that fails some of the time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from './build.mjs';
import { ensureSystemDeps } from './system-deps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Counts of vitest's JSON report (`--reporter=json`). The report has no retry count: a test that
 * failed and then passed on a retry is `passed` with the failures of its earlier attempts in
 * `failureMessages`, which a test that passed at once never has (an `it.fails` test that failed as
 * expected has none either).
 */
export function countVitestReport(report, base = root) {
  const flaky = [];
  for (const file of report.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'passed' && (test.failureMessages ?? []).length > 0) {
        const titles = [...(test.ancestorTitles ?? []), test.title];
        flaky.push(`${path.relative(base, file.name ?? '')} > ${titles.join(' > ')}`);
      }
    }
  }
  return {
    passed: (report.numPassedTests ?? 0) - flaky.length,
    failed: (report.numFailedTests ?? 0) + flaky.length,
    flaky,
  };
}

/** Counts of Playwright's JSON report: its `flaky` tests (passed on a retry) count as failed. */
export function countPlaywrightReport(report) {
  const stats = report.stats ?? {};
  const flaky = [];
  // Suites nest: the spec file (titled by its path), then its describe blocks.
  const walk = (suite, titles) => {
    const here = suite.title ? [...titles, suite.title] : titles;
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'flaky') continue;
        const project = test.projectName ? ` [${test.projectName}]` : '';
        flaky.push(`${[...here, spec.title].join(' > ')}${project}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child, here);
  };
  for (const suite of report.suites ?? []) walk(suite, []);
  const flakyCount = Math.max(stats.flaky ?? 0, flaky.length);
  return { passed: stats.expected ?? 0, failed: (stats.unexpected ?? 0) + flakyCount, flaky };
}

/**
 * What `npm test` prints at the end and its exit code: the flaky tests by name, then the summary
 * line. `ok`: every stage succeeded; a flaky test still fails the run.
 */
export function summarize(ok, { vitest, playwright } = {}) {
  const counts = { passed: 0, failed: 0 };
  const flaky = [];
  for (const [kind, counted] of [
    ['unit', vitest && countVitestReport(vitest)],
    ['e2e', playwright && countPlaywrightReport(playwright)],
  ]) {
    if (!counted) continue;
    counts.passed += counted.passed;
    counts.failed += counted.failed;
    flaky.push(...counted.flaky.map((name) => `${kind}: ${name}`));
  }
  const lines = [];
  if (flaky.length > 0) {
    lines.push('', `✖ ${flaky.length} flaky test(s) (passed only on a retry), counted as failed:`);
    lines.push(...flaky.map((name) => `  - ${name}`));
  }
  lines.push('', `tests: ${counts.passed} passed, ${counts.failed} failed`);
  return { text: `${lines.join('\n')}\n`, exitCode: ok && flaky.length === 0 ? 0 : 1, flaky };
}

function readReport(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

async function main() {
  const reports = mkdtempSync(path.join(os.tmpdir(), 'studio-test-'));
  const bin = (name) => path.join(root, 'node_modules', '.bin', name);

  function stage(title, command, args, { env } = {}) {
    process.stderr.write(`\n▶ ${title}\n`);
    const started = Date.now();
    const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (result.status !== 0) {
      process.stderr.write(`✖ ${title} failed after ${seconds} s\n`);
      return false;
    }
    process.stderr.write(`✔ ${title} (${seconds} s)\n`);
    return true;
  }

  const missing = ensureSystemDeps().filter((dep) => !dep.optional);
  if (missing.length > 0) {
    const packages = [...new Set(missing.flatMap((dep) => dep.apt.split(' ')))].join(' ');
    process.stderr.write(
      `Missing ${missing.map((d) => d.what).join(', ')}: install with \`sudo apt-get install ${packages}\`\n`,
    );
    process.exit(2);
  }

  await buildIfNeeded({ quiet: false });
  const vitestReport = path.join(reports, 'vitest.json');
  const playwrightReport = path.join(reports, 'playwright.json');
  const withKeyring = path.join(root, 'scripts', 'with-keyring.sh');

  const stages = [
    () => stage('typecheck', 'node', [path.join(root, 'scripts', 'typecheck.mjs')]),
    () => stage('lint', 'npm', ['run', '--silent', 'lint']),
    // The keychain tests use the real Secret Service: a private D-Bus session with gnome-keyring.
    () =>
      stage('unit tests', withKeyring, [
        bin('vitest'),
        'run',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${vitestReport}`,
      ]),
    () =>
      stage(
        'e2e tests (Chromium, web mode)',
        bin('playwright'),
        ['test', '--reporter=list,json', '--fail-on-flaky-tests'],
        { env: { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport } },
      ),
  ];
  const ok = stages.every((run) => run());
  const summary = summarize(ok, { vitest: readReport(vitestReport), playwright: readReport(playwrightReport) });
  process.stdout.write(summary.text);
  process.exit(summary.exitCode);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
