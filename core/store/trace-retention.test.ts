import { afterEach, describe, expect, it } from 'vitest';
import { makeTrace } from './testing/trace-fixtures';
import { useTempDirs } from './testing/temp-dirs';
import { Workspace } from './workspace';

const tempDir = useTempDirs();
let workspace: Workspace;
afterEach(() => workspace?.close());

const day = 86_400_000;
const now = Date.parse('2026-11-20T10:00:00.000Z');

function openWithTraces(ages: number[], options: { retention?: { maxAgeDays?: number } } = {}): Workspace {
  workspace = Workspace.open({ dir: tempDir(), now: () => now, ...options });
  workspace.traces.writeMany(
    ages.map((ageDays, i) => makeTrace({ startMs: now - ageDays * day + i, logs: [`age ${ageDays}`] })),
  );
  return workspace;
}

describe('cleanupTraces', () => {
  it('deletes traces older than the retention, in batches, oldest first', () => {
    openWithTraces([40, 35, 31, 29, 1, 0, 45, 50]);
    const result = workspace.cleanupTraces({ maxAgeDays: 30, batchSize: 2 });
    expect(result).toMatchObject({ deletedTraces: 5, done: true });
    expect(result.batches).toBe(3);
    expect(workspace.traces.list().map((t) => t.spanCount)).toHaveLength(3);
    expect(workspace.traces.list({ text: 'age 31' })).toEqual([]);
    expect(workspace.traces.list({ text: 'age 29' })).toHaveLength(1);
  });

  it('uses the workspace retention when the call gives none', () => {
    openWithTraces([10, 5, 1], { retention: { maxAgeDays: 7 } });
    expect(workspace.cleanupTraces().deletedTraces).toBe(1);
  });

  it('then deletes the oldest until the total size is under the cap', () => {
    openWithTraces([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const perTrace = workspace.traces.totalBytes() / 10;
    const result = workspace.cleanupTraces({ maxAgeDays: 30, maxTotalBytes: perTrace * 3.5, batchSize: 1 });
    expect(result).toMatchObject({ deletedTraces: 7, done: true });
    expect(result.remainingBytes).toBeLessThanOrEqual(perTrace * 3.5);
    expect(workspace.traces.totalBytes()).toBe(result.remainingBytes);
    expect(workspace.traces.list().length).toBe(3);
    expect(workspace.traces.list({ text: 'age 2' })).toHaveLength(1);
  });

  it('stops when its time budget is spent and says it is not done', () => {
    openWithTraces(Array.from({ length: 20 }, () => 60));
    const first = workspace.cleanupTraces({ maxAgeDays: 30, batchSize: 1, timeBudgetMs: 0 });
    expect(first.done).toBe(false);
    expect(first.deletedTraces).toBe(0);
    let rounds = 0;
    for (let result = first; !result.done; rounds++) result = workspace.cleanupTraces({ maxAgeDays: 30, batchSize: 5 });
    expect(workspace.traces.count()).toBe(0);
    expect(rounds).toBeGreaterThan(0);
  });

  it('lets another connection write between its batches', () => {
    openWithTraces(Array.from({ length: 30 }, () => 60));
    const other = Workspace.open({ dir: workspace.dir, busyTimeoutMs: 0 });
    try {
      // With a zero busy timeout the other connection fails unless no batch holds the lock now.
      workspace.cleanupTraces({ maxAgeDays: 30, batchSize: 3 });
      expect(() => other.scripts.save('between', 'return true')).not.toThrow();
    } finally {
      other.close();
    }
  });
});
