import { stickyKeySchema } from '../../shared/contract/rollout-request';
import { parseCommandArgs, positiveInteger } from '../args';
import { UsageError } from '../usage-error';
import type { Command } from './command';
import { confirmEnvironment, json, requireEnvOption, withStudioCore } from './publish-access';
import { publishFlowArgs, publishFlowOptions, runPublishFlow } from './publish-flow';
import { rolloutTable } from './rollout-view';
import { dataOptionHelp } from './workspace-access';

const help = `Usage:
  pipeline-studio rollout start (<bundle-dir> | --workspace) --env <name> --percent N [--shadow]
      [--sticky-by user.id|user.email|request.ip] [--max-error-rate R] [--max-p99-ms M]
      [--min-samples K] [--message "…"] [--push-secrets] [--yes]
  pipeline-studio rollout status --env <name> [--json]
  pipeline-studio rollout set --env <name> --percent N [--yes]
  pipeline-studio rollout promote --env <name> [--yes]
  pipeline-studio rollout abort --env <name>

start runs the same gates as publish (validate → secrets → pinned suite → impact), then starts a
rollout of the bundle on the environment's runtime instead of publishing it: a canary (the
candidate decides for N% of users, sticky by --sticky-by) or with --shadow a shadow run (every
answer from the active bundle, the candidate run beside N% of them). The guard rolls it back on its
own past --max-error-rate (0–1, default 0.05) or --max-p99-ms (default: the hook's deadline), once
the candidate has --min-samples runs (default 50). status prints both versions' runs, error rate,
p50/p99, the differences, the state and why it ended; set changes the share, promote makes the
candidate the active bundle (recorded in the workspace history), abort stops it.

production asks you to type its name at a terminal for start, set and promote; --yes confirms
without asking (required without a terminal).

Options:
  --env <name>         the environment (env list shows them)
  --json               status: the rollout as JSON ({ "rollout": … | null })
${dataOptionHelp}

start prints the job's final state as JSON on stdout, then the rollout; set, promote and abort print
the rollout as JSON. Exit codes: 0 done, 1 a gate failed or the runtime refused (ROLLOUT_RUNNING,
NO_ROLLOUT, ROLLOUT_ENDED…), 2 bad usage, an unknown environment, no runtime URL or token, no
confirmation.`;

const subcommands = 'start, status, set, promote or abort';

function number(command: string, flag: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed > max) {
    throw new UsageError(`${command}: ${flag} must be a number from 0 to ${max}, got '${value}'`);
  }
  return parsed;
}

async function start(args: string[]): Promise<number> {
  const command = 'rollout start';
  const { values, positionals } = parseCommandArgs(
    command,
    args,
    {
      ...publishFlowOptions,
      percent: { type: 'string' },
      shadow: { type: 'boolean' },
      'sticky-by': { type: 'string' },
      'max-error-rate': { type: 'string' },
      'max-p99-ms': { type: 'string' },
      'min-samples': { type: 'string' },
    },
    1,
  );
  const flow = publishFlowArgs(command, 'rollout', values, positionals, 'rollout started with pipeline-studio');
  const percent = positiveInteger(command, '--percent', values.percent, 100);
  if (percent === undefined) throw new UsageError(`${command}: --percent N (1 to 100) is required`);
  const sticky = values['sticky-by'];
  const stickyBy = sticky === undefined ? undefined : stickyKeySchema.safeParse(sticky).data;
  if (sticky !== undefined && stickyBy === undefined) {
    throw new UsageError(`${command}: --sticky-by must be user.id, user.email or request.ip, got '${sticky}'`);
  }
  const maxErrorRate = number(command, '--max-error-rate', values['max-error-rate'], 1);
  const maxP99Ms = number(command, '--max-p99-ms', values['max-p99-ms'], 600_000);
  if (maxP99Ms === 0) throw new UsageError(`${command}: --max-p99-ms must be more than 0`);
  const minSamples = positiveInteger(command, '--min-samples', values['min-samples'], 1_000_000);
  const guard = {
    ...(maxErrorRate !== undefined ? { maxErrorRate } : {}),
    ...(maxP99Ms !== undefined ? { maxP99Ms } : {}),
    ...(minSamples !== undefined ? { minSamples } : {}),
  };
  const rollout = {
    mode: values.shadow ? ('shadow' as const) : ('canary' as const),
    percent,
    ...(stickyBy !== undefined ? { stickyBy } : {}),
    ...(Object.keys(guard).length > 0 ? { guard } : {}),
  };
  const { environment } = flow;

  return runPublishFlow(command, flow, {
    rollout,
    printPreview: (preview) => {
      process.stderr.write(
        `${command}: ${environment} (${preview.runtimeUrl}): candidate ${preview.local.hash.slice(0, 12)}, active ${preview.remote ? `version ${preview.remote.version}` : 'none'}\n`,
      );
      for (const gate of preview.gates) process.stderr.write(`  ${gate.status} ${gate.label}: ${gate.detail}\n`);
    },
    printDone: async (_progress, handlers) => {
      const { rollout: started } = await handlers['rollouts.status']({ environment });
      if (started) process.stderr.write(rolloutTable(environment, started));
    },
  });
}

