import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../core/store';
import { signupEvents } from '../../core/replay/testing/replay-fixtures';
import { bin, useCliSandbox } from './workspace-cli-harness';

// `replay --workspace` as a user runs it and stops it: the real CLI in a child process, a real
// workspace (SQLite) with a slow pipeline and many events, Ctrl-C or SIGTERM sent once the run has
// shown that it is under way (its first output), never after a delay.

const sandbox = useCliSandbox('cli-replay-');
const eventCount = 400;

/**
 * A workspace whose one script never returns, with a 100 ms limit: every event ends TIMEOUT, never
 * sooner than its limit, so the 400 events take seconds on any machine and the test can stop the
 * run while it goes without a workload sized to be slow.
 */
function slowWorkspace(): string {
  const data = sandbox.path('data');
  const bundle = sandbox.path('bundle');
  mkdirSync(path.join(bundle, 'scripts'), { recursive: true });
  writeFileSync(path.join(bundle, 'scripts', 'slow.lua'), 'while true do end\n');
  writeFileSync(
    path.join(bundle, 'pipeline.json'),
    JSON.stringify({
      format: 'pipeline-studio/bundle@1',
      name: 'slow',
      scripts: { slow: { file: 'scripts/slow.lua', timeoutMs: 100 } },
      hooks: { 'signup.before': { layers: [['slow']] } },
    }),
  );
  const events = sandbox.path('events.ndjson');
  writeFileSync(
    events,
    signupEvents(eventCount)
      .map((event) => JSON.stringify(event))
      .join('\n'),
  );
  expect(sandbox.cli(['import', bundle, '--data', data]).code).toBe(0);
  expect(sandbox.cli(['events', 'import', events, '--data', data]).code).toBe(0);
  return data;
}

interface Stopped {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the replay, sends `signal` once `started(stdout, stderr)` holds, and waits for the exit. */
function replayAndStop(
  args: string[],
  signal: NodeJS.Signals,
  started: (stdout: string, stderr: string) => boolean,
): Promise<Stopped> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [bin, 'replay', '--workspace', ...args], {
      cwd: sandbox.base,
      env: { ...process.env, XDG_CONFIG_HOME: path.join(sandbox.base, 'xdg-config') },
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const check = () => {
      if (!sent && started(stdout, stderr)) {
        sent = true;
        child.kill(signal);
      }
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      check();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      check();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function storedRun(data: string) {
  const workspace = Workspace.open({ dir: data });
  try {
    const [run] = workspace.replays.list();
    if (!run) throw new Error('no run stored');
    return { run, ids: workspace.replays.results(run.id).map((result) => result.line.id) };
  } finally {
    workspace.close();
  }
}

describe('replay --workspace stopped by a signal', { timeout: 180_000 }, () => {
  it('Ctrl-C: the run is stored cancelled with exactly the events that finished, exit 130', async () => {
    const data = slowWorkspace();
    const result = await replayAndStop(['--json', '--data', data], 'SIGINT', (stdout) => stdout.includes('\n'));
    expect(result.code).toBe(130);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id?: string; summary?: { events: number }; status?: string });
    const printed = lines.filter((line) => line.id !== undefined).map((line) => line.id);
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ status: 'cancelled', total: eventCount, summary: { events: printed.length } });
    expect(result.stderr).toContain('SIGINT: stopping after the events in flight');

    const { run, ids } = storedRun(data);
    expect(run).toMatchObject({ status: 'cancelled', label: 'cli', environment: 'staging', total: eventCount });
    expect(run.summary?.events).toBe(printed.length);
    expect(printed.length).toBeGreaterThan(0);
    expect(printed.length).toBeLessThan(eventCount);
    // Stored exactly what finished (and was printed), in input order.
    expect(ids).toEqual(printed);
    expect(ids).toEqual(signupEvents(printed.length).map((event) => event.id));
  });

  it('SIGTERM: the summary says "cancelled after N of M", exit 143', async () => {
    const data = slowWorkspace();
    // Without --json only mismatches are printed: the progress line on stderr shows the run is going.
    const result = await replayAndStop(['--data', data], 'SIGTERM', (_, stderr) => /replay: \d+\/400/.test(stderr));
    expect(result.code).toBe(143);
    const { run, ids } = storedRun(data);
    expect(run.status).toBe('cancelled');
    expect(ids.length).toBeLessThan(eventCount);
    expect(result.stdout).toContain(`cancelled after ${ids.length} of ${eventCount} events: ${ids.length} events:`);
  });
});

describe('replay --workspace when the store fails mid-run', { timeout: 60_000 }, () => {
  it("ends the run failed with the store's message, keeps what was stored, exit 1", () => {
    const data = sandbox.path('data');
    const events = sandbox.path('events.ndjson');
    writeFileSync(
      events,
      signupEvents(50)
        .map((event) => JSON.stringify(event))
        .join('\n'),
    );
    expect(sandbox.cli(['events', 'import', events, '--data', data]).code).toBe(0);
    // The workspace's own SQLite refuses every result from the 20th on, as a full disk would refuse
    // them: a real failure of the real store in the CLI's process.
    const db = new Database(path.join(data, 'workspace.db'));
    try {
      db.exec(`CREATE TRIGGER refuse_results BEFORE INSERT ON replay_results WHEN NEW.position >= 20
        BEGIN SELECT RAISE(ABORT, 'the test refuses this write'); END;`);
    } finally {
      db.close();
    }
    const result = sandbox.cli(['replay', '--workspace', '--json', '--data', data]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the test refuses this write');
    const { run, ids } = storedRun(data);
    expect(run.status).toBe('failed');
    expect(run.message).toContain('the test refuses this write');
    expect(ids.length).toBeLessThan(50);
    expect(ids).toEqual(signupEvents(ids.length).map((event) => event.id));
  });
});

describe('replay --workspace refusals', { timeout: 60_000 }, () => {
  it('exits 2 with a clear message for an unknown --env, storing no run', () => {
    const data = sandbox.path('data');
    const events = sandbox.path('events.ndjson');
    writeFileSync(
      events,
      signupEvents(2)
        .map((event) => JSON.stringify(event))
        .join('\n'),
    );
    expect(sandbox.cli(['events', 'import', events, '--data', data]).code).toBe(0);
    const result = sandbox.cli(['replay', '--workspace', '--env', 'mars', '--data', data]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'pipeline-studio: replay: there is no environment "mars" in this workspace (see env list)\n',
    );
    expect(result.stdout).toBe('');
    const workspace = Workspace.open({ dir: data });
    try {
      expect(workspace.replays.list()).toEqual([]);
    } finally {
      workspace.close();
    }
  });

  it('replays the whole library to a stored done run', () => {
    const data = sandbox.path('data');
    const events = sandbox.path('events.ndjson');
    writeFileSync(
      events,
      signupEvents(5)
        .map((event) => JSON.stringify(event))
        .join('\n'),
    );
    expect(sandbox.cli(['events', 'import', events, '--data', data]).code).toBe(0);
    const result = sandbox.cli(['replay', '--workspace', '--json', '--data', data]);
    // No script yet: every event is allowed, and the two recorded denials are mismatches.
    expect(result.code).toBe(1);
    const last = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    expect(last).toEqual({ summary: expect.objectContaining({ events: 5, allowed: 5, mismatches: 2 }) });
    expect(storedRun(data).run).toMatchObject({ status: 'done', summary: { events: 5, mismatches: 2 } });
  });
});
