import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

// Where the key that seals secret values comes from, first match wins:
// 1. an explicit key file (`--key-file`, option `keyFile`);
// 2. the environment variable PIPELINE_RUNTIME_KEY;
// 3. `<data>/runtime.key`, created (mode 0600, exclusive create) on first start.
// Both the file and the variable hold the base64 of 32 random bytes. The third is the zero-setup
// default; since it sits next to runtime.db, a copy of the data folder then carries the key too,
// so production should use 1 or 2 with the key kept apart from the data (docs/runtime.md).

export const secretsKeyEnv = 'PIPELINE_RUNTIME_KEY';
export const defaultKeyFileName = 'runtime.key';

export class SecretsKeyError extends Error {
  override name = 'SecretsKeyError';
}

export interface SecretsKey {
  key: Buffer;
  source: 'key-file' | 'env' | 'data-dir' | 'created';
  /** Said once at start (e.g. a key file others can read); never contains the key. */
  warnings: string[];
}

export function loadSecretsKey(options: { keyFile?: string; dataDir: string; env?: NodeJS.ProcessEnv }): SecretsKey {
  const env = options.env ?? process.env;
  if (options.keyFile !== undefined) return { ...readKeyFile(options.keyFile), source: 'key-file' };
  const fromEnv = env[secretsKeyEnv];
  if (fromEnv !== undefined && fromEnv !== '') {
    return { key: decodeKey(fromEnv, `the environment variable ${secretsKeyEnv}`), source: 'env', warnings: [] };
  }
  const file = path.join(options.dataDir, defaultKeyFileName);
  const key = randomBytes(32);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (fd === undefined) return { ...readKeyFile(file), source: 'data-dir' };
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
  } finally {
    closeSync(fd);
  }
  return { key, source: 'created', warnings: [] };
}

function readKeyFile(file: string): { key: Buffer; warnings: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SecretsKeyError(`cannot read the key file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const warnings: string[] = [];
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    warnings.push(`the key file ${file} can be read by other users; chmod 600 it`);
  }
  return { key: decodeKey(text.trim(), `the key file ${file}`), warnings };
}

function decodeKey(text: string, where: string): Buffer {
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(text.trim()) ? Buffer.from(text.trim(), 'base64') : Buffer.alloc(0);
  if (key.length !== 32) {
    throw new SecretsKeyError(`${where} must hold the base64 of 32 bytes (e.g. \`openssl rand -base64 32\`)`);
  }
  return key;
}

/** A new key in the expected form, for `openssl rand -base64 32`-less set-ups and tests. */
export function newSecretsKey(): string {
  return randomBytes(32).toString('base64');
}
