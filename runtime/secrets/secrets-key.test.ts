import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/harness';
import { loadSecretsKey, newSecretsKey, SecretsKeyError } from './secrets-key';

const tempDir = useTempDirs();

describe('the secrets key', () => {
  it('is created in the data folder on first start, mode 0600, and read back after', () => {
    const dir = tempDir();
    const created = loadSecretsKey({ dataDir: dir, env: {} });
    expect(created.source).toBe('created');
    const file = path.join(dir, 'runtime.key');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = loadSecretsKey({ dataDir: dir, env: {} });
    expect(again.source).toBe('data-dir');
    expect(again.key.equals(created.key)).toBe(true);
    expect(readFileSync(file, 'utf8').trim()).toBe(created.key.toString('base64'));
  });

  it('comes from --key-file first, then PIPELINE_RUNTIME_KEY', () => {
    const dir = tempDir();
    const fromEnv = newSecretsKey();
    expect(loadSecretsKey({ dataDir: dir, env: { PIPELINE_RUNTIME_KEY: fromEnv } }).key.toString('base64')).toBe(
      fromEnv,
    );
    const file = path.join(dir, 'other.key');
    const fromFile = newSecretsKey();
    writeFileSync(file, `${fromFile}\n`, { mode: 0o600 });
    const loaded = loadSecretsKey({ dataDir: dir, keyFile: file, env: { PIPELINE_RUNTIME_KEY: fromEnv } });
    expect(loaded).toMatchObject({ source: 'key-file', warnings: [] });
    expect(loaded.key.toString('base64')).toBe(fromFile);
  });

  it('refuses a key that is not 32 bytes of base64, and warns about a key file others can read', () => {
    const dir = tempDir();
    expect(() => loadSecretsKey({ dataDir: dir, env: { PIPELINE_RUNTIME_KEY: 'short' } })).toThrow(SecretsKeyError);
    expect(() => loadSecretsKey({ dataDir: dir, keyFile: path.join(dir, 'missing.key'), env: {} })).toThrow(
      /cannot read/,
    );
    const file = path.join(dir, 'open.key');
    writeFileSync(file, newSecretsKey());
    chmodSync(file, 0o644);
    if (process.platform !== 'win32') {
      expect(loadSecretsKey({ dataDir: dir, keyFile: file, env: {} }).warnings[0]).toMatch(
        /can be read by other users/,
      );
    }
  });
});
