import { parseCommandArgs } from '../args';
import type { Command } from './command';
import { json, requireEnvOption, withStudioCore } from './publish-access';
import { dataOptionHelp } from './workspace-access';

const help = `Usage: pipeline-studio status --env <name>

The environment's runtime versions as JSON on stdout:
{ "environment", "runtimeUrl", "lastPublishedHash", "drift", "active": { version, hash } | null,
  "versions": [{ version, hash, publishedAt, publishedBy, message }] } (newest first).
"drift" is true when the runtime's active hash is not the one this workspace published last
(someone published from elsewhere).

Options:
  --env <name>         the environment
${dataOptionHelp}

Exit codes: 0 done, 1 the runtime could not be reached or refused the token, 2 bad usage.`;

export const statusCommand: Command = {
  summary: "status --env <name>: the runtime's active version and history (JSON)",
  help,
  async run(args) {
    const command = 'status';
    const { values } = parseCommandArgs(command, args, { env: { type: 'string' }, data: { type: 'string' } });
    const environment = requireEnvOption(command, values.env);
    return withStudioCore(command, values.data, async (handlers) => {
      const history = await handlers['publish.history']({ environment });
      const entry = (await handlers['environments.list']({})).find((e) => e.name === environment);
      const last = entry?.lastPublishedHash ?? null;
      json({
        environment,
        runtimeUrl: entry?.runtimeUrl ?? null,
        lastPublishedHash: last,
        drift: (history.active?.hash ?? null) !== last,
        ...history,
      });
      return 0;
    });
  },
};
