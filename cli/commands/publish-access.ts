import { createInterface } from 'node:readline/promises';
import { ContractError, type ChannelInput, type ChannelOutput, type PushedEvent } from '../../shared/contract';
import type { Bundle } from '../../shared/engine';
import { environmentHandlers } from '../../core/authoring/environments';
import { StudioRoot } from '../../core/composition/studio-root';
import { toContractError } from '../../core/contract-errors';
import { previewPublish } from '../../core/publish/publish-preview';
import type { PublishJob } from '../../core/publish/publish-jobs';
import { publishHandlers } from '../../core/publish/publish-handlers';
import type { RuntimeClient } from '../../core/publish/runtime-client';
import { eventLibraryHandlers } from '../../core/replay/event-library';
import { rolloutHandlers } from '../../core/rollout/rollout-handlers';
import { UsageError } from '../usage-error';

// What the environment and publish commands (env, publish, rollback, rollout, status, tail,
// pull-events) share: they call the studio's own handlers (core/authoring/environments.ts,
// core/publish, core/rollout, events.pull in core/replay/event-library.ts) over one composition
// root (core/composition), so the CLI publishes exactly as the desktop app does, with the same gates
// and the same errors, and a command opens the workspace once. Decided here:
// - a handler's error goes through the router's one table (core/contract-errors.ts) and becomes
//   one line on stderr, `<command>: CODE: message`;
// - exit code 2 for what the user must fix on this side (an unknown environment, no runtime URL or
//   token, the keychain or the workspace unusable, a missing confirmation), 1 for what the runtime
//   or the gates refused (docs/cli.md: 1 = the check failed);
// - the core is always closed (engine workers, workspace) before the command returns.

const usageCodes = new Set([
  'NOT_FOUND',
  'NO_RUNTIME_URL',
  'NO_TOKEN',
  'KEYCHAIN_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'CONFIRMATION_REQUIRED',
  'INVALID',
  'INVALID_INPUT',
  'CONFLICT',
  'UNAVAILABLE',
]);

/** Thrown for a refusal of the runtime or a gate: exit 1 after its line on stderr. */
export class CommandFailed extends Error {}

const handledCodes = [...usageCodes, 'RUNTIME_UNREACHABLE', 'RUNTIME_REFUSED', 'BUSY', 'VERSION_NOT_FOUND'];

export type StudioHandlers = ReturnType<typeof environmentHandlers> &
  ReturnType<typeof publishHandlers> &
  ReturnType<typeof rolloutHandlers> &
  Pick<ReturnType<typeof eventLibraryHandlers>, 'events.pull'>;

/**
 * An environment's runtime client (its URL and token from the workspace and the keychain), for
 * what no channel does from a command line: `tail` follows GET /v1/tail itself, one line per
 * invocation, rather than the page's batches. NOT_FOUND / NO_RUNTIME_URL / NO_TOKEN as the channels.
 */
export type RuntimeAccess = (environment: string) => RuntimeClient;

/** What `publish <bundle-dir>` needs beyond the channels: a preview and a job of another bundle. */
export interface BundlePublishing {
  preview(environment: string, bundle?: Bundle): ReturnType<typeof previewPublish>;
  start(input: ChannelInput<'publish.start'>, bundle?: Bundle): Promise<PublishJob>;
  /** Calls `listener` with each publish.steps the core pushes; returns the function that stops. */
  onSteps(listener: (progress: ChannelOutput<'publish.progress'>) => void): () => void;
}

export async function withStudioCore(
  command: string,
  dataDir: string | undefined,
  use: (handlers: StudioHandlers, publishing: BundlePublishing, runtime: RuntimeAccess) => Promise<number>,
): Promise<number> {
  const root = new StudioRoot(dataDir !== undefined ? { dataDir } : {});
  const { workspace, connect, secrets, publishJobs: jobs } = root;
  const handlers: StudioHandlers = {
    ...environmentHandlers({ workspace, runtimeTokens: root.runtimeTokens }),
    ...publishHandlers({ connect, workspace, secrets, impactReview: root.impactReview, jobs }),
    ...rolloutHandlers({ connect, workspace, watches: root.rolloutWatches, tails: root.tails }),
    'events.pull': eventLibraryHandlers({ workspace, events: root.events, capturedEvents: root.capturedEvents })[
      'events.pull'
    ],
  };
  const publishing: BundlePublishing = {
    preview: (environment, bundle) =>
      previewPublish({ connect, workspace, secrets, impactReview: root.impactReview }, environment, bundle),
    start: (input, bundle) => jobs.start(input, bundle),
    onSteps: (listener) =>
      root.events.subscribe((event) => {
        if (event.name === 'publish.steps') listener((event as PushedEvent<'publish.steps'>).payload);
      }),
  };
  try {
    return await use(handlers, publishing, (environment) => connect(environment).client);
  } catch (caught) {
    // The store's and the keychain's failures, as the desktop app's handlers answer them.
    const error = toContractError(caught, handledCodes);
    if (error instanceof ContractError) {
      const line = `${command}: ${error.code}: ${error.message.replace(/\s*\n\s*/g, ' ')}`;
      if (usageCodes.has(error.code)) throw new UsageError(line);
      process.stderr.write(`${line}\n`);
      return 1;
    }
    throw error;
  } finally {
    await root.close();
  }
}

/**
 * Production's confirmation: --yes, or the name typed at a terminal. Without a terminal and
 * without --yes it is a usage error: a script must say --yes explicitly.
 */
export async function confirmEnvironment(
  command: string,
  environment: string,
  yes: boolean | undefined,
): Promise<string | undefined> {
  if (environment !== 'production') return undefined;
  if (yes) return environment;
  if (!process.stdin.isTTY) {
    throw new UsageError(`${command}: ${environment} needs confirmation: pass --yes (no terminal to ask on)`);
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`Type "${environment}" to confirm: `);
    if (answer.trim() !== environment) throw new UsageError(`${command}: not confirmed; nothing was changed`);
    return environment;
  } finally {
    prompt.close();
  }
}

export function requireEnvOption(command: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(`${command}: --env <name> is required`);
  return value;
}

export const json = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
