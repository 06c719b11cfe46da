import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// integrations/ runs inside the host application: the lint rule must refuse the studio (core/,
// cli/, renderer/, electron/) there and in the example hosts, and allow shared/, runtime/ and npm packages.
const root = path.resolve(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('integration import boundaries', () => {
  it.each([
    [
      'integrations/better-auth/x.ts',
      "import { openWorkspace } from '../../core/store';\nexport const a = openWorkspace;",
    ],
    ['integrations/better-auth/x.ts', "import { commands } from '../../cli/commands';\nexport const a = commands;"],
    ['integrations/better-auth/x.ts', "import { App } from '../../renderer/src/app/App';\nexport const a = App;"],
    ['integrations/better-auth/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    [
      'examples/better-auth-host/x.mjs',
      "import { openWorkspace } from '../../core/store';\nexport const a = openWorkspace;",
    ],
  ])('refuses in %s: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toHaveLength(1);
  });

  it.each([
    [
      'integrations/better-auth/x.ts',
      "import { validateEvent } from '../../shared/hooks';\nexport const a = validateEvent;",
    ],
    [
      'integrations/better-auth/x.ts',
      "import { createRuntime } from '../../runtime';\nexport const a = createRuntime;",
    ],
    ['integrations/better-auth/x.ts', "import { betterAuth } from 'better-auth';\nexport const a = betterAuth;"],
  ])('allows in %s: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
