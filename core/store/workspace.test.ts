import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databasePath } from './database';
import { buildChildScript, removeChildScript, runChildForJson, startChild } from './testing/child-process';
import { useTempDirs } from './testing/temp-dirs';
import { Workspace } from './workspace';

const tempDir = useTempDirs();
let child = '';
beforeAll(async () => {
  child = await buildChildScript(fileURLToPath(new URL('./testing/store-child.ts', import.meta.url)));
});
afterAll(() => removeChildScript(child));
const opened: Workspace[] = [];
const open = (options: Parameters<typeof Workspace.open>[0]) => {
  const workspace = Workspace.open(options);
  opened.push(workspace);
  return workspace;
};
afterEach(() => opened.splice(0).forEach((w) => w.close()));

describe('Workspace', () => {
  it('keeps its id across opens and tells workspaces apart', () => {
    const dir = tempDir();
    const first = open({ dir });
    expect(first.id).toMatch(/^[0-9a-f]{32}$/);
    expect(first.path).toBe(path.join(dir, 'workspace.db'));
    first.close();
    expect(open({ dir }).id).toBe(first.id);
    expect(open({ dir: tempDir() }).id).not.toBe(first.id);
  });

  it.skipIf(process.platform !== 'linux')('opens the app folder by default ($XDG_CONFIG_HOME/Pipeline Studio)', () => {
    const config = tempDir();
    const saved = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = config;
    try {
      expect(open({}).path).toBe(path.join(config, 'Pipeline Studio', 'workspace.db'));
    } finally {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
    }
  });

  it('renames the pipeline, runs transactions as one unit and refuses use after close', () => {
    const workspace = open({ dir: tempDir() });
    workspace.rename('acme-auth');
    expect(workspace.name).toBe('acme-auth');
    expect(() => workspace.rename('')).toThrow(expect.objectContaining({ code: 'INVALID' }));
    const ownError = new Error('changed my mind');
    expect(() =>
      workspace.transaction(() => {
        workspace.scripts.save('a', 'return 1');
        workspace.scripts.save('b', 'return 2');
        throw ownError;
      }),
    ).toThrow(ownError);
    // The caller's own error comes back as it was thrown, not dressed up as a StoreError.
    let caught: unknown;
    try {
      workspace.transaction(() => {
        throw ownError;
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(ownError);
    expect(workspace.scripts.list()).toEqual([]);
    expect(workspace.integrityProblems()).toEqual([]);
    workspace.close();
    workspace.close();
    expect(() => workspace.name).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    expect(() => workspace.scripts.list()).toThrow(expect.objectContaining({ code: 'CLOSED' }));
  });

  it('flushes its trace sinks on close', async () => {
    const dir = tempDir();
    const workspace = open({ dir });
    const { makeTrace } = await import('./testing/trace-fixtures');
    const sink = workspace.traceSink({ maxSpans: 10_000, maxDelayMs: 60_000 });
    sink.write(makeTrace());
    workspace.close();
    expect(open({ dir }).traces.count()).toBe(1);
  });

  it('forgets a trace sink once it is closed', async () => {
    const dir = tempDir();
    const workspace = open({ dir });
    const { makeTrace } = await import('./testing/trace-fixtures');
    const sink = workspace.traceSink({ maxSpans: 10_000, maxDelayMs: 60_000 });
    sink.write(makeTrace(), { eventId: 'evt-1', runId: 1 });
    sink.close();
    expect(workspace.traces.count({ eventId: 'evt-1', runId: 1 })).toBe(1);
    expect((workspace as unknown as { sinks: Set<unknown> }).sinks.size).toBe(0);
    workspace.close();
  });
});

describe('two processes on one workspace', () => {
  it('a writer waits for the other process to commit instead of failing', async () => {
    const dir = tempDir();
    const workspace = open({ dir });
    const holder = startChild(child, ['hold', dir, '800']);
    await holder.waitForLine((line) => line === 'locked');
    // WAL: reading is not blocked by the other process's write lock.
    const readStarted = performance.now();
    workspace.scripts.list();
    expect(performance.now() - readStarted).toBeLessThan(400);
    const started = performance.now();
    workspace.scripts.save('mine', 'return "mine"');
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThan(200);
    expect((await holder.exited).code).toBe(0);
    expect(workspace.scripts.list().map((s) => s.id)).toEqual(['held', 'mine']);
  });

  it('fails with BUSY, saying why, once the wait exceeds the busy timeout', async () => {
    const dir = tempDir();
    open({ dir }).close();
    const holder = startChild(child, ['hold', dir, '3000']);
    await holder.waitForLine((line) => line === 'locked');
    const attempt = await runChildForJson<{ ok: boolean; code?: string; message?: string; waitedMs: number }>(child, [
      'try-write',
      dir,
      '300',
    ]);
    holder.process.kill('SIGKILL');
    await holder.exited;
    expect(attempt).toMatchObject({ ok: false, code: 'BUSY' });
    expect(attempt.message).toMatch(/another Pipeline Studio process/);
    expect(attempt.message).toContain(databasePath(dir));
    expect(attempt.waitedMs).toBeGreaterThanOrEqual(250);
  });
});

describe('a process killed with SIGKILL while writing', () => {
  it('mid-transaction: the file is sound, committed versions are all there, the open transaction is gone', async () => {
    const dir = tempDir();
    const writer = startChild(child, ['kill-mid', dir, '5']);
    await writer.waitForLine((line) => line === 'in-transaction', 30_000);
    // The uncommitted transaction really reached the disk (spilled into the WAL) before the kill.
    expect(statSync(`${databasePath(dir)}-wal`).size).toBeGreaterThan(1024 * 1024);
    writer.process.kill('SIGKILL');
    expect((await writer.exited).signal).toBe('SIGKILL');

    const workspace = open({ dir });
    expect(workspace.integrityProblems()).toEqual([]);
    expect(workspace.scripts.versions('kept').map((v) => v.version)).toEqual([5, 4, 3, 2, 1]);
    expect(workspace.scripts.latest('kept')?.source).toBe('return 5');
    expect(workspace.scripts.get('lost')).toBeUndefined();
    expect(workspace.traces.count()).toBe(0);
  });

  it('at random moments of a commit loop: no version it reported committed is lost', async () => {
    const dir = tempDir();
    let reported = 0;
    for (let round = 0; round < 4; round++) {
      const writer = startChild(child, ['save-loop', dir]);
      await writer.waitForLine((line) => line.startsWith('committed '));
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 150));
      writer.process.kill('SIGKILL');
      await writer.exited;
      const last = writer.lines.filter((line) => line.startsWith('committed ')).pop() ?? 'committed 0';
      reported = Number(last.split(' ')[1]);

      const workspace = Workspace.open({ dir });
      try {
        expect(workspace.integrityProblems()).toEqual([]);
        const versions = workspace.scripts.versions('loop');
        // At most one more than reported: it may have committed and died before saying so.
        expect(versions.length === reported || versions.length === reported + 1).toBe(true);
        expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => versions.length - i));
        expect(workspace.scripts.version('loop', reported)?.source).toBe(`return ${reported}`);
      } finally {
        workspace.close();
      }
    }
    expect(reported).toBeGreaterThan(0);
  });
});
