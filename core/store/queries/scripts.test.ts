import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/temp-dirs';
import { openTestWorkspace } from '../testing/workspace-harness';
import type { Workspace } from '../workspace';

const tempDir = useTempDirs();
let workspace: Workspace;
const open = () => (workspace = openTestWorkspace(tempDir()));
afterEach(() => workspace?.close());

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('scripts', () => {
  it('creates a script on first save, with version 1 hashed by SHA-256', () => {
    open();
    const saved = workspace.scripts.save('block-disposable', 'return { allow = false }', { message: 'first' });
    expect(saved.created).toBe(true);
    expect(saved.version).toMatchObject({
      scriptId: 'block-disposable',
      version: 1,
      contentHash: sha256('return { allow = false }'),
      message: 'first',
      createdAt: expect.stringMatching(/^2026-11-20T10:00:\d\d\.000Z$/),
    });
    expect(workspace.scripts.get('block-disposable')).toMatchObject({
      id: 'block-disposable',
      file: 'scripts/block-disposable.lua',
      archived: false,
      latest: { version: 1 },
    });
  });

  it('does not create a version for identical content, but does for a return to older content', () => {
    open();
    workspace.scripts.save('s', 'return 1');
    expect(workspace.scripts.save('s', 'return 1', { message: 'again' }).created).toBe(false);
    expect(workspace.scripts.save('s', 'return 2').version.version).toBe(2);
    expect(workspace.scripts.save('s', 'return 1').version.version).toBe(3);
    expect(workspace.scripts.versions('s').map((v) => v.version)).toEqual([3, 2, 1]);
    expect(workspace.scripts.version('s', 2)?.source).toBe('return 2');
    expect(workspace.scripts.latest('s')?.source).toBe('return 1');
  });

  it('keeps versions immutable', () => {
    open();
    workspace.scripts.save('s', 'return 1');
    const db = (workspace as unknown as { db: { prepare(sql: string): { run(): unknown } } }).db;
    expect(() => db.prepare("UPDATE script_versions SET source = 'return 666'").run()).toThrow(/immutable/);
    expect(workspace.scripts.latest('s')?.source).toBe('return 1');
  });

  it('finds the versions that have a content hash (a trace names scripts by hash)', () => {
    open();
    workspace.scripts.save('a', 'return true');
    workspace.scripts.save('b', 'return true');
    expect(workspace.scripts.findByHash(sha256('return true')).map((v) => v.scriptId)).toEqual(['a', 'b']);
  });

  it('refuses bad ids, ids differing only in case, unsafe files and out-of-range timeouts', () => {
    open();
    expect(() => workspace.scripts.save('../evil', 'x')).toThrow(expect.objectContaining({ code: 'INVALID' }));
    workspace.scripts.save('add-roles', 'x');
    expect(() => workspace.scripts.save('Add-Roles', 'y')).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => workspace.scripts.updateSettings('add-roles', { file: '../x.lua' })).toThrow(
      /inside the bundle folder/,
    );
    expect(() => workspace.scripts.updateSettings('add-roles', { timeoutMs: 60_000 })).toThrow(/timeoutMs/);
    expect(() => workspace.scripts.updateSettings('nope', { description: 'x' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });

  it('updates and clears settings', () => {
    open();
    workspace.scripts.save('s', 'x', { settings: { description: 'Refuse throwaway mailboxes', timeoutMs: 1000 } });
    expect(workspace.scripts.get('s')).toMatchObject({ description: 'Refuse throwaway mailboxes', timeoutMs: 1000 });
    const updated = workspace.scripts.updateSettings('s', { description: null, onError: 'allow' });
    expect(updated.description).toBeUndefined();
    expect(updated).toMatchObject({ timeoutMs: 1000, onError: 'allow' });
  });

  it('archives a script (keeping its versions) only when no hook uses it; saving revives it', () => {
    open();
    workspace.scripts.save('s', 'return 1');
    workspace.pipeline.setLayers('signup.before', [['s']]);
    expect(() => workspace.scripts.archive('s')).toThrow(/still used by signup.before/);
    workspace.pipeline.setLayers('signup.before', []);
    workspace.scripts.archive('s');
    expect(workspace.scripts.list()).toEqual([]);
    expect(workspace.scripts.list({ includeArchived: true })[0]).toMatchObject({ id: 's', archived: true });
    expect(workspace.scripts.versions('s')).toHaveLength(1);
    workspace.scripts.save('s', 'return 1');
    expect(workspace.scripts.get('s')?.archived).toBe(false);
  });
});
