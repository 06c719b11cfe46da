import { diffSummary } from '../../core/publish/bundle-diff';
import type { ChannelOutput } from '../../shared/contract';
import type { Bundle } from '../../shared/engine';
import { readBundleFolder } from '../../shared/engine/node/bundle-files';
import { parseCommandArgs } from '../args';
import { UsageError } from '../usage-error';
import type { Command } from './command';
import { confirmEnvironment, json, requireEnvOption, withStudioCore } from './publish-access';
import { dataOptionHelp } from './workspace-access';

const help = `Usage: pipeline-studio publish (<bundle-dir> | --workspace) --env <name> [--message "…"] [--push-secrets] [--yes]

Publishes a bundle folder, or with --workspace the workspace's current pipeline (each script's
latest version), to the environment's runtime, as the desktop app's publish screen does: prints the diff against the runtime's active
bundle and the gates on stderr, then runs the publish: validate → secrets → pinned suite (a replay
of the pinned events through this pipeline; any mismatch or error fails it) → PUT with If-Match of
the version the diff was made against → record in the workspace's history.

production asks you to type its name at a terminal; --yes confirms without asking (required
without a terminal). A bundle folder is read as \`check\` reads it (exit 1 with every problem when
it is invalid); its pinned suite is the workspace's pinned events, replayed through that bundle.

Options:
  --env <name>         the environment (env list shows them)
  --message "…"        the publish message (default: "published with pipeline-studio")
  --push-secrets       send the declared secrets' values from this workspace's keychain to the
                       runtime first (PUT /v1/secrets), for those it has
  --yes                confirm production without asking
${dataOptionHelp}

Prints the publish job's final state as JSON on stdout ({ status, steps, result?, error? }).
Exit codes: 0 published (or nothing to change), 1 an invalid bundle, a gate failed or the runtime refused,
2 bad usage, an unknown environment, no runtime URL or token, no confirmation.`;

type Preview = ChannelOutput<'publish.preview'>;
type PublishProgress = ChannelOutput<'publish.progress'>;
const marks: Record<string, string> = { pass: '✓', fail: '✗', pending: '…', skipped: '-', running: '…' };

function printPreview(command: string, preview: Preview): void {
  const lines = [
    `${command}: ${preview.environment} (${preview.runtimeUrl})`,
    `  local  ${preview.local.hash.slice(0, 12)}  ${preview.local.scripts} scripts`,
    `  remote ${preview.remote ? `${preview.remote.hash.slice(0, 12)}  version ${preview.remote.version} by ${preview.remote.publishedBy}` : 'none (first publish)'}`,
    `  diff   ${diffSummary(preview.diff)}`,
  ];
  for (const script of preview.diff.scripts.filter((s) => s.change !== 'unchanged')) {
    lines.push(`         script ${script.id}: ${script.change}`);
  }
  for (const hook of preview.diff.hooks.filter((h) => h.change !== 'unchanged')) {
    lines.push(
      `         hook ${hook.hook}: ${hook.change} ${JSON.stringify(hook.before)} → ${JSON.stringify(hook.after)}`,
    );
  }
  if (preview.drift.detected) lines.push(`  DRIFT  ${preview.drift.message ?? ''}`);
  for (const gate of preview.gates) lines.push(`  ${marks[gate.status] ?? ' '} ${gate.label}: ${gate.detail}`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

export const publishCommand: Command = {
  summary: 'publish --workspace --env <name>: diff, gates, publish to a runtime',
  help,
  async run(args) {
    const command = 'publish';
    const { values, positionals } = parseCommandArgs(
      command,
      args,
      {
        workspace: { type: 'boolean' },
        env: { type: 'string' },
        message: { type: 'string' },
        'push-secrets': { type: 'boolean' },
        yes: { type: 'boolean' },
        data: { type: 'string' },
      },
      1,
    );
    const [folder] = positionals;
    if ((folder === undefined) === !values.workspace) {
      throw new UsageError(`${command}: give a <bundle-dir> or --workspace, one of the two (see publish --help)`);
    }
    const environment = requireEnvOption(command, values.env);
    const message = values.message ?? 'published with pipeline-studio';
    if (message.length === 0 || message.length > 500)
      throw new UsageError(`${command}: --message must be 1 to 500 characters`);

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

    return withStudioCore(command, values.data, async (_handlers, publishing) => {
      const preview = await publishing.preview(environment, bundle);
      printPreview(command, preview);
      const valid = preview.gates.find((gate) => gate.id === 'valid');
      if (valid?.status === 'fail') {
        process.stderr.write(`${command}: the pipeline is not valid; nothing was published\n`);
        return 1;
      }
      const confirm = await confirmEnvironment(command, environment, values.yes);
      // Each step is printed once it has passed, failed or been skipped, as the job pushes it
      // (publish.steps); one job runs per environment, so its environment names it.
      const reported = new Map<string, string>();
      const report = (progress: PublishProgress) => {
        for (const step of progress.steps) {
          const key = `${step.status}:${step.detail ?? ''}`;
          if (step.status === 'pending' || step.status === 'running' || reported.get(step.id) === key) continue;
          reported.set(step.id, key);
          process.stderr.write(
            `  ${marks[step.status] ?? ' '} ${step.label}${step.detail ? `: ${step.detail}` : ''}\n`,
          );
        }
      };
      const stop = publishing.onSteps((progress) => {
        if (progress.environment === environment) report(progress);
      });
      const job = await publishing.start(
        {
          environment,
          message,
          expectedHash: preview.remote?.hash ?? null,
          ...(confirm !== undefined ? { confirm } : {}),
          ...(values['push-secrets'] ? { pushSecrets: true } : {}),
        },
        bundle,
      );
      const progress = await job.ended.finally(stop);
      report(progress);
      json(progress);
      if (progress.status === 'done') {
        process.stderr.write(`${command}: ${environment} runs version ${progress.result?.version ?? '?'}\n`);
        return 0;
      }
      process.stderr.write(`${command}: ${progress.error?.code ?? 'FAILED'}: ${progress.error?.message ?? ''}\n`);
      return 1;
    });
  },
};
