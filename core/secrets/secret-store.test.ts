import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../store';
import { buildChildScript, removeChildScript, runChildForJson } from '../store/testing/child-process';
import { useTempDirs } from '../store/testing/temp-dirs';
import { SecretStore } from './secret-store';
import { requireRealKeychain } from './testing/real-keychain';

const tempDir = useTempDirs('studio-secrets-');
let workspace: Workspace;
let secrets: SecretStore;
const distinctive = () => `pV9!${randomUUID()}-do-not-leak`;

beforeAll(requireRealKeychain);
function open(): void {
  workspace = Workspace.open({ dir: tempDir() });
  secrets = SecretStore.forWorkspace(workspace);
  isOpen = true;
}
let isOpen = false;
afterEach(() => {
  if (!isOpen) return;
  isOpen = false;
  // Leave nothing behind in the keychain.
  for (const environment of ['staging', 'production']) secrets.deleteEnvironment(environment);
  workspace.close();
});

/** Every file of the data folder must be free of the value, in UTF-8 and in UTF-16. */
function expectFolderFreeOf(dir: string, value: string): void {
  const files = readdirSync(dir);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const bytes = readFileSync(path.join(dir, file));
    expect(bytes.indexOf(Buffer.from(value, 'utf8')), file).toBe(-1);
    expect(bytes.indexOf(Buffer.from(value, 'utf16le')), file).toBe(-1);
  }
}

describe('SecretStore (real keychain)', () => {
  it('keeps values per workspace and environment under pipeline-studio/<workspace>/<environment>', async () => {
    open();
    expect(secrets.serviceName('staging')).toBe(`pipeline-studio/${workspace.id}/staging`);
    secrets.set('staging', 'IPQS_API_KEY', 'staging-value');
    secrets.set('production', 'IPQS_API_KEY', 'production-value');
    expect(await secrets.provider('staging').get('IPQS_API_KEY')).toBe('staging-value');
    expect(await secrets.provider('production').get('IPQS_API_KEY')).toBe('production-value');
    expect(await secrets.provider('staging').get('OTHER_KEY')).toBeUndefined();
    expect(await secrets.provider('staging').get('not a name')).toBeUndefined();
    secrets.set('staging', 'IPQS_API_KEY', 'rotated');
    expect(await secrets.provider('staging').get('IPQS_API_KEY')).toBe('rotated');

    // Another workspace on the same machine does not see them.
    const other = Workspace.open({ dir: tempDir() });
    try {
      expect(await SecretStore.forWorkspace(other).provider('staging').get('IPQS_API_KEY')).toBeUndefined();
    } finally {
      other.close();
    }
  });

  it.runIf(process.platform === 'linux')('puts the value in the Secret Service, where secret-tool finds it', () => {
    open();
    const value = distinctive();
    secrets.set('staging', 'IPQS_API_KEY', value);
    const service = secrets.serviceName('staging');
    expect(
      execFileSync('secret-tool', ['lookup', 'service', service, 'username', 'IPQS_API_KEY'], { encoding: 'utf8' }),
    ).toBe(value);
    const search = execFileSync('secret-tool', ['search', '--all', 'service', service], { encoding: 'utf8' });
    expect(search).toContain(`secret = ${value}`);
  });

  it('records names (never values) and lists them per environment', () => {
    open();
    secrets.set('staging', 'B_KEY', 'b');
    secrets.set('staging', 'A_KEY', 'a');
    expect(secrets.listNames('staging')).toEqual(['A_KEY', 'B_KEY']);
    expect(secrets.listNames('production')).toEqual([]);
    expect(secrets.has('staging', 'A_KEY')).toBe(true);
    expect(secrets.delete('staging', 'A_KEY')).toBe(true);
    expect(secrets.delete('staging', 'A_KEY')).toBe(false);
    expect(secrets.has('staging', 'A_KEY')).toBe(false);
    expect(secrets.listNames('staging')).toEqual(['B_KEY']);
  });

  it('brings the recorded names in line with the keychain when asked has()', () => {
    open();
    secrets.set('staging', 'GONE_KEY', 'x');
    // Deleted behind the studio's back (with another tool, or the workspace was copied elsewhere).
    execFileSync('secret-tool', ['clear', 'service', secrets.serviceName('staging'), 'username', 'GONE_KEY']);
    expect(secrets.listNames('staging')).toEqual(['GONE_KEY']);
    expect(secrets.has('staging', 'GONE_KEY')).toBe(false);
    expect(secrets.listNames('staging')).toEqual([]);
  });

  it('refuses bad names, empty values and unknown environments before touching the keychain', () => {
    open();
    const value = distinctive();
    const refusals: [() => unknown, string][] = [
      [() => secrets.set('staging', 'lower_case', value), 'INVALID_NAME'],
      [() => secrets.set('staging', 'EMPTY', ''), 'INVALID_VALUE'],
      [() => secrets.set('nowhere', 'KEY', value), 'UNKNOWN_ENVIRONMENT'],
      [() => secrets.set('../x', 'KEY', value), 'UNKNOWN_ENVIRONMENT'],
      [() => secrets.provider('nowhere'), 'UNKNOWN_ENVIRONMENT'],
    ];
    for (const [fn, code] of refusals) {
      let thrown: unknown;
      try {
        fn();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code });
      expect(String((thrown as Error).message)).not.toContain(value);
    }
    expect(workspace.secretNames.all()).toEqual({ staging: [], production: [] });
  });

  it('never lets a value into the database, its WAL, any listing, export or error', async () => {
    open();
    const value = distinctive();
    workspace.pipeline.declareSecret('IPQS_API_KEY');
    secrets.set('staging', 'IPQS_API_KEY', value);
    secrets.set('production', 'IPQS_API_KEY', value);
    expect(await secrets.provider('staging').get('IPQS_API_KEY')).toBe(value);

    const listings = JSON.stringify([
      secrets.listNames('staging'),
      secrets.has('staging', 'IPQS_API_KEY'),
      workspace.secretNames.all(),
      workspace.environments.list(),
      workspace.exportBundle(),
      workspace.pipeline.secrets(),
      secrets,
    ]);
    expect(listings).toContain('IPQS_API_KEY');
    expect(listings).not.toContain(value);

    // While open, the newest writes sit in workspace.db-wal: scan it too.
    expect(readdirSync(workspace.dir)).toContain('workspace.db-wal');
    expectFolderFreeOf(workspace.dir, value);
    const dir = workspace.dir;
    workspace.close();
    expectFolderFreeOf(dir, value);
    // The scan does find what is there: the name.
    expect(readFileSync(path.join(dir, 'workspace.db')).indexOf('IPQS_API_KEY')).toBeGreaterThan(-1);
    workspace = Workspace.open({ dir });
    secrets = SecretStore.forWorkspace(workspace);
  });
});

