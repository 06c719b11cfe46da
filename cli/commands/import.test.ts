import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../core/store';
import { exampleBundle, json, makeReadOnly, useCliSandbox } from './workspace-cli-harness';

// `import <bundle-dir>` through the real CLI against fresh --data folders.
const sandbox = useCliSandbox('cli-import-');
const { cli } = sandbox;

interface ImportSummary {
  ok: boolean;
  name: string;
  hash: string;
  scripts: { added: string[]; changed: string[]; unchanged: string[]; archived: string[]; settingsChanged: string[] };
  versions: Record<string, number>;
  hooks: Record<string, { layers: number; scripts: number }>;
  missingSecrets: Record<string, string[]>;
}

/** A copy of the example bundle that a test may edit. */
function copyExample(): string {
  const dir = sandbox.path('bundle');
  cpSync(exampleBundle, dir, { recursive: true });
  return dir;
}

interface Manifest {
  format: string;
  scripts: Record<string, { file: string; timeoutMs?: number }>;
  hooks: Record<string, { layers: string[][] }>;
  secrets: string[];
}

function editManifest(dir: string, edit: (manifest: Manifest) => void): void {
  const file = path.join(dir, 'pipeline.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  edit(manifest);
  writeFileSync(file, JSON.stringify(manifest, null, 2));
}

describe('import', () => {
  it('brings a bundle into a fresh workspace and prints a JSON summary', () => {
    const data = sandbox.path('data');
    const result = cli(['import', exampleBundle, '--data', data]);
    expect(result.code).toBe(0);
    const summary = json<ImportSummary>(result);
    expect(summary).toMatchObject({ ok: true, name: 'acme-auth', missingSecrets: {} });
    expect(summary.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(summary.scripts.added.sort()).toEqual(['add-roles', 'audit-signup', 'block-disposable']);
    expect(summary.scripts).toMatchObject({ changed: [], unchanged: [], archived: [], settingsChanged: [] });
    expect(summary.versions).toEqual({ 'add-roles': 1, 'audit-signup': 1, 'block-disposable': 1 });
    expect(summary.hooks).toEqual({
      'signup.before': { layers: 1, scripts: 1 },
      'token.enrich': { layers: 1, scripts: 1 },
      'signup.after': { layers: 1, scripts: 1 },
    });
    expect(result.stderr).toContain('3 added, 0 changed, 0 unchanged');

    // The same bundle again changes nothing: no new versions.
    const again = json<ImportSummary>(cli(['import', exampleBundle, '--data', data]));
    expect(again.scripts.unchanged.sort()).toEqual(['add-roles', 'audit-signup', 'block-disposable']);
    expect(again.scripts.added).toEqual([]);
    expect(again.hash).toBe(summary.hash);
  });

  it('makes a changed script a new version, keeps its history and archives a dropped one', () => {
    const data = sandbox.path('data');
    expect(cli(['import', exampleBundle, '--data', data]).code).toBe(0);
    const bundle = copyExample();
    writeFileSync(path.join(bundle, 'scripts', 'add-roles.lua'), 'return { claims = { tier = "gold" } }\n');
    editManifest(bundle, (manifest) => {
      delete manifest.scripts['audit-signup'];
      delete manifest.hooks['signup.after'];
      manifest.scripts['block-disposable']!.timeoutMs = 500;
      manifest.secrets = ['IPQS_API_KEY'];
    });

    const result = cli(['import', bundle, '--data', data, '--message', 'gold tier']);
    expect(result.code).toBe(0);
    const summary = json<ImportSummary>(result);
    expect(summary.scripts).toEqual({
      added: [],
      changed: ['add-roles'],
      unchanged: ['block-disposable'],
      archived: ['audit-signup'],
      settingsChanged: ['block-disposable'],
    });
    expect(summary.versions).toEqual({ 'add-roles': 2, 'block-disposable': 1 });
    expect(Object.keys(summary.hooks).sort()).toEqual(['signup.before', 'token.enrich']);
    // No value is recorded for the new secret name in either environment.
    expect(summary.missingSecrets).toEqual({ staging: ['IPQS_API_KEY'], production: ['IPQS_API_KEY'] });
    expect(result.stderr).toContain('no value in staging for IPQS_API_KEY');

    const workspace = Workspace.open({ dir: data });
    try {
      const versions = workspace.scripts.versions('add-roles');
      expect(versions.map((v) => [v.version, v.message])).toEqual(
        expect.arrayContaining([
          [1, 'Imported from bundle "acme-auth"'],
          [2, 'gold tier'],
        ]),
      );
      expect(workspace.scripts.latest('add-roles')?.source).toBe('return { claims = { tier = "gold" } }\n');
      expect(workspace.scripts.get('audit-signup')?.archived).toBe(true);
      expect(workspace.scripts.versions('audit-signup')).toHaveLength(1);
    } finally {
      workspace.close();
    }
  });

  it('refuses an invalid bundle with exit 1, every problem on stderr and in JSON, and changes nothing', () => {
    const data = sandbox.path('data');
    const first = json<ImportSummary>(cli(['import', exampleBundle, '--data', data]));
    const bundle = copyExample();
    editManifest(bundle, (manifest) => {
      manifest.hooks['signup.sideways'] = { layers: [['add-roles']] };
      manifest.scripts['ghost'] = { file: 'scripts/ghost.lua' };
      manifest.hooks['token.enrich']!.layers = [['add-roles', 'nobody']];
    });
    writeFileSync(path.join(bundle, 'scripts', 'add-roles.lua'), '-- changed, but must not be imported\n');

    const result = cli(['import', bundle, '--data', data]);
    expect(result.code).toBe(1);
    const output = json<{ ok: boolean; code: string; problems: { where: string; message: string }[] }>(result);
    expect(output).toMatchObject({ ok: false, code: 'PIPELINE_INVALID' });
    expect(output.problems.length).toBeGreaterThanOrEqual(3);
    const wheres = output.problems.map((problem) => problem.where).join('\n');
    expect(wheres).toContain('signup.sideways');
    expect(wheres).toContain('scripts/ghost.lua');
    for (const problem of output.problems) expect(result.stderr).toContain(`${problem.where}: ${problem.message}`);
    expect(result.stderr).toContain('PIPELINE_INVALID');

    // The workspace still holds the first import: importing the example again changes nothing.
    const after = json<ImportSummary>(cli(['import', exampleBundle, '--data', data]));
    expect(after.hash).toBe(first.hash);
    expect(after.scripts.changed).toEqual([]);
  });

  it('does not create a workspace for an invalid bundle', () => {
    const data = sandbox.path('data');
    const bundle = copyExample();
    editManifest(bundle, (manifest) => {
      manifest.format = 'something-else@9';
    });
    expect(cli(['import', bundle, '--data', data]).code).toBe(1);
    expect(existsSync(data)).toBe(false);
  });

  it('exits 2 with one line for bad usage and a missing folder', () => {
    const data = sandbox.path('data');
    const missing = cli(['import', path.join(sandbox.base, 'no-such-bundle'), '--data', data]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('no-such-bundle is not a folder');
    expect(cli(['import', '--data', data]).code).toBe(2);
    expect(cli(['import', exampleBundle, '--nope', '--data', data]).code).toBe(2);
    expect(cli(['import', exampleBundle, '--help']).stdout).toContain('Usage: pipeline-studio import');
  });

  it('reports a damaged workspace file in one line, naming it, and leaves it exactly as it was', () => {
    const data = sandbox.path('data');
    mkdirSync(data);
    const file = path.join(data, 'workspace.db');
    const garbage = Buffer.from('this is not a database at all\n'.repeat(50));
    writeFileSync(file, garbage);

    const result = cli(['import', exampleBundle, '--data', data]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('CORRUPT');
    expect(lines[0]).toContain(file);
    expect(lines[0]).toContain('Nothing was replaced');
    expect(readFileSync(file).equals(garbage)).toBe(true);
    expect(existsSync(`${file}-wal`) || existsSync(`${file}-shm`)).toBe(false);
    expect(result.stdout).toBe('');
  });

  it('reports a read-only workspace folder in one line with exit 2', (context) => {
    const data = sandbox.path('data');
    expect(cli(['import', exampleBundle, '--data', data]).code).toBe(0);
    const undo = makeReadOnly(data);
    if (!undo) return context.skip();
    try {
      const result = cli(['import', copyExample(), '--data', data]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain('READ_ONLY');
      expect(result.stderr).toContain(data);
    } finally {
      undo();
    }
  });
});
