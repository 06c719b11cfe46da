import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../core/store';
import { exampleBundle, exampleEvents, json, mountTinyDisk, useCliSandbox } from './workspace-cli-harness';

// `events import <file>` through the real CLI: bad lines reported and skipped, duplicates counted.
const sandbox = useCliSandbox('cli-events-');
const { cli } = sandbox;

interface EventsSummary {
  imported: number;
  duplicates: number;
  problems: { line: number; message: string }[];
}

const event = (id: string, email = 'a@example.com') =>
  JSON.stringify({
    id,
    hook: 'signup.before',
    event: { request: { ip: '203.0.113.7' }, user: { email }, provider: 'email' },
  });

function file(name: string, text: string): string {
  const target = path.join(sandbox.base, name);
  writeFileSync(target, text);
  return target;
}

function storedIds(data: string): string[] {
  const workspace = Workspace.open({ dir: data });
  try {
    return workspace.events.list().map((stored) => stored.id);
  } finally {
    workspace.close();
  }
}

describe('events import', () => {
  it('imports NDJSON, reports each bad line by number, skips duplicates, and keeps the good lines', () => {
    const data = sandbox.path('data');
    const input = file(
      'mixed.ndjson',
      [
        event('e1'),
        'not json at all',
        JSON.stringify({ id: 'e2', hook: 'signup.sideways', event: {} }),
        '',
        event('e1', 'again@example.com'),
        JSON.stringify({ hook: 'signup.before', event: { request: { ip: '203.0.113.7' } } }),
        event('e3'),
      ].join('\n'),
    );
    const result = cli(['events', 'import', input, '--data', data]);
    expect(result.code, result.stderr).toBe(0);
    const summary = json<EventsSummary>(result);
    expect(summary.imported).toBe(2);
    expect(summary.duplicates).toBe(1);
    expect(summary.problems.map((problem) => problem.line)).toEqual([2, 3, 6]);
    expect(summary.problems[1]!.message).toContain('unknown hook');
    expect(summary.problems[2]!.message).toContain('missing id');
    for (const line of [2, 3, 6]) expect(result.stderr).toContain(`${input}:${line}: `);
    expect(storedIds(data)).toEqual(['e1', 'e3']);

    // Again: everything good is now a duplicate of the library; --strict turns the bad lines into exit 1.
    const again = cli(['events', 'import', input, '--data', data, '--strict']);
    expect(again.code).toBe(1);
    expect(json<EventsSummary>(again)).toMatchObject({ imported: 0, duplicates: 3 });
    expect(storedIds(data)).toEqual(['e1', 'e3']);
  });

  it('imports the example capture and a JSON array, numbering an array element by the line it starts on', () => {
    const data = sandbox.path('data');
    const first = cli(['events', 'import', exampleEvents, '--data', data]);
    expect(first.code, first.stderr).toBe(0);
    const lines = readFileSync(exampleEvents, 'utf8').trim().split('\n').length;
    expect(json<EventsSummary>(first)).toEqual({ imported: lines, duplicates: 0, problems: [] });

    const array = file('events.json', `[\n  ${event('a1')},\n  {"id": "a2",\n   "hook": 7},\n  ${event('evt_1')}\n]\n`);
    const result = cli(['events', 'import', array, '--data', data]);
    expect(result.code, result.stderr).toBe(0);
    const summary = json<EventsSummary>(result);
    expect(summary).toMatchObject({ imported: 1, duplicates: 1 });
    expect(summary.problems).toHaveLength(1);
    expect(summary.problems[0]!.line).toBe(3);
    expect(storedIds(data)).toContain('a1');
  });

  it('exits 2 for an unreadable file, and for a file with no recorded event without creating a workspace', () => {
    const data = sandbox.path('data');
    const missing = cli(['events', 'import', path.join(sandbox.base, 'nope.ndjson'), '--data', data]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^pipeline-studio: events import: cannot read .*nope\.ndjson: no such file$/);

    const csv = file('capture.csv', 'id,hook,event\n1,signup.before,{}\n');
    const wrong = cli(['events', 'import', csv, '--data', data]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`${csv}:1: `);
    expect(wrong.stderr).toContain('no line is a recorded event');
    expect(json<EventsSummary>(wrong)).toMatchObject({ imported: 0, duplicates: 0 });
    expect(existsSync(data)).toBe(false);

    expect(cli(['events', 'import', sandbox.base, '--data', data]).code).toBe(2);
    expect(cli(['events', '--data', data]).code).toBe(2);
    expect(cli(['events', 'export', csv]).code).toBe(2);
  });

  it('takes an empty file as nothing to import', () => {
    const data = sandbox.path('data');
    const result = cli(['events', 'import', file('empty.ndjson', ''), '--data', data]);
    expect(result.code).toBe(0);
    expect(json<EventsSummary>(result)).toEqual({ imported: 0, duplicates: 0, problems: [] });
  });

  it('reports a full disk in one line with exit 2 and stores none of the file', (context) => {
    const disk = sandbox.path('disk');
    mkdirSync(disk);
    const unmount = mountTinyDisk(disk, 600);
    if (!unmount) return context.skip();
    try {
      const data = path.join(disk, 'workspace');
      expect(cli(['import', exampleBundle, '--data', data]).code).toBe(0);
      const padding = 'x'.repeat(300);
      const lines = Array.from({ length: 3000 }, (_, i) =>
        JSON.stringify({
          id: `big${i}`,
          hook: 'signup.before',
          event: { request: { ip: '203.0.113.7' }, user: { email: `u${i}@example.com` }, provider: 'email', padding },
        }),
      );
      const result = cli(['events', 'import', file('big.ndjson', lines.join('\n')), '--data', data]);
      expect(result.code).toBe(2);
      const stderr = result.stderr.trim().split('\n');
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toContain('DISK_FULL');
      expect(stderr[0]).toContain(path.join(data, 'workspace.db'));
      expect(storedIds(data)).toEqual([]);
    } finally {
      unmount();
    }
  });
});
