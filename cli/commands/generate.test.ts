import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateReport } from '../../core/generate/generate-report';
import { parseRecordedEvents } from '../../shared/engine';
import { generateEvents } from '../../shared/hooks/event-generator';

// `generate` as a user runs it: the real CLI in a child process, its saved file imported by the
// real `events import` into a fresh workspace.
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'pipeline-studio.mjs');
let tmp: string;

function cli(...args: string[]) {
  const result = spawnSync('node', [bin, ...args], { encoding: 'utf8', cwd: tmp, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const target = path.join(tmp, name);
  writeFileSync(target, text);
  return target;
}

/** The longest deadline, so that a loaded machine cannot turn a result into a TIMEOUT. */
const slow = ['--timeout-ms', '10000'];

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'cli-generate-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('generate', () => {
  it('reports each crash as NDJSON, then a summary; --save writes events that events import takes', () => {
    const script = file('name-length.lua', 'if #event.user.name > 0 then return true end\nreturn true');
    const saved = path.join(tmp, 'failing.ndjson');
    const { code, stdout } = cli(
      'generate',
      script,
      '--hook',
      'signup.before',
      '--count',
      '60',
      '--seed',
      '9',
      ...slow,
      '--json',
      '--save',
      saved,
    );
    expect(code).toBe(1);
    const nameless = [...generateEvents('signup.before', 9, 60)].filter(
      (e) => (e.event.user as Record<string, unknown>).name === undefined,
    );
    expect(nameless.length).toBeGreaterThan(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(nameless.length + 1);
    expect(lines.slice(0, -1).map((l) => l.index)).toEqual(nameless.map((e) => e.index));
    for (const line of lines.slice(0, -1)) {
      expect(line).toMatchObject({
        kind: 'crash',
        error: { code: 'RUNTIME_ERROR', line: 1 },
        recorded: { hook: 'signup.before' },
      });
    }
    expect(lines.at(-1)).toMatchObject({
      summary: { hook: 'signup.before', seed: 9, events: 60, failures: nameless.length, crashes: nameless.length },
    });

    const parsed = parseRecordedEvents(readFileSync(saved, 'utf8'));
    expect(parsed.problems).toEqual([]);
    expect(parsed.events.map((e) => e.event)).toEqual(nameless.map((e) => e.event));
    const data = path.join(tmp, 'data');
    mkdirSync(data);
    const imported = cli('events', 'import', saved, '--data', data, '--strict');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: nameless.length, duplicates: 0, problems: [] });
  });

  it('exits 0 with a human summary when nothing fails, the same for the same seed', () => {
    const script = file('enrich.lua', 'return { checked = true }');
    const first = cli('generate', script, '--hook', 'token.enrich', '--count', '40', '--seed', '5', ...slow);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('40 events of token.enrich (seed 5): 0 failed');
    expect(first.stdout).toContain('decisions: allow 0, deny 0, data 40');
    expect(cli('generate', script, '--hook', 'token.enrich', '--count', '40', '--seed', '5', ...slow).stdout).toBe(
      first.stdout,
    );
  });

  it("runs a bundle folder's pipeline for the hook", () => {
    const example = path.join(root, 'examples', 'acme-auth');
    const run = cli('generate', example, '--hook', 'signup.before', '--count', '30', '--seed', '1', '--json');
    const { summary } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { summary: GenerateReport };
    expect(summary).toMatchObject({ events: 30, decisions: { allow: 30 - summary.failures } });
    // The bundle's own 1 s deadline applies: on a loaded machine an event may time out.
    expect(summary.failures).toBe(summary.limits.TIMEOUT ?? 0);
    expect(run.code).toBe(summary.failures > 0 ? 1 : 0);
  });

  it.each([
    [['--hook', 'signup.before'], 'a script file or a bundle folder is required'],
    [['allow.lua'], '--hook <id> is required'],
    [['allow.lua', '--hook', 'nope'], "unknown hook 'nope'"],
    [['allow.lua', '--hook', 'signup.before', '--count', '10001'], '--count must be a whole number from 1 to 10000'],
    [['allow.lua', '--hook', 'signup.before', '--seed', '1.5'], '--seed must be a whole number'],
    [['missing.lua', '--hook', 'signup.before'], 'cannot read missing.lua'],
    [
      [path.join(root, 'examples', 'acme-auth'), '--hook', 'signin.before'],
      'the pipeline runs no script at signin.before',
    ],
  ])('exits 2 on bad usage: %j', (args, message) => {
    file('allow.lua', 'return true');
    const { code, stderr } = cli('generate', ...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
