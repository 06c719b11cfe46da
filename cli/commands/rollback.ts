import { parseCommandArgs, positiveInteger } from '../args';
import { UsageError } from '../usage-error';
import type { Command } from './command';
import { confirmEnvironment, json, requireEnvOption, withStudioCore } from './publish-access';
import { dataOptionHelp } from './workspace-access';

const help = `Usage: pipeline-studio rollback --env <name> --to <version> [--yes]

Makes an earlier version active again on the environment's runtime (a new version in its history,
restored from <version>; \`status --env <name>\` lists them) and records it in the workspace's
history. production asks you to type its name at a terminal; --yes confirms without asking.

Options:
  --env <name>         the environment
  --to <version>       the runtime's version number to restore
  --yes                confirm production without asking
${dataOptionHelp}

Prints { "version", "hash" } of the new active version on stdout. Exit codes: 0 done, 1 the runtime
refused (unknown version, secrets missing), 2 bad usage or no confirmation.`;

export const rollbackCommand: Command = {
  summary: 'rollback --env <name> --to <version>: restore an earlier runtime version',
  help,
  async run(args) {
    const command = 'rollback';
    const { values } = parseCommandArgs(command, args, {
      env: { type: 'string' },
      to: { type: 'string' },
      yes: { type: 'boolean' },
      data: { type: 'string' },
    });
    const environment = requireEnvOption(command, values.env);
    const version = positiveInteger(command, '--to', values.to, Number.MAX_SAFE_INTEGER);
    if (version === undefined) throw new UsageError(`${command}: --to <version> is required`);
    return withStudioCore(command, values.data, async (handlers) => {
      const confirm = await confirmEnvironment(command, environment, values.yes);
      const answer = await handlers['publish.rollback']({
        environment,
        version,
        ...(confirm !== undefined ? { confirm } : {}),
      });
      process.stderr.write(`${command}: ${environment} runs version ${answer.version} (restored from ${version})\n`);
      json(answer);
      return 0;
    });
  },
};
