import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

// Test support: a real, throwaway PostgreSQL server (Debian's `postgresql` package), and one fresh
// database per test file so that files can run in parallel on one server. The server lives in a
// temporary folder (data, log, Unix socket), listens on a free port of 127.0.0.1 with trust
// authentication and fsync off, and is stopped with `pg_ctl stop -m immediate` and removed at the
// end. initdb and postgres refuse to run as root, so as root they run as the `postgres` user
// that the package creates.
//
// Started lazily: vitest's global setup only provides a folder (`postgresStateDir`); the first test
// file that needs PostgreSQL starts the server there (the others wait for its URL), and the global
// teardown stops it if it was started. Test runs that need no PostgreSQL never pay for it.

export const postgresAptPackage = 'postgresql';

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication). */
  url: string;
  dataDir: string;
  stop(): void;
}

/** The newest PostgreSQL server binaries under /usr/lib/postgresql/<version>/bin (Debian's layout). */
export function findPostgresBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((name) => /^\d+(\.\d+)?$/.test(name) && existsSync(path.join(base, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(base, versions[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function runAsServerUser(file: string, args: string[], asPostgres: boolean): void {
  const [command, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  const result = spawnSync(command, argv, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${path.basename(file)} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}

/** Starts a server in a new temporary folder; `stop()` kills it and removes the folder. */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) {
    throw new Error(
      `PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install them with ` +
        `\`sudo apt-get install ${postgresAptPackage}\` (.ci/run does)`,
    );
  }
  const asPostgres = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runtime-pg-'));
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  mkdirSync(socketDir);
  if (asPostgres) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chownSync(socketDir, uid, gid);
  }
  try {
    runAsServerUser(
      path.join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C'],
      asPostgres,
    );
    const port = await freePort();
    const options = [
      `-p ${port}`,
      '-h 127.0.0.1',
      `-k ${socketDir}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    runAsServerUser(
      path.join(bin, 'pg_ctl'),
      ['start', '-D', dataDir, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', '-o', options],
      asPostgres,
    );
    const stop = () => {
      try {
        runAsServerUser(path.join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w'], asPostgres);
      } catch {
        killFromPidFile(dataDir);
      }
      rmSync(dir, { recursive: true, force: true });
    };
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dataDir, stop };
  } catch (error) {
    killFromPidFile(dataDir);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function killFromPidFile(dataDir: string): void {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGKILL');
  } catch {
    // not running
  }
}

// ---- the lazily started shared server (see the top of the file)

const urlFile = 'url';
const errorFile = 'error';
const dataFile = 'data-dir';

/**
 * The shared server's URL, starting it in `stateDir` if no test file did yet. Test files in other
 * worker processes race here: the one that creates the lock folder starts the server, the others
 * wait for its URL (or its error).
 */
export async function sharedPostgresUrl(stateDir: string): Promise<string> {
  const lock = path.join(stateDir, 'lock');
  let owner = false;
  try {
    mkdirSync(lock);
    owner = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (owner) {
    try {
      const server = await startPostgresServer();
      writeFileSync(path.join(stateDir, dataFile), server.dataDir);
      writeFileSync(path.join(stateDir, urlFile), server.url);
      return server.url;
    } catch (error) {
      writeFileSync(path.join(stateDir, errorFile), error instanceof Error ? error.message : String(error));
      throw error;
    }
  }
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (existsSync(path.join(stateDir, urlFile))) return readFileSync(path.join(stateDir, urlFile), 'utf8');
    if (existsSync(path.join(stateDir, errorFile)))
      throw new Error(readFileSync(path.join(stateDir, errorFile), 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out waiting for the shared PostgreSQL test server to start');
}

/** Global teardown: stops the shared server if a test file started one, and removes the folder. */
export function stopSharedPostgres(stateDir: string): void {
  const dataFilePath = path.join(stateDir, dataFile);
  if (existsSync(dataFilePath)) {
    const dataDir = readFileSync(dataFilePath, 'utf8');
    const bin = findPostgresBin();
    if (bin) {
      const asPostgres = process.getuid?.() === 0;
      try {
        runAsServerUser(path.join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w'], asPostgres);
      } catch {
        killFromPidFile(dataDir);
      }
    } else killFromPidFile(dataDir);
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }
  rmSync(stateDir, { recursive: true, force: true });
}

/** A new, empty database on the server of `serverUrl`; returns its URL. */
export async function createTestDatabase(serverUrl: string, prefix = 'runtime_test'): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