async function status(args: string[]): Promise<number> {
  const command = 'rollout status';
  const { values } = parseCommandArgs(command, args, {
    env: { type: 'string' },
    json: { type: 'boolean' },
    data: { type: 'string' },
  });
  const environment = requireEnvOption(command, values.env);
  return withStudioCore(command, values.data, async (handlers) => {
    const { rollout } = await handlers['rollouts.status']({ environment });
    if (values.json) json({ rollout });
    else
      process.stdout.write(
        rollout ? rolloutTable(environment, rollout) : `no rollout was ever started on ${environment}\n`,
      );
    return 0;
  });
}

async function steer(action: 'set' | 'promote' | 'abort', args: string[]): Promise<number> {
  const command = `rollout ${action}`;
  const { values } = parseCommandArgs(command, args, {
    env: { type: 'string' },
    ...(action === 'set' ? { percent: { type: 'string' } } : {}),
    ...(action !== 'abort' ? { yes: { type: 'boolean' } } : {}),
    data: { type: 'string' },
  } as const);
  const environment = requireEnvOption(command, values.env);
  const percent =
    action === 'set' ? positiveInteger(command, '--percent', values.percent as string | undefined, 100) : undefined;
  if (action === 'set' && percent === undefined) throw new UsageError(`${command}: --percent N (1 to 100) is required`);
  return withStudioCore(command, values.data, async (handlers) => {
    if (action === 'abort') {
      const { rollout } = await handlers['rollouts.abort']({ environment });
      json({ rollout });
      process.stderr.write(
        `${command}: rollout ${rollout.id} on ${environment} is ${rollout.state}; version ${rollout.baseVersion} stays active\n`,
      );
      return 0;
    }
    const confirm = await confirmEnvironment(command, environment, values.yes as boolean | undefined);
    const confirmed = confirm !== undefined ? { confirm } : {};
    if (action === 'set') {
      const { rollout } = await handlers['rollouts.setPercent']({ environment, percent: percent ?? 1, ...confirmed });
      json({ rollout });
      process.stderr.write(`${command}: rollout ${rollout.id} on ${environment} is at ${rollout.percent}%\n`);
      return 0;
    }
    const promoted = await handlers['rollouts.promote']({ environment, ...confirmed });
    json(promoted);
    process.stderr.write(
      `${command}: ${environment} runs version ${promoted.version} (rollout ${promoted.rollout.id} promoted)\n`,
    );
    return 0;
  });
}

export const rolloutCommand: Command = {
  summary: 'rollout start|status|set|promote|abort --env <name>: canary and shadow rollouts on a runtime',
  help,
  async run(args) {
    const [subcommand, ...rest] = args;
    if (subcommand === 'start') return start(rest);
    if (subcommand === 'status') return status(rest);
    if (subcommand === 'set' || subcommand === 'promote' || subcommand === 'abort') return steer(subcommand, rest);
    throw new UsageError(
      subcommand === undefined
        ? `rollout: a subcommand is required: ${subcommands} (see rollout --help)`
        : `rollout: unknown subcommand '${subcommand}'; expected ${subcommands} (see rollout --help)`,
    );
  },
};
