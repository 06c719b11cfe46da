import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databasePath, moveCorruptDatabaseAside, openDatabase } from './database';
import { StoreError } from './errors';
import { runChildForJson } from './testing/child-process';
import { makeTrace } from './testing/trace-fixtures';
import { useTempDirs } from './testing/temp-dirs';
import { Workspace } from './workspace';

const tempDir = useTempDirs();
const isRoot = process.getuid?.() === 0;

function storeErrorOf(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('expected a StoreError, nothing was thrown');
}

/** Root can mount a tmpfs (a container with CAP_SYS_ADMIN, CI); elsewhere those tests are skipped. */
let mountable: boolean | undefined;
function canMount(): boolean {
  mountable ??= probeMount();
  return mountable;
}
function probeMount(): boolean {
  if (!isRoot) return false;
  const probe = path.join(tempDir(), 'probe');
  mkdirSync(probe);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
  if (mounted) spawnSync('umount', [probe]);
  return mounted;
}
const mounts: string[] = [];
function mountTmpfs(sizeKb: number): string {
  const dir = path.join(tempDir(), 'mnt');
  mkdirSync(dir);
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`mount failed: ${result.stderr}`);
  mounts.push(dir);
  return dir;
}
// Registered after useTempDirs, so it runs before the folders are removed (hooks run as a stack).
afterEach(() => {
  for (const dir of mounts.splice(0)) spawnSync('umount', ['-l', dir]);
});

