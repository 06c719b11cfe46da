import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { RecordedEvent } from '../../shared/engine';
import { signupEvents } from '../../core/replay/testing/replay-fixtures';
import { useTestRuntime } from '../../core/publish/testing/runtime-process';
import { requireRealKeychain } from '../../core/secrets/testing/real-keychain';
import { bin, exampleBundle, exampleEvents, useCliSandbox, type CliResult } from './workspace-cli-harness';

// `impact` as a user runs it: the real CLI in a child process, real bundle folders, a real
// reference runtime on loopback (published to, invoked, its captured events read back) and the
// real keychain for the environment's token (scripts/with-keyring.sh).

requireRealKeychain();

const sandbox = useCliSandbox('cli-impact-');
const { cli } = sandbox;
const startRuntime = useTestRuntime();

/** The example bundle with example.com added to the disposable domains: its sign-ups flip to deny. */
function strictCandidate(): string {
  const dir = sandbox.path('strict');
  cpSync(exampleBundle, dir, { recursive: true });
  const script = path.join(dir, 'scripts', 'block-disposable.lua');
  writeFileSync(
    script,
    `local domain = string.match(event.user.email, "@([^@]+)$")
if domain == "mailinator.com" or domain == "example.com" then
  return { allow = false, reason = "disposable email", code = "DISPOSABLE" }
end
return true
`,
  );
  return dir;
}

