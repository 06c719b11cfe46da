import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestRuntime, type TestRuntime } from '../../core/publish/testing/runtime-process';
import { invoke } from '../../core/rollout/testing/rollout-setup';
import { requireRealKeychain } from '../../core/secrets/testing/real-keychain';
import { tailItemSchema } from '../../shared/contract/rollout-channels';
import { jsonLine, samplingLine, tailLine } from './tail';
import { bin, exampleBundle, useCliSandbox } from './workspace-cli-harness';

// `tail` as a user runs it: a real CLI process following a real runtime's GET /v1/tail on
// loopback, with the real keychain (scripts/with-keyring.sh). Each test waits for what the child
// prints (its "following" line before invoking, then the invocations' lines), never for time.

requireRealKeychain();

const sandbox = useCliSandbox('cli-tail-');
const { cli } = sandbox;
const startRuntime = useTestRuntime();
const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill();
});

/** A `pipeline-studio` child left running; `until` waits for what it prints. */
function follow(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: sandbox.base,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDG_CONFIG_HOME: path.join(sandbox.base, 'xdg-config') },
  });
  running.push(child);
  const out = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const wake of waiters) wake();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out.stdout += chunk;
    changed();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    out.stderr += chunk;
    changed();
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  void closed.then(changed);
  return {
    child,
    out,
    closed,
    /** Resolves once `stream` holds a match of `pattern`; rejects if the child ends first. */
    until(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = out[stream].match(pattern);
          if (match) {
            waiters.delete(check);
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiters.delete(check);
            reject(new Error(`the CLI ended (${child.exitCode}) before ${pattern}: ${out.stderr}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

async function publishedWorkspace(): Promise<{ runtime: TestRuntime; data: string }> {
  const runtime = await startRuntime({
    studio: ['publish', 'secrets:write', 'events:read'],
    admin: ['invoke'],
  });
  const data = sandbox.path('ws');
  expect(cli(['import', exampleBundle, '--data', data]).code).toBe(0);
  expect(cli(['env', 'add', 'staging', '--url', runtime.url, '--data', data]).code).toBe(0);
  const stored = cli(['env', 'token', 'staging', '--data', data], { input: `${runtime.tokens.studio ?? ''}\n` });
  expect(stored.code, stored.stderr).toBe(0);
  const published = cli(['publish', '--workspace', '--env', 'staging', '--message', 'first', '--data', data]);
  expect(published.code, published.stderr).toBe(0);
  return { runtime, data };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// The bound only catches a hang: a loaded machine runs these child processes slowly.
describe('tail from the command line', { timeout: 180_000 }, () => {
  it('prints the invocations that pass the filter as they finish, until Ctrl-C (130)', async () => {
    const { runtime, data } = await publishedWorkspace();
    const tail = follow(['tail', '--env', 'staging', '--outcome', 'deny', '--hook', 'signup.before', '--data', data]);
    await tail.until('stderr', /tail: following staging \(http:\/\/127\.0\.0\.1:\d+\); Ctrl-C to stop/);

    const allowed = await invoke(runtime, 'ada@example.com');
    const denied = await invoke(runtime, 'bob@mailinator.com');
    expect([allowed.allow, denied.allow]).toEqual([true, false]);
    const [line] = await tail.until('stdout', new RegExp(`^.*trace ${escapeRegExp(denied.traceId)}\\n`, 'm'));
    expect(line).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3}Z {2}signup\.before {2}deny {2}v1 {2}\d+(\.\d\d)? ms {2}"disposable email" {2}trace /,
    );
    // Invocations arrive in the order they finished: the allowed one came first and was left out.
    expect(tail.out.stdout).not.toContain(allowed.traceId);
    expect(tail.out.stdout.split('\n').filter(Boolean)).toHaveLength(1);

    tail.child.kill('SIGINT');
    expect(await tail.closed).toBe(130);
    expect(tail.out.stderr).not.toMatch(/RUNTIME_|Error/);

    // A reader that goes away (`tail | head -1`): the next line finds no reader and the tail ends.
    const piped = follow(['tail', '--env', 'staging', '--data', data]);
    await piped.until('stderr', /tail: following staging/);
    piped.child.stdout?.destroy();
    await invoke(runtime, 'cy@example.com');
    expect(await piped.closed).toBe(0);
    expect(piped.out.stderr).not.toMatch(/RUNTIME_|Error/);
  });

  it('prints the contract items as JSON lines, stops on SIGTERM (143), and fails (1) when the runtime goes away', async () => {
    const { runtime, data } = await publishedWorkspace();
    const asJson = follow([
      'tail',
      '--env',
      'staging',
      '--json',
      '--text',
      'DISPOSABLE',
      '--version',
      '1',
      '--data',
      data,
    ]);
    const other = follow(['tail', '--env', 'staging', '--data', data]);
    await asJson.until('stderr', /tail: following staging/);
    await other.until('stderr', /tail: following staging/);

    const allowed = await invoke(runtime, 'ada@example.com');
    const denied = await invoke(runtime, 'eve@mailinator.com');
    await asJson.until('stdout', new RegExp(escapeRegExp(denied.traceId)));
    const lines = asJson.out.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const item = tailItemSchema.strict().parse(JSON.parse(lines[0] ?? ''));
    expect(item).toMatchObject({
      hook: 'signup.before',
      mode: 'blocking',
      outcome: 'deny',
      version: 1,
      reason: 'disposable email',
      traceId: denied.traceId,
    });
    expect(Number.isNaN(Date.parse(item.at))).toBe(false);
    asJson.child.kill('SIGTERM');
    expect(await asJson.closed).toBe(143);

    // The unfiltered tail saw both, in order; then the runtime stops under it.
    await other.until('stdout', new RegExp(escapeRegExp(denied.traceId)));
    const seen = other.out.stdout.trim().split('\n');
    expect(seen.map((line) => line.split('  ')[2])).toEqual(['allow', 'deny']);
    expect(seen[0]).toContain(`trace ${allowed.traceId}`);
    runtime.child.kill('SIGTERM');
    expect(await other.closed).toBe(1);
    expect(other.out.stderr).toMatch(
      /tail: RUNTIME_UNREACHABLE: the live tail of staging \(http:\/\/127\.0\.0\.1:\d+\) broke: the runtime ended the stream; 2 shown, 0 left out by sampling/,
    );
  });

  it('refuses a token without events:read, and a runtime with every follower place taken (1)', async () => {
    const runtime = await startRuntime({ publisher: ['publish'], watcher: ['events:read'] });
    const data = sandbox.path('ws');
    expect(cli(['env', 'add', 'staging', '--url', runtime.url, '--data', data]).code).toBe(0);
    const token = (name: string) =>
      cli(['env', 'token', 'staging', '--data', data], { input: `${runtime.tokens[name] ?? ''}\n` }).code;
    expect(token('publisher')).toBe(0);
    const refused = cli(['tail', '--env', 'staging', '--data', data]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/tail: RUNTIME_REFUSED: .*lacks the "events:read" scope/);
    expect(refused.stdout).toBe('');

    // Every place taken by streams opened straight to the runtime, until it answers 429.
    const stop = new AbortController();
    try {
      for (let opened = 0; ; opened++) {
        expect(opened).toBeLessThan(1000);
        const answer = await fetch(`${runtime.url}/v1/tail`, {
          headers: { authorization: `Bearer ${runtime.tokens.watcher ?? ''}` },
          signal: stop.signal,
        });
        if (answer.status === 429) break;
        expect(answer.status).toBe(200);
      }
      expect(token('watcher')).toBe(0);
      const full = cli(['tail', '--env', 'staging', '--data', data]);
      expect(full.code).toBe(1);
      expect(full.stderr).toMatch(
        /tail: TOO_MANY_FOLLOWERS: the runtime of staging has as many live tails open as it allows \(\d+\): retry once one closes/,
      );
    } finally {
      stop.abort();
    }
  });

  it('refuses bad usage (2) before anything is opened', () => {
    const data = sandbox.path('ws');
    const usage = (args: string[], message: RegExp) => {
      const result = cli(['tail', ...args]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    };
    usage(['--data', data], /tail: --env <name> is required/);
    usage(['--env', 'staging', '--hook', 'signup.befor', '--data', data], /unknown hook 'signup\.befor'/);
    usage(['--env', 'staging', '--outcome', 'allow,maybe', '--data', data], /unknown outcome 'maybe'; expected allow/);
    usage(['--env', 'staging', '--outcome', 'deny,', '--data', data], /--outcome must not be empty/);
    usage(['--env', 'staging', '--version', '0', '--data', data], /--version must be a whole number from 1/);
    usage(['--env', 'staging', '--text', 'x'.repeat(201), '--data', data], /--text must be 1 to 200 characters/);
    usage(['--env', 'staging', '--follow', '--data', data], /Unknown option '--follow'/);
    // A control character typed into a filter is not echoed raw.
    usage(['--env', 'staging', '--hook', 'x\u001b[2J', '--data', data], /unknown hook 'x\\u001b\[2J'/);
    usage(['--env', 'nowhere', '--data', data], /tail: NOT_FOUND: There is no environment "nowhere"/);
    usage(['--env', 'staging', '--data', data], /tail: NO_RUNTIME_URL: /);
  });
});

const actsOnTerminal = (text: string) =>
  [...text].some((char) => {
    const code = char.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x202e;
  });

describe('the lines tail prints', () => {
  const item = {
    at: '2026-12-03T19:35:02.123Z',
    hook: 'signup.before' as const,
    mode: 'blocking' as const,
    outcome: 'error' as const,
    version: 3,
    durationMs: 12.4,
    error: { code: 'SCRIPT_ERROR', script: 'block-disposable' },
    traceId: 'abc123',
    rollout: { id: 'ro_1', role: 'candidate' as const },
  };

  it("shows the error's code and script and the rollout role", () => {
    expect(tailLine(item)).toBe(
      '19:35:02.123Z  signup.before  error  v3  12 ms  error SCRIPT_ERROR in block-disposable  [candidate]  trace abc123\n',
    );
    expect(
      tailLine({ ...item, outcome: 'allow', error: undefined, rollout: undefined, version: null, durationMs: 0.5 }),
    ).toBe('19:35:02.123Z  signup.before  allow  no bundle  0.50 ms  trace abc123\n');
  });

  it('escapes what would act on a terminal in what the runtime sends, as text and as JSON', () => {
    const hostile = {
      ...item,
      outcome: 'deny' as const,
      error: undefined,
      reason: 'no\u001b[2J\u009b31m\u202eevil\nline',
    };
    const line = tailLine(hostile);
    expect(line).toContain('"no\\u001b[2J\\u009b31m\\u202eevil\\u000aline"');
    expect(actsOnTerminal(line.slice(0, -1))).toBe(false);
    const json = jsonLine(hostile);
    expect(actsOnTerminal(json.slice(0, -1))).toBe(false);
    expect(JSON.parse(json)).toEqual(hostile);
    expect(tailLine({ ...hostile, reason: 'x'.repeat(500) })).toContain(`"${'x'.repeat(199)}…"`);
  });

  it('states the sampling share the runtime measured', () => {
    expect(samplingLine({ rate: 0.25, dropped: 120 })).toBe('sampling: 1 in 4 sent, 120 dropped so far\n');
    expect(samplingLine({ rate: 1, dropped: 120 })).toBe('sampling: every invocation sent, 120 dropped so far\n');
    expect(samplingLine({ rate: 0, dropped: 7 })).toBe('sampling: none sent lately, 7 dropped so far\n');
  });
});
