import { describe, expect, it, vi } from 'vitest';
import type { ChannelInput } from '../../shared/contract';
import { useAuthoringHarness, type AuthoringHarness } from '../authoring/testing/authoring-harness';
import { csvColumns } from './run-export';
import { attachScript, denyMailinator, importEvents, signupEvents } from './testing/replay-fixtures';

const harness = useAuthoringHarness();

async function replay(h: AuthoringHarness, selection: ChannelInput<'replay.start'>['selection']): Promise<number> {
  const { run } = await h.call('replay.start', { selection });
  await vi.waitFor(
    async () => {
      if ((await h.call('replay.progress', { runId: run.id })).status === 'running') throw new Error('running');
    },
    { timeout: 30_000, interval: 20 },
  );
  return run.id;
}

// Version 2 of the blocking script: u3 fails, u6 is allowed after all, u9 is denied with another code.
const changedBlocking = `local email = string.lower(event.user.email)
if email:find("u3@", 1, true) then error("boom") end
if email:find("u6@", 1, true) then return true end
if email:find("u9@", 1, true) then return { allow = false, reason = "disposable email", code = "BLOCKED" } end
if email:find("mailinator", 1, true) then return { allow = false, reason = "disposable email", code = "DISPOSABLE" } end
return true
`;
const tier = (pro: string) =>
  `return { tier = (event.user.id == "${pro}") and "pro" or "free", region = helpers.env("REGION") or "none" }`;

const tokenEvents = ['t1', 't2'].map((id) => ({
  id: `tok-${id}`,
  hook: 'token.enrich' as const,
  event: { user: { id, email: `${id}@example.com` }, request: { ip: '203.0.113.7' } },
}));

/** Two runs of the same library where the scripts changed in between (and the selection a little). */
async function twoRuns(h: AuthoringHarness): Promise<{ before: number; after: number }> {
  await attachScript(h, 'block', 'signup.before', denyMailinator());
  await attachScript(h, 'tier', 'token.enrich', tier('nobody'));
  importEvents(h.dir, [...signupEvents(10), ...tokenEvents]);
  importEvents(h.dir, signupEvents(1, 'new'));
  const ids = [...signupEvents(10).map((e) => e.id), 'tok-t1', 'tok-t2'];
  const before = await replay(h, { kind: 'events', ids });
  await attachScript(h, 'block', 'signup.before', changedBlocking);
  await attachScript(h, 'tier', 'token.enrich', tier('t2'));
  const after = await replay(h, { kind: 'events', ids: [...ids.filter((id) => id !== 'evt-0008'), 'new-0000'] });
  return { before, after };
}

describe('runs.list and runs.results', () => {
  it('lists runs newest first and pages results, only mismatches or only errors', async () => {
    const h = harness();
    const { before, after } = await twoRuns(h);
    const runs = await h.call('runs.list', {});
    expect(runs.map((run) => run.id)).toEqual([after, before]);
    expect(runs[0]).toMatchObject({ status: 'done', total: 12, summary: { events: 12, errors: 1 } });
    expect(runs[0]!.finishedAt).toBeDefined();
    expect(runs[0]!.bundleHash).not.toBe(runs[1]!.bundleHash);
    expect(await h.call('runs.list', { limit: 1 })).toHaveLength(1);

    const page = await h.call('runs.results', { runId: after, offset: 10, limit: 5 });
    expect(page.total).toBe(12);
    expect(page.results.map((r) => [r.position, r.line.id])).toEqual([
      [10, 'tok-t2'],
      [11, 'new-0000'],
    ]);
    const errors = await h.call('runs.results', { runId: after, only: 'errors' });
    expect(errors.total).toBe(1);
    expect(errors.results[0]!.line).toMatchObject({ id: 'evt-0003', ok: false, error: { code: 'RUNTIME_ERROR' } });
    const mismatches = await h.call('runs.results', { runId: after, only: 'mismatches' });
    // evt-0006 was recorded denied and is now allowed; evt-0009 has another code; evt-0003 failed.
    expect(mismatches.results.map((r) => r.line.id)).toEqual(expect.arrayContaining(['evt-0006', 'evt-0009']));
    expect(mismatches.total).toBe(runs[0]!.summary!.mismatches);
    expect(mismatches.results.every((r) => r.line.mismatch !== null)).toBe(true);
    expect((await h.call('runs.results', { runId: before, only: 'mismatches' })).total).toBe(0);
    expect((await h.fail('runs.results', { runId: 999 })).code).toBe('NOT_FOUND');
  });
});

