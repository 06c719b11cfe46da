import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Entry } from '@napi-rs/keyring';
import { beforeAll, describe, expect, it } from 'vitest';
import { entryOptionsFor } from '../../core/secrets';
import { requireRealKeychain } from '../../core/secrets/testing/real-keychain';
import { exampleEvents, json, useCliSandbox, type CliResult } from './workspace-cli-harness';

// `secrets set|list|delete` against the REAL OS keychain (scripts/with-keyring.sh on Linux), and
// the promise behind them: a value goes to the keychain and nowhere else a user or a file could see.
const sandbox = useCliSandbox('cli-secrets-');
const { cli } = sandbox;

beforeAll(() => requireRealKeychain());

/** A value that cannot appear anywhere by chance. */
const secretValue = () => `sv-${randomBytes(12).toString('hex')}-LEAKCHECK`;

interface Listed {
  env: string;
  name: string;
  store: string;
  service: string;
}

function keychainValue(service: string, name: string): string | null {
  return new Entry(service, name, entryOptionsFor(process.platform)).getPassword();
}

/** Fails if `value` is in any output of the command, also when it was split by a line break. */
function expectClean(result: CliResult, value: string, what: string): void {
  expect(result.stdout, `${what}: stdout`).not.toContain(value);
  expect(result.stderr, `${what}: stderr`).not.toContain(value);
  expect(result.stderr.replace(/\s+/g, ''), `${what}: stderr`).not.toContain(value);
}

/** Fails if `value` is in any file under `dir`, as UTF-8, UTF-16 or base64. */
function expectNotInFiles(dir: string, value: string): number {
  const needles = [Buffer.from(value, 'utf8'), Buffer.from(value, 'utf16le'), Buffer.from(value).toString('base64')];
  let files = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const bytes = readFileSync(file);
    files += 1;
    for (const needle of needles) expect(bytes.includes(needle), `${file} holds the secret`).toBe(false);
  }
  return files;
}