function ndjson(name: string, lines: string[]): string {
  const file = sandbox.path(name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function lines(result: CliResult): Record<string, unknown>[] {
  return result.stdout
    .trim()
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const signup = (id: string, email: string): RecordedEvent => ({
  id,
  hook: 'signup.before',
  event: { user: { email }, provider: 'email', request: { ip: '203.0.113.7' } },
});

describe('impact with a baseline folder and an events file', { timeout: 120_000 }, () => {
  it('prints each changed event and the summary, exit 1; bad lines by number; duplicates counted', () => {
    const candidate = strictCandidate();
    const events = ndjson('events', [
      JSON.stringify(signup('ok-1', 'ada@example.com')),
      '{ not json',
      JSON.stringify(signup('same', 'bob@other.org')),
      JSON.stringify(signup('ok-1', 'a-repeat@example.com')),
      JSON.stringify(signup('blocked', 'eve@mailinator.com')),
    ]);
    const result = cli(['impact', candidate, '--baseline', exampleBundle, '--events', events, '--json']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`${events}:2: `);
    expect(result.stderr).toContain('1 duplicate ids skipped');
    const [change, summary, ...rest] = lines(result);
    expect(rest).toEqual([]);
    expect(change).toEqual({
      id: 'ok-1',
      hook: 'signup.before',
      change: 'allow→deny',
      changes: ['allow→deny'],
      baseline: { allow: true },
      candidate: { allow: false, reason: 'disposable email', code: 'DISPOSABLE' },
      scripts: ['block-disposable'],
      baselineTraceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      candidateTraceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(summary).toEqual({
      summary: {
        events: 3,
        unchanged: 2,
        allowToDeny: 1,
        denyToAllow: 0,
        reasonChanged: 0,
        dataChanged: 0,
        newErrors: 0,
        fixedErrors: 0,
        changedErrors: 0,
        latencyMs: {
          baseline: { p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number) },
          candidate: { p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number) },
        },
      },
    });

    // Swapped: the same event, the other way round, in the human form.
    const back = cli(['impact', exampleBundle, '--baseline', candidate, '--events', events]);
    expect(back.code, back.stderr).toBe(1);
    expect(back.stdout).toMatch(
      /^ok-1 {2}signup\.before {2}deny→allow {2}deny "disposable email" → allow {2}\[block-disposable\]$/m,
    );
    expect(back.stdout).toMatch(/3 events: 2 unchanged, 0 allow→deny, 1 deny→allow/);
  });

  it('exit 0 when nothing changed', () => {
    const same = cli(['impact', exampleBundle, '--baseline', exampleBundle, '--events', exampleEvents, '--json']);
    expect(same.code, same.stderr).toBe(0);
    const [summary, ...rest] = lines(same);
    expect(rest).toEqual([]);
    expect(summary).toMatchObject({ summary: { events: 4, unchanged: 4 } });
  });

  it('exit 2 for bad usage, unreadable input and an invalid bundle', () => {
    const usage = (args: string[], message: RegExp) => {
      const result = cli(['impact', ...args]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    };
    usage(['--baseline', exampleBundle, '--events', exampleEvents], /candidate <bundle-dir> or --workspace/);
    usage([exampleBundle, '--events', exampleEvents], /--baseline <bundle-dir> or --env <name>/);
    usage([exampleBundle, '--baseline', exampleBundle], /--events <file> or --captured/);
    usage([exampleBundle, '--baseline', exampleBundle, '--captured'], /--captured needs --env/);
    usage([exampleBundle, '--env', 'staging', '--captured', '--since', 'yesterday'], /--since/);
    usage([exampleBundle, '--baseline', exampleBundle, '--events', sandbox.path('missing.ndjson')], /missing\.ndjson/);
    usage(
      [exampleBundle, '--baseline', exampleBundle, '--events', ndjson('garbage', ['nope', '[1'])],
      /no valid event/,
    );
    const broken = sandbox.path('broken');
    mkdirSync(broken);
    writeFileSync(path.join(broken, 'pipeline.json'), '{ not json');
    usage([broken, '--baseline', exampleBundle, '--events', exampleEvents], /candidate .*PIPELINE_INVALID/);
    usage([exampleBundle, '--baseline', broken, '--events', exampleEvents], /baseline .*PIPELINE_INVALID/);
  });
});

describe('impact against a runtime', { timeout: 180_000 }, () => {
  it('--env takes the active bundle as the baseline and --captured the events the runtime captured', async () => {
    const runtime = await startRuntime({ studio: ['publish', 'events:read'], caller: ['invoke'] });
    const data = sandbox.path('ws');
    expect(cli(['import', exampleBundle, '--data', data]).code).toBe(0);
    expect(cli(['env', 'add', 'staging', '--url', runtime.url, '--data', data]).code).toBe(0);
    const stored = cli(['env', 'token', 'staging', '--data', data], { input: `${runtime.tokens.studio}\n` });
    expect(stored.code, stored.stderr).toBe(0);

    const candidate = strictCandidate();
    const nothingActive = cli(['impact', candidate, '--env', 'staging', '--events', exampleEvents, '--data', data]);
    expect(nothingActive.code).toBe(2);
    expect(nothingActive.stderr).toMatch(/staging has no active bundle/);

    const published = cli(['publish', '--workspace', '--env', 'staging', '--message', 'v1', '--data', data]);
    expect(published.code, published.stderr).toBe(0);
    const emails = ['ada@example.com', 'bob@other.org', 'eve@mailinator.com', 'cy@example.com'];
    for (const email of emails) {
      const answer = await runtime.api('POST', '/v1/hooks/signup.before', {
        token: runtime.tokens.caller ?? '',
        body: { event: signup('x', email).event },
      });
      expect(answer.status).toBe(200);
    }
    // Capture writes in the background: wait until the runtime lists every invocation.
    await vi.waitFor(
      async () => {
        const listed = await runtime.api('GET', '/v1/events', { token: runtime.tokens.studio ?? '' });
        expect(listed.text.trim().split('\n').filter(Boolean)).toHaveLength(emails.length);
      },
      { timeout: 30_000, interval: 20 },
    );

    const result = cli([
      'impact',
      candidate,
      '--env',
      'staging',
      '--captured',
      '--since',
      '1h',
      '--json',
      '--data',
      data,
    ]);
    expect(result.code, result.stderr).toBe(1);
    const printed = lines(result);
    const changes = printed.filter((line) => line.id !== undefined);
    // Redacted addresses keep their domain: the two example.com sign-ups flip.
    expect(changes.map((line) => [line.change, line.candidate])).toEqual([
      ['allow→deny', { allow: false, reason: 'disposable email', code: 'DISPOSABLE' }],
      ['allow→deny', { allow: false, reason: 'disposable email', code: 'DISPOSABLE' }],
    ]);
    expect(printed.at(-1)).toMatchObject({ summary: { events: 4, unchanged: 2, allowToDeny: 2 } });

    // The workspace's own pipeline is what was published: no change against the runtime.
    const same = cli(['impact', '--workspace', '--env', 'staging', '--captured', '--data', data]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/^4 events: 4 unchanged/);

    // A baseline folder with the runtime's captured events.
    const mixed = cli([
      'impact',
      candidate,
      '--baseline',
      exampleBundle,
      '--env',
      'staging',
      '--captured',
      '--data',
      data,
    ]);
    expect(mixed.code, mixed.stderr).toBe(1);
    expect(mixed.stdout).toMatch(/4 events: 2 unchanged, 2 allow→deny/);
  });
});

/** A candidate whose script never returns (100 ms limit): the run takes long on any machine. */
function slowCandidate(): string {
  const dir = sandbox.path('slow');
  mkdirSync(path.join(dir, 'scripts'), { recursive: true });
  writeFileSync(path.join(dir, 'scripts', 'slow.lua'), 'while true do end\n');
  writeFileSync(
    path.join(dir, 'pipeline.json'),
    JSON.stringify({
      format: 'pipeline-studio/bundle@1',
      name: 'slow',
      scripts: { slow: { file: 'scripts/slow.lua', timeoutMs: 100 } },
      hooks: { 'signup.before': { layers: [['slow']] } },
    }),
  );
  return dir;
}

describe('impact stopped by Ctrl-C', { timeout: 180_000 }, () => {
  it('prints the changes that finished and a summary marked cancelled, exit 130', async () => {
    const events = ndjson(
      'many',
      signupEvents(400).map((event) => JSON.stringify(event)),
    );
    const args = ['impact', slowCandidate(), '--baseline', exampleBundle, '--events', events, '--json'];
    const result = await new Promise<CliResult>((resolve, reject) => {
      const child = spawn('node', [bin, ...args], { cwd: sandbox.base });
      let stdout = '';
      let stderr = '';
      let sent = false;
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        // Stopped once the first change is out, never after a delay.
        if (!sent && stdout.includes('\n')) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('SIGINT: stopping after the events in flight');
    const printed = lines(result);
    const summary = printed.at(-1) as { summary: { events: number; cancelled: boolean; total: number } };
    expect(summary.summary).toMatchObject({ cancelled: true, total: 400 });
    expect(summary.summary.events).toBeLessThan(400);
    // Every event compared changed (each now times out), and each was printed.
    expect(printed.length - 1).toBe(summary.summary.events);
  });
});
