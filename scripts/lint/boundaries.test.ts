import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The import-boundary rule must fail on a forbidden import: lint fixture text as if it lived at a
// given path, with the project's own eslint.config.js.
const root = path.resolve(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    ['renderer/src/features/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    [
      'renderer/src/features/x.ts',
      "import { registerIpcHandlers } from '../../../electron/main/ipc';\nexport const a = registerIpcHandlers;",
    ],
    ['renderer/src/features/x.ts', "import fs from 'node:fs';\nexport const a = fs;"],
    ['renderer/src/features/x.ts', "import fs from 'fs';\nexport const a = fs;"],
    [
      'renderer/src/features/x.ts',
      "import { createRouter } from '../../../core/router';\nexport const a = createRouter;",
    ],
    ['shared/contract/x.ts', "import { App } from '../../renderer/src/app/App';\nexport const a = App;"],
    [
      'shared/hooks/x.ts',
      "import { createMainWindow } from '../../electron/main/window';\nexport const a = createMainWindow;",
    ],
    ['shared/hooks/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;"],
    ['shared/engine/x.ts', "import { Worker } from 'node:worker_threads';\nexport const a = Worker;"],
    ['shared/engine/node/x.ts', "import { App } from '../../../renderer/src/app/App';\nexport const a = App;"],
    ['shared/engine/node/helpers/address-policy.ts', "import { isIP } from 'node:net';\nexport const a = isIP;"],
    [
      'shared/engine/node/helpers/address-policy.ts',
      "import { lookup } from 'dns/promises';\nexport const a = lookup;",
    ],
    ['shared/engine/node/helpers/address-policy.ts', "import { Agent } from 'undici';\nexport const a = Agent;"],
    [
      'shared/engine/node/helpers/address-policy.ts',
      "import { App } from '../../../../renderer/src/app/App';\nexport const a = App;",
    ],
    ['core/x.ts', "import { main } from '../cli/main';\nexport const a = main;"],
    ['core/authoring/x.ts', "import { commands } from '../../cli/commands';\nexport const a = commands;"],
    ['core/x.ts', "import { createMainWindow } from '../electron/main/window';\nexport const a = createMainWindow;"],
    ['core/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['core/x.ts', "import { App } from '../renderer/src/app/App';\nexport const a = App;"],
    ['core/publish/x.ts', "import { startServer } from '../../runtime/server';\nexport const a = startServer;"],
    [
      'core/publish/x.ts',
      "import { runRuntimeCommand } from '../../runtime/server/command';\nexport const a = runRuntimeCommand;",
    ],
    ['core/x.ts', "import * as runtime from '../runtime';\nexport const a = runtime;"],
    ['cli/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['cli/x.ts', "import { ipcMain } from 'electron/main';\nexport const a = ipcMain;"],
    [
      'cli/commands/x.ts',
      "import { createMainWindow } from '../../electron/main/window';\nexport const a = createMainWindow;",
    ],
    ['cli/commands/x.ts', "import { App } from '../../renderer/src/app/App';\nexport const a = App;"],
    ['cli/commands/x.ts', "import { startServer } from '../../runtime/server/server';\nexport const a = startServer;"],
    ['cli/commands/x.ts', "import * as runtime from '../../runtime';\nexport const a = runtime;"],
    ['cli/x.ts', "import { processIo } from '../runtime/server/process-io-extra';\nexport const a = processIo;"],
  ])('refuses in %s: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toHaveLength(1);
  });

  it.each([
    ['renderer/src/features/x.ts', "import { hookIds } from '@shared/hooks';\nexport const a = hookIds;"],
    ['shared/engine/node/x.ts', "import { Worker } from 'node:worker_threads';\nexport const a = Worker;"],
    ['core/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;"],
    ['electron/main/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['shared/engine/node/helpers/connector.ts', "import { isIP } from 'node:net';\nexport const a = isIP;"],
    ['shared/engine/node/helpers/address-policy.ts', "import ipaddr from 'ipaddr.js';\nexport const a = ipaddr;"],
    ['core/x.ts', "import { hookIds } from '../shared/hooks';\nexport const a = hookIds;"],
    ['core/publish/x.ts', "import { RuntimeClient } from './runtime-client';\nexport const a = RuntimeClient;"],
    ['cli/x.ts', "import { createHandlers } from '../core/authoring';\nexport const a = createHandlers;"],
    [
      'cli/commands/x.ts',
      "import { runRuntimeCommand } from '../../runtime/server/command';\nexport const a = runRuntimeCommand;",
    ],
    ['cli/commands/x.ts', "import { processIo } from '../../runtime/server/process-io';\nexport const a = processIo;"],
    ['cli/commands/x.ts', "import { runtimeCommand } from './runtime';\nexport const a = runtimeCommand;"],
  ])('allows in %s: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