describe('secrets set, list and delete', () => {
  it('keeps the value in the keychain, lists names only, and deletes it', () => {
    const data = sandbox.path('data');
    const value = secretValue();
    const set = cli(['secrets', 'set', 'IPQS_API_KEY', '--data', data], { input: `${value}\n` });
    expect(set.code, set.stderr).toBe(0);
    expectClean(set, value, 'set');
    const stored = json<{ ok: boolean; env: string; name: string; replaced: boolean; service: string }>(set);
    expect(stored).toMatchObject({ ok: true, env: 'staging', name: 'IPQS_API_KEY', replaced: false });
    // The final line break of `echo` is not part of the value.
    expect(keychainValue(stored.service, 'IPQS_API_KEY')).toBe(value);

    const other = secretValue();
    const production = cli(['secrets', 'set', 'IPQS_API_KEY', '--env', 'production', '--data', data], {
      input: other,
    });
    expect(production.code, production.stderr).toBe(0);
    const replaced = cli(['secrets', 'set', 'IPQS_API_KEY', '--data', data], { input: `${value}-2` });
    expect(json(replaced)).toMatchObject({ replaced: true });
    expect(keychainValue(stored.service, 'IPQS_API_KEY')).toBe(`${value}-2`);

    const listed = cli(['secrets', 'list', '--json', '--data', data]);
    expect(listed.code).toBe(0);
    const rows = json<Listed[]>(listed);
    expect(rows.map((row) => [row.env, row.name])).toEqual([
      ['staging', 'IPQS_API_KEY'],
      ['production', 'IPQS_API_KEY'],
    ]);
    expect(rows[0]!.service).toBe(stored.service);
    expect(rows[0]!.service).toMatch(/^pipeline-studio\/[0-9a-f]{32}\/staging$/);
    const table = cli(['secrets', 'list', '--env', 'production', '--data', data]);
    expect(table.stdout).toMatch(/^ENV\s+NAME\s+STORED IN\nproduction\s+IPQS_API_KEY\s+\S/);
    for (const result of [listed, table, production, replaced]) {
      expectClean(result, value, 'list');
      expectClean(result, other, 'list');
    }

    const deleted = cli(['secrets', 'delete', 'IPQS_API_KEY', '--env', 'production', '--data', data]);
    expect(deleted.code).toBe(0);
    expect(json(deleted)).toEqual({ ok: true, env: 'production', name: 'IPQS_API_KEY', deleted: true });
    expect(keychainValue(rows[1]!.service, 'IPQS_API_KEY')).toBeNull();
    const again = cli(['secrets', 'delete', 'IPQS_API_KEY', '--env', 'production', '--data', data]);
    expect(again.code).toBe(0);
    expect(json(again)).toMatchObject({ deleted: false });
    expect(json<Listed[]>(cli(['secrets', 'list', '--json', '--data', data])).map((row) => row.env)).toEqual([
      'staging',
    ]);
    cli(['secrets', 'delete', 'IPQS_API_KEY', '--data', data]);
  });

  it('keeps the inner line breaks of a multi-line value', () => {
    const data = sandbox.path('data');
    const pem = `-----BEGIN KEY-----\n${secretValue()}\n-----END KEY-----`;
    const set = cli(['secrets', 'set', 'SIGNING_KEY', '--data', data], { input: `${pem}\r\n` });
    expect(set.code, set.stderr).toBe(0);
    expect(keychainValue(json<{ service: string }>(set).service, 'SIGNING_KEY')).toBe(pem);
    cli(['secrets', 'delete', 'SIGNING_KEY', '--data', data]);
  });

  it('refuses an empty value, a value on the command line, and bad names without echoing what was typed', () => {
    const data = sandbox.path('data');
    const value = secretValue();
    const empty = cli(['secrets', 'set', 'API_KEY', '--data', data], { input: '\n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('empty');

    const attempts: [string, string[]][] = [
      ['value as an argument', ['secrets', 'set', 'API_KEY', value]],
      ['value after --', ['secrets', 'set', 'API_KEY', '--', value]],
      ['value as an option', ['secrets', 'set', 'API_KEY', `--value=${value}`]],
      ['value pasted as the name', ['secrets', 'set', value]],
      ['value as the subcommand', ['secrets', value]],
      ['value given to list', ['secrets', 'list', value]],
      ['value given to delete', ['secrets', 'delete', 'API_KEY', value]],
      ['value as the environment of list', ['secrets', 'list', `--env=${value}`]],
      ['value as the environment of set', ['secrets', 'set', 'API_KEY', '--env', value.toLowerCase()]],
    ];
    for (const [what, args] of attempts) {
      const result = cli([...args, '--data', data], { input: value });
      expect(result.code, what).toBe(2);
      expect(result.stderr.trim().split('\n'), what).toHaveLength(1);
      expectClean(result, value, what);
      expectClean(result, value.toLowerCase(), what);
    }
    const unknown = cli(['secrets', 'set', 'API_KEY', '--env', 'qa', '--data', data], { input: value });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('there is no such environment (the workspace has: staging, production)');
    expect(json<Listed[]>(cli(['secrets', 'list', '--json', '--data', data]))).toEqual([]);
  });

  it('refuses list and delete without a workspace, and does not create one', () => {
    const data = sandbox.path('data');
    expect(cli(['secrets', 'list', '--data', data]).code).toBe(2);
    expect(cli(['secrets', 'delete', 'API_KEY', '--data', data]).code).toBe(2);
    expect(existsSync(data)).toBe(false);
  });

  it('reports an unreachable keychain in one line with exit 2, never with the value', (context) => {
    if (process.platform !== 'linux') return context.skip();
    const data = sandbox.path('data');
    const value = secretValue();
    const result = cli(['secrets', 'set', 'API_KEY', '--data', data], {
      input: value,
      env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('KEYCHAIN_UNAVAILABLE');
    expect(result.stdout).toBe('');
    expectClean(result, value, 'unavailable');
  });
});

describe('a secret value stays out of every output and file', () => {
  it('across import, replay, traces, export and the workspace database', () => {
    const data = sandbox.path('data');
    const value = secretValue();
    const bundle = sandbox.path('bundle');
    mkdirSync(path.join(bundle, 'scripts'), { recursive: true });
    // Scripts that try to leak it: print, log, error messages.
    writeFileSync(
      path.join(bundle, 'scripts', 'check.lua'),
      'local key = helpers.secret("LEAK_KEY")\nprint(key)\nhelpers.log("key=" .. key)\nreturn true\n',
    );
    writeFileSync(
      path.join(bundle, 'scripts', 'enrich.lua'),
      'local key = helpers.secret("LEAK_KEY")\nhelpers.log(key)\nreturn { claims = { n = #key } }\n',
    );
    writeFileSync(path.join(bundle, 'scripts', 'fail.lua'), 'error("failed with " .. helpers.secret("LEAK_KEY"))\n');
    writeFileSync(
      path.join(bundle, 'pipeline.json'),
      JSON.stringify({
        format: 'pipeline-studio/bundle@1',
        name: 'leaky',
        scripts: {
          check: { file: 'scripts/check.lua' },
          enrich: { file: 'scripts/enrich.lua' },
          fail: { file: 'scripts/fail.lua' },
        },
        hooks: {
          'signup.before': { layers: [['check']] },
          'token.enrich': { layers: [['enrich']] },
          'signup.after': { layers: [['fail']] },
        },
        secrets: ['LEAK_KEY'],
      }),
    );

    const outputs: [string, CliResult][] = [];
    const run = (what: string, args: string[], input?: string) => {
      const result = cli([...args, '--data', data], input === undefined ? {} : { input });
      outputs.push([what, result]);
      return result;
    };
    expect(run('import', ['import', bundle]).code).toBe(0);
    expect(run('set', ['secrets', 'set', 'LEAK_KEY'], `${value}\n`).code).toBe(0);
    expect(run('events', ['events', 'import', exampleEvents]).code).toBe(0);
    const replay = run('replay', ['replay', '--workspace', '--json']);
    // The scripts did read the value: the enrichment counted its characters.
    expect(replay.stdout).toContain(`"n":${value.length}`);
    const listed = json<{ traceId: string; eventId?: string; runId?: number }[]>(
      run('traces --json', ['traces', 'list', '--json']),
    );
    expect(listed).toHaveLength(4);
    // A workspace replay tags its traces with the event and the run.
    expect(listed.every((trace) => trace.runId === 1 && typeof trace.eventId === 'string')).toBe(true);
    run('traces', ['traces', 'list']);
    const otlp = path.join(sandbox.base, `leak-${Date.now()}.json`);
    expect(run('traces export', ['traces', 'export', otlp, '--format', 'otlp']).code).toBe(0);
    expect(run('traces export -', ['traces', 'export', '-']).code).toBe(0);
    const out = sandbox.path('export');
    expect(run('export', ['export', out]).code).toBe(0);
    run('secrets list', ['secrets', 'list']);
    run('secrets list --json', ['secrets', 'list', '--json']);
    run('import again', ['import', out]);

    for (const [what, result] of outputs) expectClean(result, value, what);
    expect(readFileSync(otlp, 'utf8')).toContain('[secret]');
    expect(readFileSync(otlp, 'utf8')).not.toContain(value);
    expect(expectNotInFiles(out, value)).toBe(4);
    expect(JSON.parse(readFileSync(path.join(out, 'pipeline.json'), 'utf8')).secrets).toEqual(['LEAK_KEY']);
    // workspace.db and, if still there, its -wal and -shm.
    expect(expectNotInFiles(data, value)).toBeGreaterThanOrEqual(1);

    expect(run('delete', ['secrets', 'delete', 'LEAK_KEY']).code).toBe(0);
  });
});
