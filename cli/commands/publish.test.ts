import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../shared/engine';
import { importEvents } from '../../core/replay/testing/replay-fixtures';
import { requireRealKeychain } from '../../core/secrets/testing/real-keychain';
import { useTestRuntime } from '../../core/publish/testing/runtime-process';
import { exampleBundle, json, useCliSandbox } from './workspace-cli-harness';

// env, publish, status, rollback and pull-events through the real CLI, against a real reference
// runtime on loopback, with the real keychain (scripts/with-keyring.sh).

requireRealKeychain();

const sandbox = useCliSandbox('cli-publish-');
const { cli } = sandbox;
const startRuntime = useTestRuntime();

/** evt_1 of examples/acme-events.ndjson: the example pipeline denies it. */
const disposableSignup: RecordedEvent = {
  id: 'evt_pinned',
  hook: 'signup.before',
  event: { request: { ip: '203.0.113.7' }, user: { email: 'a@mailinator.com' }, provider: 'email' },
  outcome: { allow: false, reason: 'disposable email' },
};

describe('publishing from the command line', () => {
  it('adds an environment, stores its token, publishes, shows the status, rolls back and pulls events', async () => {
    const runtime = await startRuntime({
      studio: ['publish', 'secrets:write', 'events:read'],
      invokeOnly: ['invoke'],
    });
    const data = sandbox.path('ws');
    expect(cli(['import', exampleBundle, '--data', data]).code).toBe(0);

    const plain = cli(['env', 'add', 'staging', '--url', 'http://runtime.example.com:8787', '--data', data]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/plain http/);
    expect(cli(['env', 'add', 'staging', '--url', runtime.url, '--data', data]).code).toBe(0);

    const token = runtime.tokens.studio ?? '';
    const stored = cli(['env', 'token', 'staging', '--data', data], { input: `${token}\n` });
    expect(stored.code, stored.stderr).toBe(0);
    const listed = cli(['env', 'list', '--data', data]);
    expect(json<{ name: string; hasToken: boolean; runtimeUrl: string | null }[]>(listed)).toContainEqual(
      expect.objectContaining({ name: 'staging', hasToken: true, runtimeUrl: runtime.url }),
    );
    expect(listed.stdout + stored.stdout + stored.stderr).not.toContain(token);

    const published = cli(['publish', '--workspace', '--env', 'staging', '--message', 'first', '--data', data]);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stderr).toMatch(/scripts: \d+ added/);
    expect(published.stderr).toMatch(/Pipeline is valid/);
    const job = json<{ status: string; result: { version: number; hash: string } }>(published);
    expect(job.status).toBe('done');
    expect(job.result.version).toBe(1);

    const status = cli(['status', '--env', 'staging', '--data', data]);
    expect(status.code, status.stderr).toBe(0);
    expect(json(status)).toMatchObject({
      environment: 'staging',
      drift: false,
      lastPublishedHash: job.result.hash,
      active: { version: 1, hash: job.result.hash },
      versions: [{ version: 1, message: 'first' }],
    });

    const back = cli(['rollback', '--env', 'staging', '--to', '1', '--data', data]);
    expect(back.code, back.stderr).toBe(0);
    expect(json(back)).toEqual({ version: 1, hash: job.result.hash });
    const unknown = cli(['rollback', '--env', 'staging', '--to', '9', '--data', data]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/VERSION_NOT_FOUND/);

    const pulled = cli(['pull-events', '--env', 'staging', '--since', '2020-01-01T00:00:00Z', '--data', data]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(json(pulled)).toEqual({ imported: 0, duplicates: 0, problems: [] });

    // production: no URL yet (exit 2), then no confirmation without a terminal (exit 2).
    const noUrl = cli(['publish', '--workspace', '--env', 'production', '--data', data]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/NO_RUNTIME_URL/);
    expect(cli(['env', 'add', 'production', '--url', runtime.url, '--data', data]).code).toBe(0);
    expect(cli(['env', 'token', 'production', '--data', data], { input: token }).code).toBe(0);
    const unconfirmed = cli(['publish', '--workspace', '--env', 'production', '--data', data]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/--yes/);
    const confirmed = cli(['publish', '--workspace', '--env', 'production', '--yes', '--data', data]);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    // Same runtime, same bundle: nothing new was activated.
    expect(confirmed.stderr).toMatch(/no change/);

    // A bundle folder: its suite is the workspace's pinned events, replayed through that bundle.
    importEvents(data, [disposableSignup], { pinned: true });
    const allowing = sandbox.path('allowing');
    cpSync(exampleBundle, allowing, { recursive: true });
    writeFileSync(path.join(allowing, 'scripts', 'block-disposable.lua'), 'return true\n');
    const failedSuite = cli(['publish', allowing, '--env', 'staging', '--data', data]);
    expect(failedSuite.code, failedSuite.stderr).toBe(1);
    expect(failedSuite.stderr).toMatch(/SUITE_FAILED: 1 of 1 pinned events no longer match/);
    expect(json<{ status: string }>(failedSuite).status).toBe('failed');
    const fromFolder = cli(['publish', exampleBundle, '--env', 'staging', '--data', data]);
    expect(fromFolder.code, fromFolder.stderr).toBe(0);
    expect(fromFolder.stderr).toMatch(/1 pinned events replayed, all match/);
    const broken = sandbox.path('broken');
    mkdirSync(broken);
    writeFileSync(path.join(broken, 'pipeline.json'), '{ not json');
    const invalid = cli(['publish', broken, '--env', 'staging', '--data', data]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/not a valid bundle; nothing was sent/);
    expect(cli(['publish', exampleBundle, '--workspace', '--env', 'staging', '--data', data]).code).toBe(2);

    // A token without the publish scope: the runtime refuses (exit 1) with a message naming it.
    expect(cli(['env', 'token', 'staging', '--data', data], { input: runtime.tokens.invokeOnly ?? '' }).code).toBe(0);
    const refused = cli(['status', '--env', 'staging', '--data', data]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/RUNTIME_REFUSED: .*lacks the "publish" scope/);
  }, 180_000);
});