describe('openDatabase', () => {
  it('sets WAL, foreign keys, full sync and the busy timeout on every connection', () => {
    const db = openDatabase(tempDir(), { busyTimeoutMs: 1234 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    db.close();
  });

  it('creates the data folder, nested', () => {
    const dir = path.join(tempDir(), 'a', 'Pipeline Studio');
    openDatabase(dir).close();
    expect(existsSync(databasePath(dir))).toBe(true);
  });

  it.skipIf(process.platform === 'win32')('keeps a new folder and database to their user (0700, 0600)', () => {
    const dir = path.join(tempDir(), 'Pipeline Studio');
    const db = openDatabase(dir);
    db.exec('CREATE TABLE t (x INTEGER) STRICT; INSERT INTO t VALUES (1)');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const file of ['workspace.db', 'workspace.db-wal', 'workspace.db-shm']) {
      expect(statSync(path.join(dir, file)).mode & 0o777, file).toBe(0o600);
    }
    db.close();
  });
});

describe('a corrupt database file', () => {
  it('is reported as CORRUPT with its path and is not replaced', () => {
    const dir = tempDir();
    const garbage = Buffer.from(Array.from({ length: 16_384 }, (_, i) => (i * 131 + 7) % 256));
    writeFileSync(databasePath(dir), garbage);
    const error = storeErrorOf(() => Workspace.open({ dir }));
    expect(error.code).toBe('CORRUPT');
    expect(error.path).toBe(databasePath(dir));
    expect(error.message).toContain(databasePath(dir));
    expect(error.message).toMatch(/left untouched/);
    expect(readFileSync(databasePath(dir)).equals(garbage)).toBe(true);
    // Asking again gives the same answer: nothing was repaired or recreated behind the user's back.
    expect(storeErrorOf(() => Workspace.open({ dir })).code).toBe('CORRUPT');
  });

  it('is found when its pages are damaged behind an intact header', () => {
    const dir = tempDir();
    const workspace = Workspace.open({ dir });
    workspace.scripts.save('s', 'return true');
    workspace.traces.writeMany(Array.from({ length: 200 }, () => makeTrace({ logs: ['x'.repeat(500)] })));
    workspace.close();
    const bytes = readFileSync(databasePath(dir));
    for (let i = 4096; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    writeFileSync(databasePath(dir), bytes);
    const error = storeErrorOf(() => {
      const reopened = Workspace.open({ dir });
      try {
        reopened.scripts.list();
        reopened.traces.list({ text: 'xxx' });
      } finally {
        reopened.close();
      }
    });
    expect(error.code).toBe('CORRUPT');
    expect(error.message).toContain(databasePath(dir));
  });

  it('is moved aside, with its -wal and -shm, only when asked; then a new workspace starts', () => {
    const dir = tempDir();
    writeFileSync(databasePath(dir), 'not a database at all, just text');
    writeFileSync(`${databasePath(dir)}-wal`, 'wal');
    writeFileSync(`${databasePath(dir)}-shm`, 'shm');
    expect(storeErrorOf(() => Workspace.open({ dir })).code).toBe('CORRUPT');
    const moved = moveCorruptDatabaseAside(dir, new Date('2026-11-20T10:00:00.123Z'));
    expect(path.basename(moved)).toBe('workspace.db.corrupt-20261120T100000123Z');
    expect(readFileSync(moved, 'utf8')).toBe('not a database at all, just text');
    expect(readdirSync(dir).sort()).toEqual([
      'workspace.db.corrupt-20261120T100000123Z',
      'workspace.db.corrupt-20261120T100000123Z-shm',
      'workspace.db.corrupt-20261120T100000123Z-wal',
    ]);
    const fresh = Workspace.open({ dir });
    expect(fresh.scripts.list()).toEqual([]);
    fresh.close();
    expect(() => moveCorruptDatabaseAside(tempDir())).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('a full disk', () => {
  it('is DISK_FULL (size cap: max_page_count), naming the file, and loses nothing committed', () => {
    const dir = tempDir();
    Workspace.open({ dir }).close();
    const workspace = Workspace.open({ dir, maxSizeBytes: 1024 * 1024 });
    workspace.scripts.save('kept', 'return "kept"');
    const error = storeErrorOf(() => {
      for (let i = 0; i < 1000; i++)
        workspace.traces.writeMany(Array.from({ length: 20 }, () => makeTrace({ logs: ['y'.repeat(1000)] })));
    });
    expect(error.code).toBe('DISK_FULL');
    expect(error.path).toBe(databasePath(dir));
    expect(error.message).toMatch(/is full.*Free some space/s);
    // The failed batch was rolled back; the workspace still works for reading and small deletes.
    expect(workspace.scripts.latest('kept')?.source).toBe('return "kept"');
    expect(workspace.integrityProblems()).toEqual([]);
    workspace.close();
    const reopened = Workspace.open({ dir });
    expect(reopened.integrityProblems()).toEqual([]);
    reopened.close();
  });

  it.skipIf(!canMount())('is DISK_FULL on a real full file system (tiny tmpfs)', () => {
    const dir = path.join(mountTmpfs(1024), 'data');
    const workspace = Workspace.open({ dir });
    workspace.scripts.save('kept', 'return "kept"');
    const error = storeErrorOf(() => {
      for (let i = 0; i < 1000; i++)
        workspace.traces.writeMany(Array.from({ length: 20 }, () => makeTrace({ logs: ['z'.repeat(1000)] })));
    });
    expect(error.code).toBe('DISK_FULL');
    expect(error.message).toContain(databasePath(dir));
    expect(workspace.scripts.latest('kept')?.source).toBe('return "kept"');
    workspace.close();
    const reopened = Workspace.open({ dir });
    expect(reopened.integrityProblems()).toEqual([]);
    expect(reopened.scripts.latest('kept')?.source).toBe('return "kept"');
    reopened.close();
  });
});

// ---- A child another user can run

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
/** Packages with a native addon: esbuild cannot bundle them, so their files are copied instead. */
const nativePackages = ['better-sqlite3'];

/** Whether every folder from `/` down to `dir` lets other users through (mode o+x). */
function traversableByOthers(dir: string): boolean {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    try {
      if ((statSync(current).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (current === path.dirname(current)) return true;
  }
}

/** The files that loading the native packages reads, as a plain `node` in the repository resolves them. */
function nativeRuntimeFiles(): string[] {
  const probe = [
    `const Database = require('better-sqlite3');`,
    // The addon is loaded by the first connection, not by the import.
    `new Database(':memory:').close();`,
    `process.stdout.write(JSON.stringify(Object.keys(require.cache)));`,
  ].join('\n');
  const result = spawnSync(process.execPath, ['-e', probe], { cwd: repositoryRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`could not load ${nativePackages.join(', ')}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as string[]).filter((file) => path.isAbsolute(file));
}

/**
 * Bundles a child entry into a fresh folder under the temp dir that every user can read, with the
 * native packages' files in a node_modules beside it. The helper cannot live in the repository
 * (node_modules/.cache, child-process.ts): a clone under a private folder (a 0700 home or
 * `mktemp -d`) is out of reach of the unprivileged user, and so are its node_modules.
 */
async function buildChildForAnotherUser(entry: string): Promise<{ script: string; folder: string }> {
  const base = [os.tmpdir(), '/tmp', '/var/tmp', '/dev/shm'].find(traversableByOthers);
  if (!base) throw new Error('no temporary folder that other users can reach (tried TMPDIR, /tmp, /var/tmp, /dev/shm)');
  const folder = mkdtempSync(path.join(base, 'studio-store-child-'));
  const script = path.join(folder, `${path.basename(entry, '.ts')}.mjs`);
  await build({
    entryPoints: [entry],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: nativePackages,
    logLevel: 'warning',
  });
  const nodeModules = path.join(repositoryRoot, 'node_modules');
  const copied = new Set<string>();
  const copy = (relative: string) => {
    if (copied.has(relative)) return;
    copied.add(relative);
    const target = path.join(folder, 'node_modules', relative);
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(nodeModules, relative), target);
  };
  for (const file of nativeRuntimeFiles()) {
    const relative = path.relative(nodeModules, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
    const parts = relative.split(path.sep);
    const packageDir = parts.slice(0, parts[0]?.startsWith('@') ? 2 : 1).join(path.sep);
    // Resolution and `bindings` (which finds the addon from its package's root) read package.json.
    copy(path.join(packageDir, 'package.json'));
    copy(relative);
  }
  // Readable (and its folders enterable) by everyone; writable by no one but us.
  const open = (dir: string): void => {
    chmodSync(dir, 0o755);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) open(full);
      else chmodSync(full, 0o644);
    }
  };
  open(folder);
  return { script, folder };
}

describe('a read-only folder or file', () => {
  it.skipIf(!canMount())('is READ_ONLY on a read-only mount, naming the folder', () => {
    const mount = mountTmpfs(4096);
    const existing = path.join(mount, 'existing');
    Workspace.open({ dir: existing }).close();
    expect(spawnSync('mount', ['-o', 'remount,ro', mount]).status).toBe(0);
    const fresh = storeErrorOf(() => Workspace.open({ dir: path.join(mount, 'new', 'Pipeline Studio') }));
    expect(fresh.code).toBe('READ_ONLY');
    expect(fresh.message).toContain(path.join(mount, 'new', 'Pipeline Studio'));
    expect(fresh.path).toBe(mount);
    const old = storeErrorOf(() => Workspace.open({ dir: existing }));
    expect(old.code).toBe('READ_ONLY');
    expect(old.message).toContain(existing);
    expect(old.message).toMatch(/--data/);
  });

  describe('through permissions (as an unprivileged user)', () => {
    let child = '';
    let childFolder = '';
    beforeAll(async () => {
      const built = await buildChildForAnotherUser(fileURLToPath(new URL('./testing/store-child.ts', import.meta.url)));
      child = built.script;
      childFolder = built.folder;
    });
    afterAll(() => {
      if (childFolder) rmSync(childFolder, { recursive: true, force: true });
    });
    // Root ignores file modes, so under root the attempt runs in a child as `nobody`.
    const asUser = isRoot ? { uid: 65534, gid: 65534 } : {};
    type Attempt = { ok: boolean; code?: string; message?: string; path?: string };

    it('names the folder when the data folder cannot be created or written', async () => {
      const root = tempDir();
      chmodSync(root, 0o755);
      const locked = path.join(root, 'locked');
      mkdirSync(locked, { mode: 0o555 });
      chmodSync(locked, 0o555);
      const attempt = await runChildForJson<Attempt>(
        child,
        ['try-write', path.join(locked, 'Pipeline Studio')],
        asUser,
      );
      expect(attempt).toMatchObject({ ok: false, code: 'READ_ONLY' });
      expect(attempt.message).toContain(locked);
      expect(attempt.message).toMatch(/read-only/);
    });

    it('names the file when the database file is read-only', async () => {
      const dir = tempDir();
      Workspace.open({ dir }).close();
      chmodSync(dir, 0o777);
      chmodSync(databasePath(dir), 0o444);
      const attempt = await runChildForJson<Attempt>(child, ['try-write', dir], asUser);
      expect(attempt).toMatchObject({ ok: false, code: 'READ_ONLY', path: databasePath(dir) });
      expect(attempt.message).toContain(databasePath(dir));
    });
  });
});
