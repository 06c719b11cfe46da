import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createToken, describeToken, parseScopes } from '../auth/tokens';
import { parseRuntimeConfig, RuntimeConfigError } from '../config';
import { createRuntime } from '../runtime';
import { loadSecretsKey, secretsKeyEnv } from '../secrets/secrets-key';
import { openPostgresStorage, redactDatabaseUrl } from '../storage/postgres/postgres-storage';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage';
import type { RuntimeStorage } from '../storage/types';
import { isLoopbackHost } from './listen-address';
import { createRuntimeServer } from './runtime-server';

// `pipeline-studio runtime …` (and `node dist/node/runtime.mjs …`, the same arguments): starts the
// server, or manages its tokens. Usage errors are RuntimeUsageError (exit 2 with one line).

export class RuntimeUsageError extends Error {
  override name = 'RuntimeUsageError';
}

export const databaseUrlEnv = 'PIPELINE_RUNTIME_DATABASE_URL';

export const runtimeHelp = `Usage:
  pipeline-studio runtime [--port N] [--host H] [--data DIR | --database-url URL] [--tls-cert F --tls-key F]
                          [--behind-proxy] [--key-file F] [--config F]
  pipeline-studio runtime token create --scopes <s1,s2> [--name LABEL] [--data DIR | --database-url URL]
  pipeline-studio runtime token list [--data DIR | --database-url URL]
  pipeline-studio runtime token revoke <id> [--data DIR | --database-url URL]

Starts the reference runtime: the HTTP API of docs/runtime.md over the active
pipeline of this data folder (SQLite) or of a PostgreSQL database shared by several instances
(docs/deployment.md). Prints { "listening", "data", "activeHash" } on stdout once it accepts
requests; stops cleanly on SIGINT or SIGTERM.

Options:
  --port N          port (default 8787; 0 picks a free one)
  --host H          address to bind (default 127.0.0.1). Any other than loopback needs TLS:
                    --tls-cert and --tls-key (PEM files), or --behind-proxy
  --behind-proxy    TLS ends at a reverse proxy in front of this server: requests must carry
                    X-Forwarded-Proto: https; the client address is X-Forwarded-For's last entry
  --data DIR        the data folder: runtime.db, runtime.key (default $PIPELINE_RUNTIME_DATA or ./runtime-data)
  --database-url URL
                    keep the state in PostgreSQL instead (default $PIPELINE_RUNTIME_DATABASE_URL):
                    postgres://user:password@host:5432/db[?sslmode=require&pool_max=10&safety_poll_ms=30000].
                    Every instance on the database serves the same bundle, secrets, tokens and
                    captures; publishes reach all of them within a second. Needs the secrets key
                    (--key-file or $PIPELINE_RUNTIME_KEY), the same on every instance
  --key-file F      the secrets key (base64 of 32 bytes); else $PIPELINE_RUNTIME_KEY; else
                    DIR/runtime.key, created on first start (SQLite only)
  --config F        JSON configuration: deadlines, capture (sampleRate, redaction), retention,
                    authFailures, workers, source (docs/runtime.md)

Tokens: scopes are publish, invoke, events:read, secrets:write. create prints the token once on
stdout ({ "id", "token", "scopes", "name" }); only its SHA-256 is kept. list shows ids, names and
scopes; revoke takes effect within 5 s on a running server.

Exit codes: 0 done (or stopped by a signal), 1 failed to start, 2 bad usage.`;

export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal(): Promise<string>;
  /** While serving: unhandled rejections are logged and the process goes on (server/process-policy.ts). */
  keepServing?(log: (message: string) => void): () => void;
}

type Options = NonNullable<ParseArgsConfig['options']>;

