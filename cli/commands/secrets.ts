import { SecretStore, keychainLabel } from '../../core/secrets';
import { isSecretName, type Workspace } from '../../core/store';
import { parseCommandArgs } from '../args';
import { UsageError } from '../usage-error';
import type { Command } from './command';
import { readSecretValue } from './secret-input';
import { dataOptionHelp, withWorkspace } from './workspace-access';

const defaultEnvironment = 'staging';

const help = `Usage:
  pipeline-studio secrets set <NAME> [--env <env>]      (the value is read from stdin)
  pipeline-studio secrets list [--env <env>] [--json]
  pipeline-studio secrets delete <NAME> [--env <env>]

Secret values for helpers.secret(NAME), per environment, in the OS keychain (Secret Service on
Linux, the login Keychain on macOS, Credential Manager on Windows) and nowhere else: never in the
workspace file, a bundle, an export, a trace or this command's output. The workspace records only
which names have a value, and list shows only those names.

set reads the value from stdin, never from the command line (which shell history and the process
list would keep): pipe it in (one final line break is dropped), or type it at the prompt, hidden.
An empty value is refused. Setting a name again replaces its value.

Options:
  --env <env>          the environment (default: ${defaultEnvironment}; staging and production always exist)
  --json               list: a JSON array instead of the table
${dataOptionHelp}

set and delete print { "ok", "env", "name", … } on stdout. delete of a name without a value is not
an error ("deleted": false). list prints ENV, NAME and where the value is stored; with --json
[{ "env", "name", "store", "service" }] (service is the keychain entry's service; the account is the name).
Exit codes: 0 done, 2 bad usage, an empty value, an unknown environment, no workspace, or the
keychain is unavailable or locked.`;

/**
 * The NAME argument. Extra arguments and an invalid name are reported without repeating what was
 * typed: the likeliest mistakes are `secrets set NAME value` and pasting the value as the name.
 */
function parseNamed(command: string, args: string[]) {
  const parsed = parseCommandArgs(
    command,
    args,
    { env: { type: 'string', default: defaultEnvironment }, data: { type: 'string' } },
    // Every positional is accepted here and counted below, so that none is echoed in an error.
    Number.MAX_SAFE_INTEGER,
  );
  const [name, ...extra] = parsed.positionals;
  if (name === undefined) throw new UsageError(`${command}: the secret's NAME is required (see secrets --help)`);
  if (extra.length > 0) {
    throw new UsageError(
      `${command}: takes one NAME and nothing else; a value is read from stdin, never from the command line ` +
        `(e.g. printf '%s' "$VALUE" | pipeline-studio ${command} NAME)`,
    );
  }
  if (!isSecretName(name)) {
    throw new UsageError(
      `${command}: the NAME must be 1–64 of A–Z, 0–9 and "_", starting with a letter (the value goes on stdin)`,
    );
  }
  return { name, env: parsed.values.env, data: parsed.values.data };
}

/**
 * Asked before anything else, so a typo in --env is reported before the user types a value. The
 * unknown name is not repeated either, in case a value was pasted there.
 */
function requireEnvironment(command: string, workspace: Workspace, env: string): void {
  if (workspace.environments.get(env) === undefined) {
    const known = workspace.environments.list().map((environment) => environment.name);
    throw new UsageError(`${command}: there is no such environment (the workspace has: ${known.join(', ')})`);
  }
}

async function setSecret(args: string[]): Promise<number> {
  const command = 'secrets set';
  const { name, env, data } = parseNamed(command, args);
  return withWorkspace(command, data, async (workspace) => {
    requireEnvironment(command, workspace, env);
    const store = SecretStore.forWorkspace(workspace);
    // Asking the keychain first also reports a missing or locked keychain before a value is typed.
    const replaced = store.has(env, name);
    const value = await readSecretValue(command, name);
    if (value.length === 0) {
      throw new UsageError(
        `${command}: the value read from stdin is empty; nothing was stored ` +
          `(e.g. printf '%s' "$VALUE" | pipeline-studio ${command} ${name} --env ${env})`,
      );
    }
    store.set(env, name, value);
    process.stderr.write(
      `${command}: ${replaced ? 'replaced' : 'stored'} ${name} for ${env} in the ${keychainLabel()}\n`,
    );
    process.stdout.write(
      `${JSON.stringify({ ok: true, env, name, replaced, store: keychainLabel(), service: store.serviceName(env) })}\n`,
    );
    return 0;
  });
}

async function deleteSecret(args: string[]): Promise<number> {
  const command = 'secrets delete';
  const { name, env, data } = parseNamed(command, args);
  return withWorkspace(
    command,
    data,
    (workspace) => {
      requireEnvironment(command, workspace, env);
      const deleted = SecretStore.forWorkspace(workspace).delete(env, name);
      process.stderr.write(
        deleted ? `${command}: deleted ${name} from ${env}\n` : `${command}: ${name} had no value in ${env}\n`,
      );
      process.stdout.write(`${JSON.stringify({ ok: true, env, name, deleted })}\n`);
      return 0;
    },
    { mustExist: true },
  );
}

async function listSecrets(args: string[]): Promise<number> {
  const command = 'secrets list';
  const { values, positionals } = parseCommandArgs(
    command,
    args,
    { env: { type: 'string' }, json: { type: 'boolean' }, data: { type: 'string' } },
    Number.MAX_SAFE_INTEGER,
  );
  if (positionals.length > 0) throw new UsageError(`${command}: takes no NAME or other argument (see secrets --help)`);
  const rows = await withWorkspace(
    command,
    values.data,
    (workspace) => {
      if (values.env !== undefined) requireEnvironment(command, workspace, values.env);
      const store = SecretStore.forWorkspace(workspace);
      const environments =
        values.env !== undefined ? [values.env] : workspace.environments.list().map((environment) => environment.name);
      // Names come from the workspace's record: listing never reads a value from the keychain.
      return environments.flatMap((env) =>
        store.listNames(env).map((name) => ({ env, name, store: keychainLabel(), service: store.serviceName(env) })),
      );
    },
    { mustExist: true },
  );
  if (values.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
  else if (rows.length > 0) {
    const envWidth = Math.max(3, ...rows.map((row) => row.env.length));
    const nameWidth = Math.max(4, ...rows.map((row) => row.name.length));
    const line = (env: string, name: string, where: string) =>
      `${env.padEnd(envWidth)}  ${name.padEnd(nameWidth)}  ${where}\n`;
    process.stdout.write(
      line('ENV', 'NAME', 'STORED IN') +
        rows.map((row) => line(row.env, row.name, `${row.store}: ${row.service}`)).join(''),
    );
  }
  if (rows.length === 0) process.stderr.write(`${command}: no secrets${values.env ? ` in ${values.env}` : ''}\n`);
  return 0;
}

export const secretsCommand: Command = {
  summary: 'secrets set <NAME> (value on stdin) | list | delete <NAME>: keychain secrets',
  help,
  async run(args) {
    const [subcommand, ...rest] = args;
    if (subcommand === 'set') return setSecret(rest);
    if (subcommand === 'list') return listSecrets(rest);
    if (subcommand === 'delete') return deleteSecret(rest);
    throw new UsageError(
      subcommand === undefined
        ? 'secrets: a subcommand is required: set, list or delete (see secrets --help)'
        : // Not repeated: a value pasted in the wrong place must not end up in a terminal log.
          'secrets: unknown subcommand; expected set, list or delete (see secrets --help)',
    );
  },
};
