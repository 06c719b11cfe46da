import { checkRuntimeUrl } from '../../core/publish/runtime-client';
import { parseCommandArgs } from '../args';
import { UsageError } from '../usage-error';
import type { Command } from './command';
import { json, withStudioCore } from './publish-access';
import { readSecretValue } from './secret-input';
import { dataOptionHelp } from './workspace-access';

const help = `Usage:
  pipeline-studio env add <name> --url <runtime-url>   (staging and production exist: add sets their URL)
  pipeline-studio env list
  pipeline-studio env token <name>                      (the token is read from stdin)

The runtimes this workspace publishes to. A runtime URL is https://…, or http:// on loopback only
(the runtime's own TLS rule: a token never crosses a network in clear text). The token (from
\`pipeline-studio runtime token create --scopes publish,secrets:write,events:read\` on the runtime)
goes to the OS keychain and nowhere else; it is read from stdin, never from the command line.

Options:
  --url <url>          add: the runtime's base URL
${dataOptionHelp}

add and token print the environment as JSON { name, runtimeUrl, hasToken, lastPublishedHash };
list prints a JSON array of them. Exit codes: 0 done, 2 bad usage, an invalid URL, an unknown
environment, or the keychain is unavailable.`;

async function add(args: string[]): Promise<number> {
  const command = 'env add';
  const { values, positionals } = parseCommandArgs(
    command,
    args,
    { url: { type: 'string' }, data: { type: 'string' } },
    1,
  );
  const [name] = positionals;
  if (name === undefined) throw new UsageError(`${command}: the environment's <name> is required`);
  if (values.url === undefined) throw new UsageError(`${command}: --url <runtime-url> is required`);
  const url = values.url;
  try {
    checkRuntimeUrl(url);
  } catch (error) {
    throw new UsageError(`${command}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return withStudioCore(command, values.data, async (handlers) => {
    const exists = (await handlers['environments.list']({})).some((environment) => environment.name === name);
    // staging and production always exist: `env add staging --url …` is how their URL is set.
    const environment = exists
      ? await handlers['environments.update']({ name, runtimeUrl: url })
      : await handlers['environments.create']({ name, runtimeUrl: url });
    process.stderr.write(`${command}: ${exists ? 'updated' : 'added'} ${name} → ${url}\n`);
    json(environment);
    return 0;
  });
}

async function list(args: string[]): Promise<number> {
  const command = 'env list';
  const { values } = parseCommandArgs(command, args, { data: { type: 'string' } });
  return withStudioCore(command, values.data, async (handlers) => {
    json(await handlers['environments.list']({}));
    return 0;
  });
}

async function token(args: string[]): Promise<number> {
  const command = 'env token';
  const { values, positionals } = parseCommandArgs(command, args, { data: { type: 'string' } }, 1);
  const [name] = positionals;
  if (name === undefined)
    throw new UsageError(`${command}: the environment's <name> is required (the token goes on stdin)`);
  return withStudioCore(command, values.data, async (handlers) => {
    // The environment first, so that a typo is reported before a token is typed.
    if (!(await handlers['environments.list']({})).some((environment) => environment.name === name)) {
      throw new UsageError(`${command}: there is no environment "${name}" (add it with env add ${name} --url …)`);
    }
    const value = (await readSecretValue(command, 'the runtime token')).trim();
    if (value.length === 0) throw new UsageError(`${command}: the token read from stdin is empty; nothing was stored`);
    const environment = await handlers['environments.setToken']({ name, token: value });
    process.stderr.write(`${command}: stored the runtime token of ${name} in the keychain\n`);
    json(environment);
    return 0;
  });
}

export const envCommand: Command = {
  summary: 'env add <name> --url U | list | token <name> (stdin): the runtimes this workspace publishes to',
  help,
  async run(args) {
    const [subcommand, ...rest] = args;
    if (subcommand === 'add') return add(rest);
    if (subcommand === 'list') return list(rest);
    if (subcommand === 'token') return token(rest);
    throw new UsageError(
      subcommand === undefined
        ? 'env: a subcommand is required: add, list or token (see env --help)'
        : 'env: unknown subcommand; expected add, list or token (see env --help)',
    );
  },
};