function parse<O extends Options>(command: string, args: string[], options: O, positionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: positionals > 0, strict: true });
  } catch (error) {
    throw new RuntimeUsageError(`${command}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed.positionals.length > positionals) {
    throw new RuntimeUsageError(`${command}: unexpected argument '${parsed.positionals[positionals]}'`);
  }
  return parsed;
}

function dataDirOf(value: string | undefined, env: NodeJS.ProcessEnv): string {
  return path.resolve(value ?? env.PIPELINE_RUNTIME_DATA ?? 'runtime-data');
}

/** The PostgreSQL URL (flag, else environment), or undefined for SQLite in the data folder. */
function databaseUrlOf(
  command: string,
  values: { data?: string | undefined; 'database-url'?: string | undefined },
  env: NodeJS.ProcessEnv,
): string | undefined {
  const url = values['database-url'] ?? (env[databaseUrlEnv] || undefined);
  if (url !== undefined && values.data !== undefined) {
    throw new RuntimeUsageError(
      `${command}: --data and --database-url exclude each other (with PostgreSQL the state is in the database)`,
    );
  }
  return url;
}

async function openCommandStorage(
  command: string,
  values: { data?: string | undefined; 'database-url'?: string | undefined },
  io: CommandIo,
): Promise<RuntimeStorage> {
  const url = databaseUrlOf(command, values, io.env);
  if (url === undefined) return openSqliteStorage(dataDirOf(values.data, io.env));
  return openPostgresStorage(url, { log: (message) => io.stderr(`pipeline-runtime: ${message}\n`) });
}

export async function runRuntimeCommand(args: string[], io: CommandIo): Promise<number> {
  if (args[0] === 'token') return runTokenCommand(args.slice(1), io);
  const { values } = parse('runtime', args, {
    port: { type: 'string' },
    host: { type: 'string' },
    data: { type: 'string' },
    'database-url': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'behind-proxy': { type: 'boolean' },
    'key-file': { type: 'string' },
    config: { type: 'string' },
  });
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RuntimeUsageError(`runtime: --port must be a whole number from 0 to 65535, got '${values.port}'`);
  }
  const host = values.host ?? '127.0.0.1';
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new RuntimeUsageError('runtime: --tls-cert and --tls-key go together');
  }
  const behindProxy = values['behind-proxy'] === true;
  if (!isLoopbackHost(host) && certFile === undefined && !behindProxy) {
    throw new RuntimeUsageError(
      `runtime: refusing to listen on ${host} without TLS: give --tls-cert and --tls-key, or --behind-proxy ` +
        'when a reverse proxy in front terminates TLS (plain HTTP is only allowed on loopback)',
    );
  }
  const tls =
    certFile !== undefined && keyFile !== undefined
      ? { cert: readOption('--tls-cert', certFile), key: readOption('--tls-key', keyFile) }
      : undefined;
  let config: unknown = {};
  if (values.config !== undefined) {
    const text = readOption('--config', values.config).toString('utf8');
    try {
      config = JSON.parse(text);
    } catch (error) {
      throw new RuntimeUsageError(
        `runtime: ${values.config}: invalid JSON (${error instanceof Error ? error.message : ''})`,
      );
    }
  }
  try {
    parseRuntimeConfig(config);
  } catch (error) {
    if (error instanceof RuntimeConfigError) throw new RuntimeUsageError(`runtime: ${values.config}: ${error.message}`);
    throw error;
  }
  const databaseUrl = databaseUrlOf('runtime', values, io.env);
  if (databaseUrl !== undefined && values['key-file'] === undefined && !io.env[secretsKeyEnv]) {
    // A key created here would differ on every machine: each instance could then open only the
    // secrets it set itself. The key check stored in the database would refuse the second one.
    throw new RuntimeUsageError(
      `runtime: with --database-url the secrets key must be given, the same on every instance: --key-file F or ` +
        `$${secretsKeyEnv} (the base64 of 32 bytes, e.g. \`openssl rand -base64 32\`)`,
    );
  }
  const dataDir = databaseUrl === undefined ? dataDirOf(values.data, io.env) : undefined;
  const log = (message: string) => io.stderr(`pipeline-runtime: ${message}\n`);

  let runtime;
  try {
    if (databaseUrl === undefined) {
      runtime = await createRuntime({
        dataDir,
        config: config as never,
        log,
        ...(values['key-file'] !== undefined ? { keyFile: values['key-file'] } : {}),
      });
    } else {
      const loaded = loadSecretsKey({ keyFile: values['key-file'], dataDir: '.', env: io.env });
      for (const warning of loaded.warnings) log(`warning: ${warning}`);
      const storage = await openPostgresStorage(databaseUrl, { log });
      runtime = await createRuntime({ storage, secretsKey: loaded.key, config: config as never, log });
    }
  } catch (error) {
    io.stderr(`pipeline-runtime: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const server = createRuntimeServer(runtime, { ...(tls ? { tls } : {}), behindProxy, log });
  let url: string;
  try {
    url = await server.listen(port, host);
  } catch (error) {
    await runtime.close();
    io.stderr(
      `pipeline-runtime: cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  io.stdout(
    `${JSON.stringify({
      listening: url,
      data: dataDir ?? null,
      ...(databaseUrl !== undefined ? { database: redactDatabaseUrl(databaseUrl) } : {}),
      activeHash: runtime.activeHash(),
      tls: tls !== undefined,
      behindProxy,
    })}\n`,
  );
  const release = io.keepServing?.(log);
  try {
    const signal = await io.stopSignal();
    log(`${signal}: stopping`);
    await server.close();
    await runtime.close();
  } finally {
    release?.();
  }
  return 0;
}

function readOption(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new RuntimeUsageError(`runtime: ${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

async function runTokenCommand(args: string[], io: CommandIo): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'create') {
    const { values } = parse('runtime token create', rest, {
      scopes: { type: 'string' },
      name: { type: 'string' },
      data: { type: 'string' },
      'database-url': { type: 'string' },
    });
    if (values.scopes === undefined) throw new RuntimeUsageError('runtime token create: --scopes <s1,s2> is required');
    let scopes;
    try {
      scopes = parseScopes(values.scopes);
    } catch (error) {
      throw new RuntimeUsageError(`runtime token create: ${(error as Error).message}`);
    }
    const name = values.name ?? '';
    if (name.length > 100) throw new RuntimeUsageError('runtime token create: --name is at most 100 characters');
    const storage = await openCommandStorage('runtime token create', values, io);
    try {
      const created = await createToken(storage, { scopes, name });
      io.stdout(`${JSON.stringify({ id: created.record.id, token: created.token, scopes, name })}\n`);
      io.stderr('pipeline-runtime: this token is shown once; the runtime keeps only its hash\n');
    } finally {
      await storage.close();
    }
    return 0;
  }
  if (action === 'list') {
    const { values } = parse('runtime token list', rest, {
      data: { type: 'string' },
      'database-url': { type: 'string' },
    });
    const storage = await openCommandStorage('runtime token list', values, io);
    try {
      const tokens = (await storage.tokens()).map((token) => {
        const { createdAt, revokedAt, ...described } = describeToken(token);
        return {
          ...described,
          createdAt: new Date(createdAt).toISOString(),
          revokedAt: revokedAt === undefined ? null : new Date(revokedAt).toISOString(),
        };
      });
      io.stdout(`${JSON.stringify(tokens)}\n`);
    } finally {
      await storage.close();
    }
    return 0;
  }
  if (action === 'revoke') {
    const { values, positionals } = parse(
      'runtime token revoke',
      rest,
      { data: { type: 'string' }, 'database-url': { type: 'string' } },
      1,
    );
    const id = positionals[0];
    if (!id) throw new RuntimeUsageError('runtime token revoke: the token id is required (see runtime token list)');
    const storage = await openCommandStorage('runtime token revoke', values, io);
    try {
      const revoked = await storage.revokeToken(id, Date.now());
      io.stdout(`${JSON.stringify({ id, revoked })}\n`);
      return revoked ? 0 : 1;
    } finally {
      await storage.close();
    }
  }
  throw new RuntimeUsageError(`runtime token: expected create, list or revoke${action ? `, got '${action}'` : ''}`);
}
