import { diffSummary } from '../../core/publish/bundle-diff';
import { parseCommandArgs } from '../args';
import type { Command } from './command';
import { publishFlowArgs, publishFlowOptions, runPublishFlow, statusMarks, type Preview } from './publish-flow';
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
  for (const gate of preview.gates) lines.push(`  ${statusMarks[gate.status] ?? ' '} ${gate.label}: ${gate.detail}`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

export const publishCommand: Command = {
  summary: 'publish --workspace --env <name>: diff, gates, publish to a runtime',
  help,
  async run(args) {
    const command = 'publish';
    const { values, positionals } = parseCommandArgs(command, args, publishFlowOptions, 1);
    const flow = publishFlowArgs(command, 'publish', values, positionals, 'published with pipeline-studio');
    return runPublishFlow(command, flow, {
      printPreview: (preview) => printPreview(command, preview),
      printDone: (progress) => {
        process.stderr.write(`${command}: ${flow.environment} runs version ${progress.result?.version ?? '?'}\n`);
      },
    });
  },
};
