// The system packages the tests need, checked before anything runs. Missing ones are installed
// with apt when we are root (CI, this team's machines); otherwise one line says what to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What is needed, how to tell it is there, and which Debian package brings it. */
export const systemDeps = [
  {
    what: 'Chromium (e2e tests)',
    present: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
    apt: 'chromium',
  },
  { what: 'gnome-keyring (OS keychain in tests)', present: () => onPath('gnome-keyring-daemon'), apt: 'gnome-keyring' },
  { what: 'libsecret tools', present: () => onPath('secret-tool'), apt: 'libsecret-tools' },
  {
    what: 'a private D-Bus session',
    present: () => onPath('dbus-run-session') && onPath('dbus-launch'),
    apt: 'dbus-x11',
  },
  {
    what: 'native build tools (better-sqlite3)',
    present: () => onPath('make') && onPath('g++') && onPath('python3'),
    apt: 'build-essential python3',
  },
  {
    what: 'openssl (a self-signed certificate for the runtime TLS test)',
    present: () => onPath('openssl'),
    apt: 'openssl',
  },
  {
    // Not on PATH in Debian's layout: /usr/lib/postgresql/<version>/bin (runtime/testing/postgres-server.ts).
    what: 'PostgreSQL server (runtime tests on a shared database)',
    present: () => postgresServerInstalled(),
    apt: 'postgresql',
  },
  { what: 'native Lua 5.4 (benchmark baseline)', present: () => onPath('lua5.4'), apt: 'lua5.4', optional: true },
];

function postgresServerInstalled() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return false;
  return readdirSync(base).some((version) => existsSync(`${base}/${version}/bin/postgres`));
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Returns the apt packages still missing after trying to install them; prints what it does. */
export function ensureSystemDeps({ includeOptional = true } = {}) {
  const missing = systemDeps.filter((dep) => (includeOptional || !dep.optional) && !dep.present());
  if (missing.length === 0) return [];
  const packages = [...new Set(missing.flatMap((dep) => dep.apt.split(' ')))];
  const canInstall = process.getuid?.() === 0 && onPath('apt-get');
  if (canInstall) {
    process.stderr.write(`Installing system packages: ${packages.join(' ')}\n`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env,
    });
  }
  return systemDeps.filter((dep) => missing.includes(dep) && !dep.present());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const stillMissing = ensureSystemDeps();
  const required = stillMissing.filter((dep) => !dep.optional);
  if (required.length > 0) {
    const packages = [...new Set(required.flatMap((dep) => dep.apt.split(' ')))].join(' ');
    process.stderr.write(
      `Missing ${required.map((d) => d.what).join(', ')}: install with \`sudo apt-get install ${packages}\`\n`,
    );
    process.exit(2);
  }
}
