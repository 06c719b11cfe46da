import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleBundle, json, useCliSandbox } from './workspace-cli-harness';

// `export <dir>` through the real CLI: stable output, and what it refuses to overwrite.
const sandbox = useCliSandbox('cli-export-');
const { cli } = sandbox;

interface ExportSummary {
  ok: boolean;
  dir: string;
  name: string;
  hash: string;
  files: string[];
  removed: string[];
}

function importedWorkspace(bundle = exampleBundle): string {
  const data = sandbox.path('data');
  const result = cli(['import', bundle, '--data', data]);
  expect(result.code, result.stderr).toBe(0);
  return data;
}

/** Every file under `dir`, relative, with its bytes. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, full)] = readFileSync(full, 'utf8');
  }
  return files;
}

describe('export', () => {
  it('writes the workspace as a bundle folder that imports back unchanged, byte-stable across exports', () => {
    const data = importedWorkspace();
    const out = sandbox.path('out');
    const result = cli(['export', out, '--data', data]);
    expect(result.code, result.stderr).toBe(0);
    const summary = json<ExportSummary>(result);
    expect(summary).toMatchObject({ ok: true, dir: out, name: 'acme-auth', removed: [] });
    expect(summary.files).toEqual([
      'pipeline.json',
      'scripts/add-roles.lua',
      'scripts/audit-signup.lua',
      'scripts/block-disposable.lua',
    ]);

    const first = snapshot(out);
    for (const file of summary.files.slice(1)) {
      expect(first[file]).toBe(readFileSync(path.join(exampleBundle, file), 'utf8'));
    }
    const manifest = first['pipeline.json']!;
    expect(manifest.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(manifest))).toEqual(['format', 'name', 'scripts', 'hooks', 'env', 'secrets']);
    // Hooks in lifecycle order, scripts by id: the same text whatever order the workspace holds.
    expect(Object.keys(JSON.parse(manifest).hooks)).toEqual(['signup.before', 'signup.after', 'token.enrich']);

    expect(cli(['export', out, '--data', data]).code).toBe(0);
    expect(snapshot(out)).toEqual(first);

    // What was exported is what the workspace holds: importing it changes nothing.
    const back = json<{ hash: string; scripts: { changed: string[]; added: string[] } }>(
      cli(['import', out, '--data', data]),
    );
    expect(back.hash).toBe(summary.hash);
    expect(back.scripts).toMatchObject({ changed: [], added: [] });
  });

  it('removes the script files of an earlier export that the pipeline no longer has, and nothing else', () => {
    const data = importedWorkspace();
    const out = sandbox.path('out');
    expect(cli(['export', out, '--data', data]).code).toBe(0);
    writeFileSync(path.join(out, 'NOTES.md'), 'kept\n');
    writeFileSync(path.join(out, 'scripts', 'scratch.lua'), '-- not named by pipeline.json: kept\n');

    const reduced = sandbox.path('bundle');
    cpSync(exampleBundle, reduced, { recursive: true });
    const manifestFile = path.join(reduced, 'pipeline.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    delete manifest.scripts['audit-signup'];
    delete manifest.hooks['signup.after'];
    writeFileSync(manifestFile, JSON.stringify(manifest));
    rmSync(path.join(reduced, 'scripts', 'audit-signup.lua'));
    expect(cli(['import', reduced, '--data', data]).code).toBe(0);

    const result = cli(['export', out, '--data', data]);
    expect(result.code, result.stderr).toBe(0);
    expect(json<ExportSummary>(result).removed).toEqual(['scripts/audit-signup.lua']);
    expect(Object.keys(snapshot(out)).sort()).toEqual([
      'NOTES.md',
      'pipeline.json',
      'scripts/add-roles.lua',
      'scripts/block-disposable.lua',
      'scripts/scratch.lua',
    ]);
  });

  it('refuses a non-empty folder that is not a bundle unless --force, and --force removes nothing', () => {
    const data = importedWorkspace();
    const out = sandbox.path('out');
    mkdirSync(out);
    writeFileSync(path.join(out, 'report.txt'), 'mine\n');

    const refused = cli(['export', out, '--data', data]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('--force');
    expect(readdirSync(out)).toEqual(['report.txt']);

    const forced = cli(['export', out, '--force', '--data', data]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(path.join(out, 'report.txt'), 'utf8')).toBe('mine\n');
    expect(existsSync(path.join(out, 'pipeline.json'))).toBe(true);
  });

  it("treats another tool's pipeline.json as not a bundle", () => {
    const data = importedWorkspace();
    const out = sandbox.path('out');
    mkdirSync(out);
    const foreign = '{ "stages": ["build", "test"] }\n';
    writeFileSync(path.join(out, 'pipeline.json'), foreign);
    expect(cli(['export', out, '--data', data]).code).toBe(2);
    expect(readFileSync(path.join(out, 'pipeline.json'), 'utf8')).toBe(foreign);
  });

  it('writes into a folder that holds only dot-files (a fresh git checkout)', () => {
    const data = importedWorkspace();
    const out = sandbox.path('out');
    mkdirSync(path.join(out, '.git'), { recursive: true });
    writeFileSync(path.join(out, '.gitignore'), 'node_modules\n');
    expect(cli(['export', out, '--data', data]).code).toBe(0);
    expect(existsSync(path.join(out, 'pipeline.json'))).toBe(true);
  });

  it('refuses a missing workspace without creating one, and a target that is a file', () => {
    const data = sandbox.path('data');
    const out = sandbox.path('out');
    const missing = cli(['export', out, '--data', data]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('there is no workspace');
    expect(existsSync(data)).toBe(false);
    expect(existsSync(out)).toBe(false);

    const file = path.join(sandbox.base, 'a-file.txt');
    writeFileSync(file, 'x');
    const onFile = cli(['export', file, '--data', importedWorkspace()]);
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toContain('is a file');
    expect(cli(['export', '--data', data]).code).toBe(2);
  });
});
