import { isHookId } from '../../shared/hooks';
import { parseCommandArgs } from '../args';
import { UsageError } from '../usage-error';
import type { Command } from './command';
import { json, requireEnvOption, withStudioCore } from './publish-access';
import { dataOptionHelp } from './workspace-access';

const help = `Usage: pipeline-studio pull-events --env <name> [--since <ISO time>] [--hook <id>]

Imports the events the environment's runtime captured (redacted by the runtime: GET /v1/events)
into the workspace's event library, with the environment's name as their source. Events already in
the library (same id) are counted as duplicates and left as they are. Without --since, the most
recent 10,000. The token needs the events:read scope.

Options:
  --env <name>         the environment
  --since <time>       captured at or after this ISO-8601 time (e.g. 2026-01-31T00:00:00Z)
  --hook <id>          only this hook's events
${dataOptionHelp}

Prints { "imported", "duplicates", "problems" } on stdout. Exit codes: 0 done, 1 the runtime could
not be reached or refused, 2 bad usage.`;

export const pullEventsCommand: Command = {
  summary: "pull-events --env <name> [--since T]: a runtime's captured events into the library",
  help,
  async run(args) {
    const command = 'pull-events';
    const { values } = parseCommandArgs(command, args, {
      env: { type: 'string' },
      since: { type: 'string' },
      hook: { type: 'string' },
      data: { type: 'string' },
    });
    const environment = requireEnvOption(command, values.env);
    let since: string | undefined;
    if (values.since !== undefined) {
      const time = Date.parse(values.since);
      if (Number.isNaN(time))
        throw new UsageError(`${command}: --since must be an ISO-8601 time, got '${values.since}'`);
      since = new Date(time).toISOString();
    }
    const hook = values.hook;
    if (hook !== undefined && !isHookId(hook)) throw new UsageError(`${command}: unknown hook '${hook}'`);
    return withStudioCore(command, values.data, async (handlers) => {
      const pulled = await handlers['events.pull']({
        environment,
        ...(since !== undefined ? { since } : {}),
        ...(hook !== undefined && isHookId(hook) ? { hook } : {}),
      });
      process.stderr.write(`${command}: ${pulled.imported} imported, ${pulled.duplicates} already in the library\n`);
      json(pulled);
      return 0;
    });
  },
};
