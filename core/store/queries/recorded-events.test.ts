import { afterEach, describe, expect, it } from 'vitest';
import { parseRecordedEvents, type RecordedEvent } from '../../../shared/engine';
import { useTempDirs } from '../testing/temp-dirs';
import { openTestWorkspace } from '../testing/workspace-harness';
import type { Workspace } from '../workspace';

const tempDir = useTempDirs();
let workspace: Workspace;
afterEach(() => workspace?.close());

const event = (id: string, extra: Partial<RecordedEvent> = {}): RecordedEvent => ({
  id,
  hook: 'signup.before',
  event: { request: { ip: '203.0.113.7' }, user: { email: `${id}@example.com` }, provider: 'email' },
  ...extra,
});

describe('recorded events', () => {
  it('import keeps every field and skips duplicate ids, counting them', () => {
    workspace = openTestWorkspace(tempDir());
    const first = workspace.events.import([
      event('evt_1', {
        at: '2026-11-20T10:00:00.000Z',
        outcome: { allow: false, reason: 'disposable' },
        source: 'staging',
      }),
      event('evt_2', { outcome: null }),
    ]);
    expect(first).toEqual({ imported: 2, duplicates: 0, duplicateIds: [] });
    const again = workspace.events.import([event('evt_2'), event('evt_3'), event('evt_3')], { tags: ['batch-2'] });
    expect(again).toEqual({ imported: 1, duplicates: 2, duplicateIds: ['evt_2', 'evt_3'] });

    expect(workspace.events.get('evt_1')).toMatchObject({
      at: '2026-11-20T10:00:00.000Z',
      outcome: { allow: false, reason: 'disposable' },
      source: 'staging',
      tags: [],
      pinned: false,
    });
    // A recorded `null` outcome is kept apart from no outcome at all.
    expect(workspace.events.get('evt_2')?.outcome).toBeNull();
    expect(workspace.events.get('evt_3')).not.toHaveProperty('outcome');
    expect(workspace.events.get('evt_3')?.tags).toEqual(['batch-2']);
    expect(workspace.events.list().map((e) => e.id)).toEqual(['evt_1', 'evt_2', 'evt_3']);
  });

  it('feeds the ids it has to the NDJSON parser, so re-importing a file only counts duplicates', () => {
    workspace = openTestWorkspace(tempDir());
    const text = [event('evt_1'), event('evt_2')].map((e) => JSON.stringify(e)).join('\n');
    workspace.events.import(parseRecordedEvents(text).events);
    const parsed = parseRecordedEvents(text, { knownIds: workspace.events.ids() });
    expect(parsed).toMatchObject({ events: [], duplicates: 2 });
  });

  it('pins the regression suite, tags and filters', () => {
    workspace = openTestWorkspace(tempDir());
    workspace.events.import([
      event('a'),
      event('b'),
      event('c', { hook: 'token.enrich', event: { request: { ip: '1.2.3.4' } } }),
    ]);
    expect(workspace.events.setPinned(['a', 'c', 'missing'], true)).toBe(2);
    expect(workspace.events.setPinned(['a'], true)).toBe(0);
    workspace.events.setTags('b', [' fraud ', 'fraud', '', 'eu']);
    expect(workspace.events.get('b')?.tags).toEqual(['fraud', 'eu']);
    expect(workspace.events.pinned().map((e) => e.id)).toEqual(['a', 'c']);
    expect(workspace.events.list({ hook: 'signup.before', pinned: true }).map((e) => e.id)).toEqual(['a']);
    expect(workspace.events.list({ tag: 'eu' }).map((e) => e.id)).toEqual(['b']);
    expect(workspace.events.count({ hook: 'signup.before' })).toBe(2);
    expect(workspace.events.list({ limit: 1, offset: 1 }).map((e) => e.id)).toEqual(['b']);
    expect(() => workspace.events.setTags('missing', [])).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(workspace.events.delete(['a', 'b', 'x'])).toBe(2);
    expect(workspace.events.count()).toBe(1);
  });

  it('imports all or nothing when an event is unusable', () => {
    workspace = openTestWorkspace(tempDir());
    const bad = { ...event('bad'), hook: 'signup.never' } as unknown as RecordedEvent;
    expect(() => workspace.events.import([event('ok'), bad])).toThrow(/unknown hook/);
    expect(workspace.events.count()).toBe(0);
  });

  it('filters by source, time (as instants) and text, and counts what matches', () => {
    workspace = openTestWorkspace(tempDir());
    workspace.events.import([
      event('utc', { at: '2026-11-20T10:00:00Z', source: 'eu' }),
      event('offset', { at: '2026-11-20T11:30:00+02:00', source: 'us' }),
      event('late', { at: '2026-11-21T00:00:00.001Z' }),
      event('none'),
      event('odd', { at: 'not a time' }),
      event('shout', { event: { request: { ip: '203.0.113.7' }, user: { email: 'LOUD@EXAMPLE.COM' } } }),
    ]);
    const ids = (filter: Parameters<Workspace['events']['list']>[0]) => workspace.events.list(filter).map((e) => e.id);
    const at = (iso: string) => Date.parse(iso);
    expect(ids({ source: 'eu' })).toEqual(['utc']);
    expect(ids({ fromMs: at('2026-11-20T09:30:00Z') })).toEqual(['utc', 'offset', 'late']);
    expect(ids({ fromMs: at('2026-11-20T09:30:00.001Z') })).toEqual(['utc', 'late']);
    expect(ids({ toMs: at('2026-11-20T10:00:00Z') })).toEqual(['offset']);
    expect(ids({ text: 'loud@example' })).toEqual(['shout']);
    expect(ids({ text: 'OFFSET' })).toEqual(['offset']);
    expect(ids({ text: 'example.com', source: 'us' })).toEqual(['offset']);
    expect(workspace.events.count({ text: 'example.com' })).toBe(6);
    expect(ids({ limit: null, offset: 4 })).toEqual(['odd', 'shout']);
  });

  it('creates, replaces (keeping tags, pin and import time) and fetches several in the order asked', () => {
    workspace = openTestWorkspace(tempDir());
    const created = workspace.events.create(event('a', { at: '2026-11-20T10:00:00Z' }), { tags: ['x'] });
    expect(created).toMatchObject({ id: 'a', tags: ['x'], pinned: false, at: '2026-11-20T10:00:00Z' });
    expect(() => workspace.events.create(event('a'))).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    workspace.events.setPinned(['a'], true);
    const replaced = workspace.events.replace(event('a', { hook: 'signin.before', source: 'edited' }));
    expect(replaced).toMatchObject({ hook: 'signin.before', source: 'edited', tags: ['x'], pinned: true });
    expect(replaced.importedAt).toBe(created.importedAt);
    expect(replaced).not.toHaveProperty('at');
    expect(workspace.events.count({ fromMs: 0 })).toBe(0);
    expect(() => workspace.events.replace(event('b'))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));

    workspace.events.import([event('b'), event('c')]);
    expect(workspace.events.getMany(['c', 'x', 'a', 'c', 'y'])).toEqual({
      events: [workspace.events.get('c'), workspace.events.get('a')],
      missing: ['x', 'y'],
    });
    const many = Array.from({ length: 1200 }, (_, i) => `m${i}`);
    workspace.events.import(many.map((id) => event(id)));
    expect(workspace.events.getMany([...many].reverse()).events.map((e) => e.id)).toEqual([...many].reverse());
  });

  it('gives the filter menus counts per hook, sources and tags', () => {
    workspace = openTestWorkspace(tempDir());
    expect(workspace.events.facets()).toEqual({ total: 0, pinned: 0, hooks: [], sources: [], tags: [] });
    workspace.events.import([event('a', { source: 'eu' }), event('b', { source: 'eu' })], { tags: ['t2', 't1'] });
    workspace.events.import([event('c', { hook: 'token.enrich', source: 'us' })], { pinned: true, tags: ['t1'] });
    expect(workspace.events.facets()).toEqual({
      total: 3,
      pinned: 1,
      hooks: [
        { hook: 'signup.before', count: 2 },
        { hook: 'token.enrich', count: 1 },
      ],
      sources: ['eu', 'us'],
      tags: ['t1', 't2'],
    });
  });
});
