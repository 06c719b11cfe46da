import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import type { ChannelInput, ChannelName, ChannelOutput, ContractErrorShape, Result } from '../../../shared/contract';
import { createHandlers, type CoreOptions, type StudioCore } from '../../handlers';
import { createRouter, type Router } from '../../router';
import { Keychain, RuntimeTokenStore, SecretStore } from '../../secrets';
import { Workspace } from '../../store';

// The authoring channels as the UI reaches them: the real router over the real handlers, a fresh
// workspace folder per test, the real keychain (scripts/with-keyring.sh), and inputs and answers
// passed through JSON as a transport would. Every answer's JSON is kept, so that a test can check
// that a secret value never appears in any of them. After each test the keychain entries of the
// workspace are deleted and the folder removed.

export interface AuthoringHarness {
  dir: string;
  core: StudioCore;
  router: Router;
  /** Every answer, as the JSON a transport would carry. */
  responses: string[];
  /** What the router reported as INTERNAL; a test expects none. */
  internalErrors: unknown[];
  /** Calls a channel and expects success. */
  call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  /** Calls a channel and expects an error. */
  fail<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ContractErrorShape>;
}

interface Opened {
  dir: string;
  core: StudioCore;
  ownsDir: boolean;
}

export interface HarnessOptions {
  /** A folder to use (it is not removed); default: a fresh one. */
  dir?: string;
  keychain?: Keychain;
}

/** Registers the cleanup; call the returned function in each test for a fresh harness. */
export function useAuthoringHarness(): (options?: HarnessOptions) => AuthoringHarness {
  const opened: Opened[] = [];
  afterEach(async () => {
    for (const { dir, core, ownsDir } of opened.splice(0)) {
      await core.close();
      cleanKeychain(dir);
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
    }
  });
  return (options = {}) => {
    const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'studio-authoring-'));
    const coreOptions: CoreOptions = {
      host: 'web',
      dataDir: dir,
      ...(options.keychain ? { keychain: options.keychain } : {}),
    };
    const core = createHandlers(coreOptions);
    opened.push({ dir, core, ownsDir: options.dir === undefined });
    return harnessFor(dir, core);
  };
}

function harnessFor(dir: string, core: StudioCore): AuthoringHarness {
  const responses: string[] = [];
  const internalErrors: unknown[] = [];
  const router = createRouter(core.handlers, { onInternalError: (_channel, error) => internalErrors.push(error) });
  const dispatch = async (channel: ChannelName, input: unknown): Promise<Result<unknown>> => {
    const result = await router.dispatch(channel, JSON.parse(JSON.stringify(input)) as unknown);
    const json = JSON.stringify(result);
    responses.push(json);
    return JSON.parse(json) as Result<unknown>;
  };
  return {
    dir,
    core,
    router,
    responses,
    internalErrors,
    async call(channel, input) {
      const result = await dispatch(channel, input);
      if (!result.ok) expect.fail(`${channel} answered ${result.error.code}: ${result.error.message}`);
      return result.value as ChannelOutput<typeof channel>;
    },
    async fail(channel, input) {
      const result = await dispatch(channel, input);
      if (result.ok) expect.fail(`${channel} succeeded: ${JSON.stringify(result.value)}`);
      return result.error;
    },
  };
}

/** Deletes what a test stored in the real keychain for this workspace: secret values and tokens. */
function cleanKeychain(dir: string): void {
  let workspace: Workspace;
  try {
    workspace = Workspace.open({ dir });
  } catch {
    return; // A test that broke the database on purpose stored nothing in the keychain.
  }
  try {
    const secrets = SecretStore.forWorkspace(workspace);
    const tokens = new RuntimeTokenStore(workspace.id);
    for (const { name } of workspace.environments.list()) {
      for (const secret of new Set([...workspace.pipeline.secrets(), ...secrets.listNames(name)])) {
        secrets.delete(name, secret);
      }
      tokens.delete(name);
    }
  } catch {
    // No keychain in this test (an injected failing one): nothing was stored in it.
  } finally {
    workspace.close();
  }
}

/**
 * A keychain that cannot be reached, as on a Linux machine without a D-Bus session: every call
 * throws what @napi-rs/keyring throws there, which becomes KEYCHAIN_UNAVAILABLE.
 */
export function unreachableKeychain(): Keychain {
  return new Keychain('linux', () => {
    throw new Error(
      'Platform secure storage failure: DBus error: Unable to autolaunch a dbus-daemon without a $DISPLAY',
    );
  });
}
