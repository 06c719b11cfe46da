import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeSync } from 'node:fs';
import { Workspace } from '../../store';
import { SecretStore } from '../secret-store';

// A process whose keychain the secrets tests control (see core/store/testing/child-process.ts):
//   set <dir> <environment> <name> <value>        set, then try has() and the provider
//   lock-then-set <dir> <environment> <name> <value>   set once, lock the default collection, set again
// Prints one JSON line: what happened, error codes and messages, and the kernel keys the process
// can see whose description mentions pipeline-studio (there must be none: no keyutils fallback).

const [command, dir = '', environment = '', name = '', value = ''] = process.argv.slice(2);
const say = (data: unknown) => writeSync(1, `${JSON.stringify(data)}\n`);

function attempt<T>(
  fn: () => T | Promise<T>,
): Promise<{ ok: true; result: T } | { ok: false; code?: string; message: string }> {
  return Promise.resolve()
    .then(fn)
    .then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({
        ok: false as const,
        code: (error as { code?: string }).code,
        message: error instanceof Error ? error.message : String(error),
      }),
    );
}

function kernelKeys(): string[] {
  if (!existsSync('/proc/keys')) return [];
  return readFileSync('/proc/keys', 'utf8')
    .split('\n')
    .filter((line) => line.includes('pipeline-studio'));
}

const workspace = Workspace.open({ dir });
const secrets = SecretStore.forWorkspace(workspace);
const report: Record<string, unknown> = {};
if (command === 'lock-then-set') {
  report.first = await attempt(() => secrets.set(environment, name, `${value}-first`));
  execFileSync('dbus-send', [
    '--session',
    '--print-reply',
    '--dest=org.freedesktop.secrets',
    '/org/freedesktop/secrets',
    'org.freedesktop.Secret.Service.Lock',
    'array:objpath:/org/freedesktop/secrets/collection/login',
  ]);
}
report.set = await attempt(() => secrets.set(environment, name, value));
report.has = await attempt(() => secrets.has(environment, name));
report.get = await attempt(() => secrets.provider(environment).get(name));
report.names = workspace.secretNames.list(environment);
report.kernelKeys = kernelKeys();
workspace.close();
say(report);
