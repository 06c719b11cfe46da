import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../shared/engine';
import { Workspace } from '../store';
import { useAuthoringHarness } from './testing/authoring-harness';

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
function importEvents(dir: string, events: RecordedEvent[], options: { pinned?: boolean } = {}): void {
  const workspace = Workspace.open({ dir });
  try {
    workspace.events.import(events, options);
  } finally {
    workspace.close();
  }
}

describe('events.list', () => {
  it('is empty for a new workspace', async () => {
    const { call } = harness();
    expect(await call('events.list', {})).toEqual([]);
    expect(await call('events.list', { hook: 'signup.before' })).toEqual([]);
  });

  it('lists the recorded events in import order, with outcome, time and source, filtered by hook', async () => {
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
    importEvents(h.dir, [signup('evt-4', 'd@example.com')], { pinned: true });

    const all = await h.call('events.list', {});
    expect(all.map((e) => e.id)).toEqual(['evt-1', 'evt-2', 'evt-3', 'evt-4']);
    expect(all[0]).toEqual({
      id: 'evt-1',
      hook: 'signup.before',
      at: '2026-11-20T10:00:00.000Z',
      source: 'prod-eu',
      pinned: false,
      event: { user: { email: 'a@mailinator.com' }, provider: 'email', request: { ip: '203.0.113.7' } },
      outcome: { allow: false, reason: 'disposable email', code: 'DISPOSABLE' },
    });
    // Absent fields stay absent (no nulls); tags and the import time are not sent.
    expect(all[3]).toEqual({
      id: 'evt-4',
      hook: 'signup.before',
      pinned: true,
      event: { user: { email: 'd@example.com' }, provider: 'email', request: { ip: '203.0.113.7' } },
    });

    const signups = await h.call('events.list', { hook: 'signup.before' });
    expect(signups.map((e) => e.id)).toEqual(['evt-1', 'evt-3', 'evt-4']);
    expect((await h.call('events.list', { hook: 'signup.before', limit: 2 })).map((e) => e.id)).toEqual([
      'evt-1',
      'evt-3',
    ]);
    expect(await h.call('events.list', { hook: 'token.enrich' })).toEqual([]);
    expect(h.internalErrors).toEqual([]);
  });

  it('returns 100 events unless asked for more, and at most 500', async () => {
    const h = harness();
    importEvents(
      h.dir,
      Array.from({ length: 120 }, (_, i) => signup(`evt-${String(i).padStart(3, '0')}`, `u${i}@example.com`)),
    );
    expect(await h.call('events.list', {})).toHaveLength(100);
    expect(await h.call('events.list', { limit: 500 })).toHaveLength(120);
    expect(await h.fail('events.list', { limit: 0 })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await h.fail('events.list', { limit: 501 })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await h.fail('events.list', { limit: 1.5 })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await h.fail('events.list', { hook: 'nope' as never })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await h.fail('events.list', { tag: 'x' } as never)).toMatchObject({ code: 'INVALID_INPUT' });
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
