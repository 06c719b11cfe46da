// `npm test`: system packages, build, typecheck, lint, unit tests, e2e. Stops at the first failing
// stage and ends with one summary line ("tests: N passed, N failed") counting unit and e2e tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from './build.mjs';
import { ensureSystemDeps } from './system-deps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = mkdtempSync(path.join(os.tmpdir(), 'studio-test-'));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const counts = { passed: 0, failed: 0 };

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

function countVitest(file) {
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  counts.passed += report.numPassedTests ?? 0;
  counts.failed += report.numFailedTests ?? 0;
}

function countPlaywright(file) {
  if (!existsSync(file)) return;
  const stats = JSON.parse(readFileSync(file, 'utf8')).stats ?? {};
  counts.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  counts.failed += stats.unexpected ?? 0;
}

function finish(ok) {
  process.stdout.write(`\ntests: ${counts.passed} passed, ${counts.failed} failed\n`);
  process.exit(ok ? 0 : 1);
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
    stage('e2e tests (Chromium, web mode)', bin('playwright'), ['test', '--reporter=list,json'], {
      env: { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport },
    }),
];
const ok = stages.every((run) => run());
countVitest(vitestReport);
countPlaywright(playwrightReport);
finish(ok);