describe('without a usable keychain', () => {
  let child = '';
  beforeAll(async () => {
    child = await buildChildScript(fileURLToPath(new URL('./testing/keychain-child.ts', import.meta.url)));
  });
  afterAll(() => removeChildScript(child));

  type Outcome = { ok: boolean; code?: string; message?: string; result?: unknown };
  type Report = { set: Outcome; has: Outcome; get: Outcome; names: string[]; kernelKeys: string[]; first?: Outcome };

  it.runIf(process.platform === 'linux')(
    'no D-Bus session: KEYCHAIN_UNAVAILABLE saying what to install, no fallback, nothing stored',
    async () => {
      const dir = tempDir();
      const value = distinctive();
      const report = await runChildForJson<Report>(child, ['set', dir, 'staging', 'IPQS_API_KEY', value], {
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      });
      for (const outcome of [report.set, report.has, report.get]) {
        expect(outcome).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
        expect(outcome.message).toMatch(/gnome-keyring/);
        expect(outcome.message).toMatch(/libsecret/);
        expect(outcome.message).toMatch(/D-Bus session/);
      }
      expect(JSON.stringify(report)).not.toContain(value);
      // Not recorded as set, not in the kernel keyring (keyutils), not on disk.
      expect(report.names).toEqual([]);
      expect(report.kernelKeys).toEqual([]);
      expectFolderFreeOf(dir, value);
    },
  );

  it.runIf(process.platform === 'linux')('a locked keyring: KEYCHAIN_UNAVAILABLE asking to unlock it', async () => {
    const dir = tempDir();
    const value = distinctive();
    // A keyring of its own (with-keyring.sh again, outside this one), since this test locks it.
    const { STUDIO_KEYRING_READY: _ready, STUDIO_KEYRING_BUS: _bus, ...env } = process.env;
    const script = fileURLToPath(new URL('../../scripts/with-keyring.sh', import.meta.url));
    const report = await runChildForJson<Report>(child, ['lock-then-set', dir, 'staging', 'IPQS_API_KEY', value], {
      env,
      command: [script],
    });
    expect(report.first).toMatchObject({ ok: true });
    expect(report.set).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
    expect(report.set.message).toMatch(/locked/);
    expect(report.set.message).toMatch(/unlock/);
    expect(JSON.stringify(report)).not.toContain(value);
    expectFolderFreeOf(dir, value);
  });
});
