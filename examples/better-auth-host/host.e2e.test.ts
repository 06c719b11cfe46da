import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createAuthClient } from 'better-auth/client';
import { afterAll, describe, expect, it, vi } from 'vitest';

// The example host end to end, as a user runs it: the host in a child process (real HTTP), the
// studio's CLI in child processes (publish, pull-events, replay; the real keychain under
// scripts/with-keyring.sh), and better-auth's own client for the auth calls.

const root = fileURLToPath(new URL('../..', import.meta.url));
const cliBin = path.join(root, 'bin', 'pipeline-studio.mjs');
const hostEntry = path.join(root, 'examples', 'better-auth-host', 'server.mjs');
const bundleDir = path.join(root, 'examples', 'better-auth-host', 'pipeline');

const base = mkdtempSync(path.join(os.tmpdir(), 'better-auth-host-e2e-'));
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(base, { recursive: true, force: true });
});

function cli(args: string[], input = '') {
  const result = spawnSync(process.execPath, [cliBin, ...args], {
    cwd: base,
    encoding: 'utf8',
    timeout: 120_000,
    input,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(base, 'xdg-config') },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Host {
  app: string;
  runtime: string;
  tokenFile: string;
  stderr(): string;
}

async function startHost(dataDir: string): Promise<Host> {
  const child = spawn(process.execPath, [hostEntry, '--data', dataDir, '--port', '0', '--runtime-port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const ready = await new Promise<{ app: string; runtime: string; tokenFile: string }>((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line) as { app: string; runtime: string; tokenFile: string }));
    child.once('exit', (code) => reject(new Error(`the host exited (${code}) before listening: ${stderr}`)));
  });
  return { ...ready, stderr: () => stderr };
}

interface CapturedEvent {
  id: string;
  hook: string;
  event: { user?: { email?: string; name?: string } };
  outcome: { allow?: boolean; reason?: string; data?: Record<string, unknown> };
}

async function capturedEvents(host: Host, token: string): Promise<CapturedEvent[]> {
  const response = await fetch(`${host.runtime}/v1/events?limit=10000`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return (await response.text())
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as CapturedEvent);
}

describe('the better-auth example host', () => {
  it('runs the published pipeline on real better-auth calls, and its captured events replay with no mismatch', async () => {
    const host = await startHost(path.join(base, 'host-data'));
    const studioToken = readFileSync(host.tokenFile, 'utf8').trim();
    const workspace = path.join(base, 'workspace');

    // The studio: the example bundle into a workspace, an environment pointing at the host's
    // runtime, its token in the keychain, and a publish.
    const imported = cli(['import', bundleDir, '--data', workspace]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(cli(['env', 'add', 'staging', '--url', host.runtime, '--data', workspace]).code).toBe(0);
    const stored = cli(['env', 'token', 'staging', '--data', workspace], `${studioToken}\n`);
    expect(stored.code, stored.stderr).toBe(0);
    const published = cli(['publish', '--workspace', '--env', 'staging', '--message', 'e2e', '--data', workspace]);
    expect(published.code, published.stderr).toBe(0);
    expect(JSON.parse(published.stdout)).toMatchObject({ status: 'done', result: { version: 1 } });

    // better-auth's own client against the host.
    let cookie = '';
    const client = createAuthClient({
      baseURL: host.app,
      fetchOptions: {
        onResponse: (context) => {
          const set = context.response.headers.getSetCookie();
          if (set.length > 0) cookie = set.map((line) => line.split(';')[0]).join('; ');
        },
      },
    });
    const password = 'correct horse battery staple';

    const refused = await client.signUp.email({ email: 'eve@mailinator.com', password, name: 'Eve' });
    expect(refused.data).toBeNull();
    expect(refused.error).toMatchObject({
      status: 403,
      message: 'disposable email addresses are not accepted',
      code: 'DISPOSABLE',
    });

    const signedUp = await client.signUp.email({ email: 'ada@example.com', password, name: 'Ada' });
    expect(signedUp.error).toBeNull();
    const userId = signedUp.data?.user.id;
    expect(userId).toEqual(expect.any(String));

    cookie = '';
    const signedIn = await client.signIn.email({ email: 'ada@example.com', password });
    expect(signedIn.error).toBeNull();
    expect(cookie).toContain('session_token');

    // The enrichment is in the user record, read back through better-auth.
    const session = await client.getSession({ fetchOptions: { headers: { cookie } } });
    expect(session.error).toBeNull();
    const user = session.data?.user as Record<string, unknown> | undefined;
    expect(user).toMatchObject({ id: userId, email: 'ada@example.com', plan: 'team' });
    expect(JSON.parse(String(user?.pipelineData))).toEqual({ company: 'example.com', signupProvider: 'email' });

    // The session's JWT carries the claims token.enrich added from that enrichment.
    const issued = await client.$fetch<{ token: string }>('/token', { headers: { cookie } });
    expect(issued.error).toBeNull();
    const [, payload] = (issued.data?.token ?? '').split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: userId, plan: 'team', company: 'example.com', region: 'eu' });

    // What these calls produced, once the runtime has written it (async hooks finish in the background).
    const expectedHooks = [
      'signup.before',
      'signup.before',
      'signup.enrich',
      'signup.after',
      'session.enrich',
      'signin.before',
      'session.enrich',
      'signin.after',
      'token.enrich',
    ].sort();
    let captured: CapturedEvent[] = [];
    await vi.waitFor(
      async () => {
        captured = await capturedEvents(host, studioToken);
        expect(captured.map((event) => event.hook).sort()).toEqual(expectedHooks);
      },
      { timeout: 15_000, interval: 100 },
    );
    const denied = captured.find((event) => event.hook === 'signup.before' && event.outcome.allow === false);
    expect(denied).toMatchObject({
      event: { user: { email: 'e***@mailinator.com' } },
      outcome: { reason: 'disposable email addresses are not accepted', code: 'DISPOSABLE' },
    });
    expect(captured.find((event) => event.hook === 'signup.enrich')?.outcome.data).toEqual({
      plan: 'team',
      company: 'example.com',
      signupProvider: 'email',
    });

    // Pulled into the studio's event library, then replayed through the workspace's pipeline.
    const pulled = cli(['pull-events', '--env', 'staging', '--data', workspace]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(JSON.parse(pulled.stdout)).toEqual({ imported: expectedHooks.length, duplicates: 0, problems: [] });

    const replayed = cli(['replay', '--workspace', '--json', '--data', workspace]);
    expect(replayed.code, replayed.stdout + replayed.stderr).toBe(0);
    const lines = replayed.stdout
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = lines.pop()?.summary as Record<string, number>;
    expect(summary).toMatchObject({ events: expectedHooks.length, mismatches: 0, errors: 0 });
    expect(lines.map((line) => line.id).sort()).toEqual(captured.map((event) => event.id).sort());
    expect(lines.filter((line) => line.mismatch)).toEqual([]);
    expect(host.stderr()).not.toContain(studioToken);
  }, 180_000);

  it('answers on after sign-ups whose names are shaped to make patterns backtrack, and captures them capped', async () => {
    const host = await startHost(path.join(base, 'hostile-host-data'));
    const studioToken = readFileSync(host.tokenFile, 'utf8').trim();
    const client = createAuthClient({ baseURL: host.app });
    const password = 'correct horse battery staple';
    // Three sign-ups in all: better-auth allows three a window from one address, more would be refused (429).
    const shapes = ['@. ' + 'a'.repeat(50_000) + ' a@' + 'a.'.repeat(25_000), '1' + '1.'.repeat(50_000)];
    for (const [i, name] of shapes.entries()) {
      const signedUp = await client.signUp.email({ email: `hostile${i}@example.com`, password, name });
      expect(signedUp.error).toBeNull();
    }
    // The next ordinary sign-up is answered: neither the auth server nor its runtime froze or ended.
    const after = await client.signUp.email({ email: 'after@example.com', password, name: 'After' });
    expect(after.error).toBeNull();
    let captured: CapturedEvent[] = [];
    await vi.waitFor(
      async () => {
        captured = (await capturedEvents(host, studioToken)).filter((event) => event.hook === 'signup.before');
        expect(captured).toHaveLength(shapes.length + 1);
      },
      { timeout: 15_000, interval: 100 },
    );
    const names = captured.map((event) => event.event.user?.name ?? '');
    // The plugin caps what end users send at 2,048 characters (docs/better-auth.md) before the
    // runtime sees it
    // (redaction may then mask an address-like part of it, a few characters more or less).
    expect(names.slice(0, shapes.length).every((name) => name.length > 1900 && name.length < 2100)).toBe(true);
    expect(names.at(-1)).toBe('After');
    expect(captured.map((event) => event.event.user?.email)).toEqual([
      'h***@example.com',
      'h***@example.com',
      'a***@example.com',
    ]);
  }, 180_000);
});
