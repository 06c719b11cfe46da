import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// runtime/ runs on servers without the studio: the lint rule must refuse core/, cli/, renderer/
// and electron/ imports there, and allow shared/ and Node.
const root = path.resolve(__dirname, '..');
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('runtime import boundaries', () => {
  it.each([
    "import { openWorkspace } from '../core/store';\nexport const a = openWorkspace;",
    "import { commands } from '../../cli/commands';\nexport const a = commands;",
    "import { App } from '../renderer/src/app/App';\nexport const a = App;",
    "import { app } from 'electron';\nexport const a = app;",
  ])('refuses %s', async (code) => {
    expect(await boundaryErrors('runtime/server/x.ts', code)).toHaveLength(1);
  });

  it.each([
    "import { validateBundle } from '../shared/engine';\nexport const a = validateBundle;",
    "import { createEnginePool } from '../shared/engine/node';\nexport const a = createEnginePool;",
    "import http from 'node:http';\nexport const a = http;",
  ])('allows %s', async (code) => {
    expect(await boundaryErrors('runtime/x.ts', code)).toEqual([]);
  });
});
