import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findImportCycles } from './import-cycles.mjs';

// The cycle check must fail on a cycle and pass on a tree without one: each case writes a small
// project into a temporary folder and runs the check on it, as a function and as the lint script.
const script = path.join(__dirname, 'import-cycles.mjs');
const folders: string[] = [];

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'import-cycles-'));
  folders.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

function runScript(root: string, ...scanned: string[]) {
  return spawnSync(process.execPath, [script, root, ...scanned], { encoding: 'utf8' });
}

afterEach(() => {
  for (const root of folders.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('import cycle check', () => {
  it('fails on two files importing each other, naming the chain', () => {
    const root = project({
      'core/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'core/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
    });
    expect(findImportCycles(root, ['core'])).toEqual([
      { chain: ['core/a.ts', 'core/b.ts', 'core/a.ts'], files: ['core/a.ts', 'core/b.ts'] },
    ]);
    const run = runScript(root, 'core');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('import cycle: core/a.ts -> core/b.ts -> core/a.ts');
  });

  it('counts type-only imports, re-exports, dynamic imports and tsx files', () => {
    const root = project({
      'shared/types.ts': "import type { View } from '../renderer/src/view';\nexport type Id = View;\n",
      'renderer/src/view.tsx': "export * from './store';\nexport type View = string;\n",
      'renderer/src/store.ts': "export const load = () => import('../../shared/types');\n",
    });
    expect(findImportCycles(root, ['shared', 'renderer/src']).map((c) => c.chain)).toEqual([
      ['renderer/src/store.ts', 'shared/types.ts', 'renderer/src/view.tsx', 'renderer/src/store.ts'],
    ]);
  });

  it('reports a file that imports itself, and one chain per tangle', () => {
    const root = project({
      'cli/self.ts': "import { x as y } from './self';\nexport const x = 1;\nexport const z = y;\n",
      'cli/one.ts': "import './two';\n",
      'cli/two.ts': "import './three';\n",
      'cli/three.ts': "import './one';\nimport './two';\n",
    });
    expect(findImportCycles(root, ['cli'])).toEqual([
      {
        chain: ['cli/one.ts', 'cli/two.ts', 'cli/three.ts', 'cli/one.ts'],
        files: ['cli/one.ts', 'cli/three.ts', 'cli/two.ts'],
      },
      { chain: ['cli/self.ts', 'cli/self.ts'], files: ['cli/self.ts'] },
    ]);
  });

  it('passes on a tree without a cycle: shared imports, diamonds, packages and unknown modules', () => {
    const root = project({
      'core/top.ts':
        "import { left } from './left';\nimport { right } from './right';\nexport const top = [left, right];\n",
      'core/left.ts': "import { base } from './base';\nexport const left = base;\n",
      'core/right.ts': "import { base } from './base';\nimport { z } from 'zod';\nexport const right = [base, z];\n",
      'core/base.ts': "import fs from 'node:fs';\nimport './missing';\nexport const base = fs;\n",
      'core/base.test.ts': "import { top } from './top';\nexport const seen = top;\n",
    });
    expect(findImportCycles(root, ['core'])).toEqual([]);
    const run = runScript(root, 'core');
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('resolves the @shared/* path of tsconfig.json, as the renderer imports it', () => {
    const root = project({
      'tsconfig.json': JSON.stringify({
        compilerOptions: { module: 'ESNext', moduleResolution: 'bundler', paths: { '@shared/*': ['./shared/*'] } },
      }),
      'renderer/src/app.ts': "import { id } from '@shared/ids';\nexport const app = id;\n",
      'shared/ids.ts': "import { app } from '../renderer/src/app';\nexport const id = app;\n",
    });
    expect(findImportCycles(root, ['renderer/src', 'shared']).map((c) => c.files)).toEqual([
      ['renderer/src/app.ts', 'shared/ids.ts'],
    ]);
  });
});
