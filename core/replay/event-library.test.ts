import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../shared/contract';
import type { RecordedEvent } from '../../shared/engine';
import { useAuthoringHarness } from '../authoring/testing/authoring-harness';
import { Workspace } from '../store';
import { importChunkLines } from './event-import';

const harness = useAuthoringHarness();
const folders: string[] = [];
afterEach(() => folders.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const signup = (id: string, email: string, extra: Partial<RecordedEvent> = {}): RecordedEvent => ({
  id,
  hook: 'signup.before',
  event: { user: { email }, provider: 'email', request: { ip: '203.0.113.7' } },
  ...extra,
});

/** Imports as `pipeline-studio events import` does: another connection to the workspace's database. */
function importEvents(dir: string, events: RecordedEvent[], options: { pinned?: boolean; tags?: string[] } = {}): void {
  const workspace = Workspace.open({ dir });
  try {
    workspace.events.import(events, options);
  } finally {
    workspace.close();
  }
}

const ids = (page: { events: { id: string }[] }) => page.events.map((event) => event.id);

describe('events.list', () => {
  it('is empty for a new workspace', async () => {
    const { call } = harness();
    expect(await call('events.list', {})).toEqual({ events: [], total: 0 });
    expect(await call('events.list', { hook: 'signup.before' })).toEqual({ events: [], total: 0 });
  });

  it('lists the recorded events in import order, with outcome, time, source, tags and pin', async () => {
    const h = harness();
    await h.call('workspace.info', {}); // The studio has the workspace open while the CLI imports.
    importEvents(h.dir, [
      signup('evt-1', 'a@mailinator.com', {
        at: '2026-11-20T10:00:00.000Z',
        source: 'prod-eu',
        outcome: { allow: false, reason: 'disposable email', code: 'DISPOSABLE' },
      }),
      { id: 'evt-2', hook: 'signin.before', event: { user: { email: 'b@example.com' } } },
      signup('evt-3', 'c@example.com', { outcome: { allow: true } }),
    ]);
    importEvents(h.dir, [signup('evt-4', 'd@example.com')], { pinned: true, tags: ['vip'] });

    const all = await h.call('events.list', {});
    expect(ids(all)).toEqual(['evt-1', 'evt-2', 'evt-3', 'evt-4']);
    expect(all.total).toBe(4);
    expect(all.events[0]).toEqual({
      id: 'evt-1',
      hook: 'signup.before',
      at: '2026-11-20T10:00:00.000Z',
      source: 'prod-eu',
      pinned: false,
      tags: [],
      importedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      event: { user: { email: 'a@mailinator.com' }, provider: 'email', request: { ip: '203.0.113.7' } },
      outcome: { allow: false, reason: 'disposable email', code: 'DISPOSABLE' },
    });
    // Absent fields stay absent (no nulls).
    expect(all.events[3]).toEqual({
      id: 'evt-4',
      hook: 'signup.before',
      pinned: true,
      tags: ['vip'],
      importedAt: expect.any(String),
      event: { user: { email: 'd@example.com' }, provider: 'email', request: { ip: '203.0.113.7' } },
    });

    const signups = await h.call('events.list', { hook: 'signup.before' });
    expect(ids(signups)).toEqual(['evt-1', 'evt-3', 'evt-4']);
    // A page says how many match in all.
    expect(await h.call('events.list', { hook: 'signup.before', limit: 2 })).toMatchObject({ total: 3 });
    expect(ids(await h.call('events.list', { hook: 'signup.before', limit: 2, offset: 2 }))).toEqual(['evt-4']);
    expect(await h.call('events.list', { hook: 'token.enrich' })).toEqual({ events: [], total: 0 });
    expect(h.internalErrors).toEqual([]);
  });

  it('filters by source, tag, pin, time and text, combined with AND', async () => {
    const h = harness();
    importEvents(h.dir, [
      signup('evt-a', 'ada@Example.com', { at: '2026-11-20T10:00:00Z', source: 'prod-eu' }),
      // 09:30 UTC written with an offset: as text it would sort after 10:00Z.
      signup('evt-b', 'bob@mailinator.com', { at: '2026-11-20T11:30:00+02:00', source: 'prod-us' }),
      signup('evt-c', 'cy@example.com', { at: '2026-11-21T08:00:00.250Z' }),
      signup('evt-d', 'di@example.com', { at: 'last tuesday' }),
      signup('evt-e', 'ed@example.com'),
    ]);
    importEvents(h.dir, [signup('evt-f', 'fay@example.com', { source: 'prod-eu' })], { tags: ['eu', 'vip'] });
    importEvents(h.dir, [signup('evt-g', 'gus@example.com', { at: '2026-11-20T09:59:59.999Z' })], { pinned: true });

    const list = async (filter: Parameters<typeof h.call<'events.list'>>[1]) =>
      ids(await h.call('events.list', filter));
    expect(await list({ source: 'prod-eu' })).toEqual(['evt-a', 'evt-f']);
    expect(await list({ tag: 'vip' })).toEqual(['evt-f']);
    expect(await list({ pinned: true })).toEqual(['evt-g']);
    expect(await list({ pinned: false, source: 'prod-eu' })).toEqual(['evt-a', 'evt-f']);
    // from is inclusive, to exclusive; instants, not texts; no readable `at`, no match.
    expect(await list({ from: '2026-11-20T10:00:00Z' })).toEqual(['evt-a', 'evt-c']);
    expect(await list({ to: '2026-11-20T10:00:00Z' })).toEqual(['evt-b', 'evt-g']);
    expect(await list({ from: '2026-11-20T09:00:00Z', to: '2026-11-20T12:00:00+01:00' })).toEqual([
      'evt-a',
      'evt-b',
      'evt-g',
    ]);
    // Text in the id or the payload, ignoring case.
    expect(await list({ text: 'MAILINATOR' })).toEqual(['evt-b']);
    expect(await list({ text: 'example.COM' })).toEqual(['evt-a', 'evt-c', 'evt-d', 'evt-e', 'evt-f', 'evt-g']);
    expect(await list({ text: 'EVT-C' })).toEqual(['evt-c']);
    expect(await list({ text: 'example.com', source: 'prod-eu', tag: 'eu' })).toEqual(['evt-f']);
    expect(await h.call('events.list', { text: 'example', limit: 1 })).toMatchObject({ total: 6 });
    expect((await h.fail('events.list', { from: 'yesterday' })).code).toBe('INVALID_INPUT');
  });

  it('returns 100 events unless asked for more, and at most 500', async () => {
    const h = harness();
    importEvents(
      h.dir,
      Array.from({ length: 120 }, (_, i) => signup(`evt-${String(i).padStart(3, '0')}`, `u${i}@example.com`)),
    );
    expect((await h.call('events.list', {})).events).toHaveLength(100);
    expect(await h.call('events.list', {})).toMatchObject({ total: 120 });
    expect((await h.call('events.list', { limit: 500 })).events).toHaveLength(120);
    expect(await h.fail('events.list', { limit: 0 })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await h.fail('events.list', { limit: 501 })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await h.fail('events.list', { limit: 1.5 })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await h.fail('events.list', { hook: 'nope' as never })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await h.fail('events.list', { label: 'x' } as never)).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('reports a damaged database as STORE_UNAVAILABLE', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-events-'));
    folders.push(dir);
    const database = path.join(dir, 'workspace.db');
    writeFileSync(database, 'this is not a SQLite database, it is a text file that someone renamed'.repeat(100));
    const { fail, internalErrors } = harness({ dir });
    const error = await fail('events.list', {});
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toContain(database);
    expect(internalErrors).toEqual([]);
    expect(existsSync(database)).toBe(true);
  });
});

describe('events.facets and events.get', () => {
  it('counts per hook and lists sources and tags for the filter menus', async () => {
    const h = harness();
    expect(await h.call('events.facets', {})).toEqual({ total: 0, pinned: 0, hooks: [], sources: [], tags: [] });
    importEvents(h.dir, [signup('a', 'a@x.io', { source: 'prod-us' }), signup('b', 'b@x.io')], { tags: ['eu'] });
    importEvents(h.dir, [{ id: 'c', hook: 'signin.before', event: { user: { email: 'c@x.io' } }, source: 'cli' }], {
      pinned: true,
      tags: ['vip', 'eu'],
    });
    expect(await h.call('events.facets', {})).toEqual({
      total: 3,
      pinned: 1,
      hooks: [
        { hook: 'signin.before', count: 1 },
        { hook: 'signup.before', count: 2 },
      ],
      sources: ['cli', 'prod-us'],
      tags: ['eu', 'vip'],
    });
    expect(await h.call('events.get', { id: 'c' })).toMatchObject({ id: 'c', pinned: true, tags: ['vip', 'eu'] });
    const missing = await h.fail('events.get', { id: 'nope' });
    expect(missing).toEqual({ code: 'NOT_FOUND', message: 'There is no event "nope" in the library.' });
  });
});

describe('events.import', () => {
  it('keeps the good lines, reports each bad one by number, and counts duplicates', async () => {
    const h = harness();
    importEvents(h.dir, [signup('old', 'old@x.io')]);
    const text = [
      JSON.stringify(signup('n1', 'n1@x.io')),
      '{"id": "broken", ',
      JSON.stringify({ id: 'n2', hook: 'signup.before' }),
      '',
      JSON.stringify(signup('old', 'again@x.io')),
      JSON.stringify(signup('n1', 'twice@x.io')),
      JSON.stringify({ id: 'n3', hook: 'signup.before', event: { user: { email: 'n3@x.io' } } }),
      JSON.stringify(signup('n4', 'n4@x.io', { at: '2026-11-20T10:00:00Z' })),
    ].join('\n');
    const report = await h.call('events.import', { text, fileName: 'capture.ndjson', tags: ['batch-1'] });
    expect(report.imported).toBe(2);
    expect(report.duplicates).toBe(2);
    expect(report.problemCount).toBe(3);
    expect(report.problems.map((p) => p.line)).toEqual([2, 3, 7]);
    expect(report.problems[0]!.message).toMatch(/^bad JSON/);
    expect(report.problems[1]!.message).toBe('missing event');
    expect(report.problems[2]!.message).toMatch(/^INVALID_EVENT: request/);
    const stored = await h.call('events.list', { tag: 'batch-1' });
    expect(ids(stored)).toEqual(['n1', 'n4']);
    expect(stored.events[0]!.event).toMatchObject({ user: { email: 'n1@x.io' } });
    // The time filter reads imported events too.
    expect(ids(await h.call('events.list', { from: '2026-11-20T00:00:00Z' }))).toEqual(['n4']);
  });

  it('reads a JSON array, pins on request, and lists at most 1000 problems while counting all', async () => {
    const h = harness();
    const array = JSON.stringify([signup('p1', 'p1@x.io'), signup('p2', 'p2@x.io')], null, 2);
    expect(await h.call('events.import', { text: array, pinned: true })).toEqual({
      imported: 2,
      duplicates: 0,
      problems: [],
      problemCount: 0,
    });
    expect(await h.call('events.facets', {})).toMatchObject({ total: 2, pinned: 2 });

    const bad = Array.from({ length: 1200 }, (_, i) => `not json ${i}`).join('\n');
    const report = await h.call('events.import', { text: `${bad}\n${JSON.stringify(signup('p3', 'p3@x.io'))}` });
    expect(report).toMatchObject({ imported: 1, problemCount: 1200 });
    expect(report.problems).toHaveLength(1000);
    expect(report.problems[999]!.line).toBe(1000);
  });
});

describe('events.import in chunks, with import.progress', () => {
  type ImportProgress = EventPayload<'import.progress'>;
  const progressOf = (h: ReturnType<typeof harness>) => {
    const pushed: ImportProgress[] = [];
    h.core.events.subscribe((event) => {
      if (event.name === 'import.progress') pushed.push(event.payload as ImportProgress);
    });
    return pushed;
  };

  it('stores a large file chunk by chunk, pushing progress after each and once at the end', async () => {
    const h = harness();
    const pushed = progressOf(h);
    const lines = Array.from({ length: 4500 }, (_, i) => JSON.stringify(signup(`big-${i}`, `u${i}@x.io`)));
    lines[2999] = 'not json'; // line 3000, in the second chunk
    lines[3500] = JSON.stringify(signup('big-5', 'again@x.io')); // a repeat of line 6, two chunks later
    lines[importChunkLines] = '[1, 2]'; // would start the second chunk as an array: stays in the first
    const report = await h.call('events.import', { text: lines.join('\n'), fileName: 'big.ndjson', importId: 'imp-1' });
    expect(report).toMatchObject({ imported: 4497, duplicates: 1, problemCount: 2 });
    expect(report.problems).toEqual([
      { line: importChunkLines + 1, message: 'not a JSON object' },
      { line: 3000, message: expect.stringMatching(/^bad JSON/) as unknown as string },
    ]);
    expect(pushed.map(({ status, read }) => [status, read])).toEqual([
      ['running', importChunkLines + 1],
      ['running', 2 * importChunkLines + 1],
      ['running', 4500],
      ['done', 4500],
    ]);
    expect(pushed.at(-1)).toEqual({
      importId: 'imp-1',
      fileName: 'big.ndjson',
      status: 'done',
      read: 4500,
      total: 4500,
      imported: 4497,
      duplicates: 1,
      problems: 2,
    });
    expect((await h.call('events.facets', {})).total).toBe(4497);
  });

  it('pushes nothing without an importId, and reports a failed import before answering', async () => {
    const h = harness();
    const pushed = progressOf(h);
    await h.call('events.import', { text: JSON.stringify([signup('a1', 'a@x.io')]) });
    expect(pushed).toEqual([]);

    const array = JSON.stringify([signup('a2', 'b@x.io'), signup('a1', 'c@x.io'), { id: 'bad' }], null, 2);
    expect(await h.call('events.import', { text: array, importId: 'arr' })).toMatchObject({
      imported: 1,
      duplicates: 1,
      problemCount: 1,
    });
    expect(pushed.map(({ status, read, total }) => [status, read, total])).toEqual([
      ['running', 3, 3],
      ['done', 3, 3],
    ]);

    // The core closes between two chunks: the import is reported failed before it is answered.
    pushed.length = 0;
    const closing = h.core.events.subscribe((event) => {
      if (event.name === 'import.progress') void h.core.close();
    });
    const lines = Array.from({ length: importChunkLines + 10 }, (_, i) => JSON.stringify(signup(`c${i}`, 'e@x.io')));
    const failed = await h.fail('events.import', { text: lines.join('\n'), importId: 'cut' });
    closing();
    expect(failed).toEqual({ code: 'UNAVAILABLE', message: 'The studio core is shutting down.' });
    expect(pushed.map(({ status, read, imported }) => [status, read, imported])).toEqual([
      ['running', importChunkLines, importChunkLines],
      ['failed', importChunkLines, importChunkLines],
    ]);
  });
});

describe('events.save', () => {
  it('creates an event, refuses a second create and replaces while keeping tags and pin', async () => {
    const h = harness();
    const created = await h.call('events.save', {
      record: { ...signup('new-1', 'a@x.io'), at: '2026-11-20T10:00:00Z' },
      create: true,
    });
    expect(created).toMatchObject({ id: 'new-1', pinned: false, tags: [], at: '2026-11-20T10:00:00Z' });
    expect(await h.fail('events.save', { record: { ...signup('new-1', 'b@x.io') }, create: true })).toEqual({
      code: 'CONFLICT',
      message: 'The library already has an event "new-1".',
    });

    await h.call('events.setTags', { id: 'new-1', tags: ['edited', ' edited ', ''] });
    await h.call('events.setPinned', { ids: ['new-1'], pinned: true });
    const replaced = await h.call('events.save', {
      record: { ...signup('new-1', 'b@x.io'), outcome: { allow: true } },
      create: false,
    });
    expect(replaced).toMatchObject({ id: 'new-1', pinned: true, tags: ['edited'], outcome: { allow: true } });
    expect(replaced.event).toMatchObject({ user: { email: 'b@x.io' } });
    // `at` was not in the new record: gone, and with it from time filters.
    expect(replaced.at).toBeUndefined();
    expect(await h.call('events.list', { from: '2026-01-01T00:00:00Z' })).toMatchObject({ total: 0 });
    expect(replaced.importedAt).toBe(created.importedAt);

    expect(await h.fail('events.save', { record: { ...signup('ghost', 'g@x.io') }, create: false })).toEqual({
      code: 'NOT_FOUND',
      message: 'There is no recorded event "ghost".',
    });
  });

  it('answers INVALID_EVENT saying what is wrong with the envelope or the payload', async () => {
    const h = harness();
    const invalid = async (record: object) => {
      const error = await h.fail('events.save', { record: record as Record<string, unknown>, create: true });
      expect(error.code).toBe('INVALID_EVENT');
      return error.message;
    };
    expect(await invalid({ hook: 'signup.before', event: {} })).toBe('INVALID_EVENT: missing id');
    expect(await invalid({ id: 'x', hook: 'nope', event: {} })).toBe('INVALID_EVENT: unknown hook "nope"');
    expect(await invalid({ id: 'x', hook: 'signup.before', event: [] })).toBe(
      'INVALID_EVENT: event must be a JSON object',
    );
    expect(await invalid({ id: 'x', hook: 'signup.before', event: { user: {} } })).toMatch(
      /^INVALID_EVENT: .*request: required field is missing/,
    );
    expect(await invalid({ ...signup('x'.repeat(201), 'a@x.io') })).toBe(
      'INVALID_EVENT: id must be at most 200 characters',
    );
    expect(await h.call('events.facets', {})).toMatchObject({ total: 0 });
  });
});

describe('events.setPinned, events.setTags, events.delete', () => {
  it('pins and unpins, counting only real changes, and deletes', async () => {
    const h = harness();
    importEvents(h.dir, [signup('a', 'a@x.io'), signup('b', 'b@x.io'), signup('c', 'c@x.io')]);
    expect(await h.call('events.setPinned', { ids: ['a', 'b', 'b', 'ghost'], pinned: true })).toEqual({ changed: 2 });
    expect(await h.call('events.setPinned', { ids: ['a', 'c'], pinned: true })).toEqual({ changed: 1 });
    expect(await h.call('events.setPinned', { ids: ['a'], pinned: false })).toEqual({ changed: 1 });
    expect(ids(await h.call('events.list', { pinned: true }))).toEqual(['b', 'c']);

    expect(await h.call('events.setTags', { id: 'b', tags: ['x', 'y'] })).toMatchObject({ id: 'b', tags: ['x', 'y'] });
    expect((await h.fail('events.setTags', { id: 'ghost', tags: [] })).code).toBe('NOT_FOUND');

    expect(await h.call('events.delete', { ids: ['a', 'b', 'ghost'] })).toEqual({ deleted: 2 });
    expect(ids(await h.call('events.list', {}))).toEqual(['c']);
    expect((await h.fail('events.delete', { ids: [] })).code).toBe('INVALID_INPUT');
  });
});
