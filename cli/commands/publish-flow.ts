import type { ChannelInput, ChannelOutput } from '../../shared/contract';
import type { Bundle } from '../../shared/engine';
import { readBundleFolder } from '../../shared/engine/node/bundle-files';
import { UsageError } from '../usage-error';
import { confirmEnvironment, json, requireEnvOption, withStudioCore, type StudioHandlers } from './publish-access';

// What `publish` and `rollout start` share: both run one publish job through the gates, as the
// desktop app's publish screen does (read the bundle folder, preview, gates, production's
// confirmation, the job with its steps as they are pushed, its final state as JSON on stdout). A
// rollout is the same job with a rollout request (core/publish/publish-steps.ts): only what each
// command prints of the preview and of a job that is done differs.

export type Preview = ChannelOutput<'publish.preview'>;
export type PublishProgress = ChannelOutput<'publish.progress'>;
type RolloutRequest = NonNullable<ChannelInput<'publish.start'>['rollout']>;

/** The options both commands take, for parseCommandArgs. */
export const publishFlowOptions = {
  workspace: { type: 'boolean' },
  env: { type: 'string' },
  message: { type: 'string' },
  'push-secrets': { type: 'boolean' },
  yes: { type: 'boolean' },
  data: { type: 'string' },
} as const;

export interface PublishFlowArgs {
  /** The bundle folder to send, or undefined for the workspace's current pipeline. */
  folder: string | undefined;
  environment: string;
  message: string;
  yes: boolean | undefined;
  pushSecrets: boolean | undefined;
  dataDir: string | undefined;
}

interface PublishFlowValues {
  workspace?: boolean;
  env?: string;
  message?: string;
  'push-secrets'?: boolean;
  yes?: boolean;
  data?: string;
}

/** The shared options checked: one bundle source, an environment, a message of 1 to 500 characters. */
export function publishFlowArgs(
  command: string,
  helpCommand: string,
  values: PublishFlowValues,
  positionals: string[],
  defaultMessage: string,
): PublishFlowArgs {
  const [folder] = positionals;
  if ((folder === undefined) === !values.workspace) {
    throw new UsageError(`${command}: give a <bundle-dir> or --workspace, one of the two (see ${helpCommand} --help)`);
  }
  const environment = requireEnvOption(command, values.env);
  const message = values.message ?? defaultMessage;
  if (message.length === 0 || message.length > 500)
    throw new UsageError(`${command}: --message must be 1 to 500 characters`);
  return { folder, environment, message, yes: values.yes, pushSecrets: values['push-secrets'], dataDir: values.data };
}

export interface PublishFlowOutput {
  /** Starts this rollout of the bundle instead of publishing it. */
  rollout?: RolloutRequest;
  /** Writes the preview (the gates included) on stderr, before anything is sent. */
  printPreview(preview: Preview): void;
  /** Writes on stderr what a job that is done leaves behind (after its JSON on stdout). */
  printDone(progress: PublishProgress, handlers: StudioHandlers): Promise<void> | void;
}

/** How a gate's or a step's status is shown at the start of its line. */
export const statusMarks: Record<string, string> = { pass: '✓', fail: '✗', pending: '…', skipped: '-', running: '…' };

/** Runs the job; 0 when it is done, 1 for an invalid bundle, a failed gate or a refusal of the runtime. */
export async function runPublishFlow(command: string, args: PublishFlowArgs, output: PublishFlowOutput) {
  const { folder, environment } = args;
  const nothingDone = output.rollout ? 'nothing was sent' : 'nothing was published';
  let bundle: Bundle | undefined;
  if (folder !== undefined) {
    const read = await readBundleFolder(folder);
    if (!read.ok) {
      // As `check`: the bundle is what failed, every problem listed; nothing was sent.
      process.stderr.write(`${command}: ${folder} is not a valid bundle; nothing was sent\n`);
      for (const problem of read.error.problems) process.stderr.write(`  ${problem.where}: ${problem.message}\n`);
      return 1;
    }
    bundle = read.bundle;
  }

  return withStudioCore(command, args.dataDir, async (handlers, publishing) => {
    const preview = await publishing.preview(environment, bundle);
    output.printPreview(preview);
    if (preview.gates.find((gate) => gate.id === 'valid')?.status === 'fail') {
      process.stderr.write(`${command}: the pipeline is not valid; ${nothingDone}\n`);
      return 1;
    }
    const confirm = await confirmEnvironment(command, environment, args.yes);
    // Each step is printed once it has passed, failed or been skipped, as the job pushes it
    // (publish.steps); one job runs per environment, so its environment names it.
    const reported = new Map<string, string>();
    const report = (progress: PublishProgress) => {
      for (const step of progress.steps) {
        const key = `${step.status}:${step.detail ?? ''}`;
        if (step.status === 'pending' || step.status === 'running' || reported.get(step.id) === key) continue;
        reported.set(step.id, key);
        process.stderr.write(
          `  ${statusMarks[step.status] ?? ' '} ${step.label}${step.detail ? `: ${step.detail}` : ''}\n`,
        );
      }
    };
    const stop = publishing.onSteps((progress) => {
      if (progress.environment === environment) report(progress);
    });
    const job = await publishing.start(
      {
        environment,
        message: args.message,
        ...(output.rollout ? { rollout: output.rollout } : {}),
        expectedHash: preview.remote?.hash ?? null,
        ...(confirm !== undefined ? { confirm } : {}),
        ...(args.pushSecrets ? { pushSecrets: true } : {}),
      },
      bundle,
    );
    const progress = await job.ended.finally(stop);
    report(progress);
    json(progress);
    if (progress.status !== 'done') {
      process.stderr.write(`${command}: ${progress.error?.code ?? 'FAILED'}: ${progress.error?.message ?? ''}\n`);
      return 1;
    }
    await output.printDone(progress, handlers);
    return 0;
  });
}