describe('runs.compare', () => {
  it('joins two runs by event: decision, data and error changes, added and removed, latency', async () => {
    const h = harness();
    const { before, after } = await twoRuns(h);
    const all = await h.call('runs.compare', { before, after, only: 'all', limit: 1000 });
    expect(all.counts).toEqual({ compared: 11, decision: 2, data: 1, error: 1, same: 7, added: 1, removed: 1 });
    expect(all.total).toBe(13);
    expect(all.before.id).toBe(before);
    expect(all.after.id).toBe(after);
    const byId = new Map(all.rows.map((row) => [row.eventId, row]));
    expect(byId.get('evt-0003')).toMatchObject({ change: 'error', summary: 'ok → error RUNTIME_ERROR' });
    expect(byId.get('evt-0006')).toMatchObject({ change: 'decision', summary: 'allow: false → true' });
    expect(byId.get('evt-0009')).toMatchObject({ change: 'decision', summary: 'code: "DISPOSABLE" → "BLOCKED"' });
    expect(byId.get('tok-t2')).toMatchObject({ change: 'data', summary: 'data differs at tier', hook: 'token.enrich' });
    expect(byId.get('tok-t1')).toMatchObject({ change: 'same' });
    expect(byId.get('new-0000')).toMatchObject({ change: 'added', before: null, durationDeltaMs: null });
    expect(byId.get('evt-0008')).toMatchObject({ change: 'removed', after: null });
    const same = byId.get('evt-0001')!;
    expect(same.durationDeltaMs).toBeCloseTo(same.after!.durationMs - same.before!.durationMs, 3);
    // The after run's order, then what only the before run had.
    expect(all.rows.at(-1)!.eventId).toBe('evt-0008');
    for (const side of [all.latency.before, all.latency.after]) {
      expect(side.p50).toBeGreaterThan(0);
      expect(side.p50).toBeLessThanOrEqual(side.p95);
      expect(side.p95).toBeLessThanOrEqual(side.p99);
      expect(side.mean).toBeGreaterThan(0);
    }

    const changed = await h.call('runs.compare', { before, after });
    expect(changed.total).toBe(6);
    expect(changed.rows.map((row) => row.change).sort()).toEqual(
      ['added', 'data', 'decision', 'decision', 'error', 'removed'].sort(),
    );
    const paged = await h.call('runs.compare', { before, after, offset: 4, limit: 1 });
    expect(paged.rows).toEqual([changed.rows[4]]);
    expect(paged.total).toBe(6);
    expect((await h.fail('runs.compare', { before, after: 999 })).code).toBe('NOT_FOUND');
    expect(h.internalErrors).toEqual([]);
  });
});

describe('runs.export', () => {
  it('exports JSON with the run, its summary and every line, and CSV one row per event', async () => {
    const h = harness();
    await attachScript(
      h,
      'formula',
      'signup.before',
      `if event.user.email:find("mailinator", 1, true) then
  return { allow = false, reason = '=HYPERLINK("http://evil.example"), "quoted"', code = "@SUM(A1)" }
end
return true`,
    );
    importEvents(h.dir, signupEvents(4));
    const runId = await replay(h, { kind: 'filter', filter: {} });

    const json = await h.call('runs.export', { runId, format: 'json' });
    expect(json).toMatchObject({ fileName: `replay-run-${runId}.json`, mimeType: 'application/json' });
    const parsed = JSON.parse(json.content) as { run: { id: number }; summary: { events: number }; results: unknown[] };
    expect(parsed.run.id).toBe(runId);
    expect(parsed.summary).toMatchObject({ events: 4, denied: 2, allowed: 2 });
    expect(parsed.results).toEqual((await h.call('runs.results', { runId })).results.map((r) => r.line));
    expect(json.content).toContain('\n  "run": {');

    const csv = await h.call('runs.export', { runId, format: 'csv' });
    expect(csv).toMatchObject({ fileName: `replay-run-${runId}.csv`, mimeType: 'text/csv' });
    const lines = csv.content.split('\r\n');
    expect(lines[0]).toBe(csvColumns.join(','));
    expect(lines).toHaveLength(6); // header, 4 rows, and the final line break
    expect(lines[5]).toBe('');
    const denied = lines[1]!;
    expect(denied).toMatch(/^0,evt-0000,signup\.before,true,deny,/);
    expect(denied).toContain(`,"'=HYPERLINK(""http://evil.example""), ""quoted""",'@SUM(A1),`);
    expect(lines[2]).toMatch(/^1,evt-0001,signup\.before,true,allow,,,,,[\d.]+,,[0-9a-f]{32}$/);
    expect((await h.fail('runs.export', { runId: 999, format: 'csv' })).code).toBe('NOT_FOUND');
  });
});
