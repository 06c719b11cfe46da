import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useAuthoringHarness } from './testing/authoring-harness';

const harness = useAuthoringHarness();
const folders: string[] = [];
afterEach(() => folders.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('workspace.info', () => {
  it('opens the workspace in the data folder on first use, not before', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-info-'));
    folders.push(dir);
    const { call } = harness({ dir });
    await call('app.info', {});
    await call('hooks.list', {});
    expect(existsSync(path.join(dir, 'workspace.db'))).toBe(false);
    const info = await call('workspace.info', {});
    expect(info).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      name: expect.any(String),
      dir,
      keychain: expect.stringMatching(/Secret Service|macOS Keychain|Windows Credential Manager/),
    });
    expect(existsSync(path.join(dir, 'workspace.db'))).toBe(true);
    // One workspace for the life of the core: the same id on every call.
    expect((await call('workspace.info', {})).id).toBe(info.id);
  });

  it('reports a damaged database as STORE_UNAVAILABLE with the store’s advice, and retries on the next call', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-info-'));
    folders.push(dir);
    const database = path.join(dir, 'workspace.db');
    writeFileSync(database, 'this is not a SQLite database, it is a text file that someone renamed'.repeat(100));
    const { call, fail, internalErrors } = harness({ dir });
    const error = await fail('workspace.info', {});
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toContain(database);
    expect(error.message).toMatch(/damaged or is not a Pipeline Studio database.*backup/s);
    // Channels that do not declare STORE_UNAVAILABLE answer the common UNAVAILABLE, same message.
    expect(await fail('scripts.list', {})).toEqual({ code: 'UNAVAILABLE', message: error.message });
    expect(await fail('secrets.list', { environment: 'staging' })).toMatchObject({ code: 'UNAVAILABLE' });
    // What needs no workspace still works.
    expect((await call('hooks.list', {})).hooks).toHaveLength(16);
    expect(internalErrors).toEqual([]);

    rmSync(database);
    expect((await call('workspace.info', {})).dir).toBe(dir);
  });
});
