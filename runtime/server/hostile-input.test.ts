import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createToken } from '../auth/tokens';
import { createRuntime } from '../runtime';
import { openPostgresStorage } from '../storage/postgres/postgres-storage';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage';
import { tokenScopes } from '../storage/types';
import { api, bundleOf, publish, signupEvent, spawnRuntime, testKey, useTempDirs } from '../testing/harness';
import { usePostgresDatabase } from '../testing/use-postgres';
import { bodyLimits } from './route-kit';
import { createRuntimeServer } from './runtime-server';

// What an attacker can send to an unauthenticated sign-up ends up in an invocation: strings shaped
// to make patterns backtrack, up to the body cap, and events nested thousands of levels deep. None
// of them may freeze or end a runtime, on SQLite or PostgreSQL, in its own process or embedded.
// Nothing here is timed: a runtime that froze would not answer before the test's own time limit,
// and one that crashed would not answer at all; every request below must be answered.

const tempDir = useTempDirs();
const database = usePostgresDatabase();

interface Target {
  url: string;
  token: string;
  /** Resolves if the runtime process ended (only for a runtime in a process of its own). */
  exited?: Promise<unknown>;
  close(): Promise<void>;
}

const opened: Target[] = [];
afterEach(async () => {
  for (const target of opened.splice(0)) await target.close();
});

const config = { workers: 1, capture: { sampleRate: 1, flushIntervalMs: 10 } };

async function inProcess(storageKind: 'sqlite' | 'postgres'): Promise<Target> {
  const storage =
    storageKind === 'sqlite'
      ? openSqliteStorage(tempDir())
      : await openPostgresStorage(database.url(), { safetyPollMs: 0, log: () => {} });
  const runtime = await createRuntime({ storage, secretsKey: testKey, config, log: () => {} });
  const server = createRuntimeServer(runtime, { log: () => {} });
  const url = await server.listen(0, '127.0.0.1');
  const { token } = await createToken(runtime.storage, { scopes: [...tokenScopes], name: 'test' });
  const target = {
    url,
    token,
    close: async () => {
      await server.close();
      await runtime.close();
    },
  };
  opened.push(target);
  return target;
}

async function ownProcess(): Promise<Target> {
  const dir = tempDir();
  const storage = openSqliteStorage(dir);
  const { token } = await createToken(storage, { scopes: [...tokenScopes], name: 'test' });
  await storage.close();
  const configFile = path.join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const runtime = await spawnRuntime(dir, ['--config', configFile]);
  const target = {
    url: runtime.url,
    token,
    exited: runtime.exited,
    close: async () => {
      runtime.child.kill('SIGTERM');
      await runtime.exited;
    },
  };
  opened.push(target);
  return target;
}

/** The longest name that still fits the event body cap. */
const fill = (prefix: string, unit: string) =>
  prefix + unit.repeat(Math.floor((bodyLimits.event - 512 - prefix.length) / unit.length));

const quadraticShapes: Array<[string, string]> = [
  ['letters after "@" and "."', fill('@. ', 'a')],
  ['dots between letters', fill('a@', 'a.')],
  ['hex and colons', fill('::', 'a:')],
  ['digits and dots', fill('1', '1.')],
  ['equals signs after a credential name', fill('token', '=')],
  ['percent escapes', fill('x', '%4')],
  ['the start of a JWT', fill('eyJ', 'eyJa.')],
];

/** JSON text of a value nested `depth` levels deep (built as text: JSON.stringify itself recurses). */
function nestedJson(depth: number, open: string, close: string): string {
  return `${open.repeat(depth)}"x"${close.repeat(depth)}`;
}

const gate = `local name = event.user.name or ""
return { allow = #name < 2000000, reason = "length " .. #name }`;

async function attack(target: Target) {
  await publish(target, bundleOf({ gate }, { 'signup.before': { layers: [['gate']] } }));
  const invoke = (event: unknown) =>
    api(target.url, 'POST', '/v1/hooks/signup.before', { token: target.token, body: { event } });

  for (const [, name] of quadraticShapes) {
    const answer = await invoke({ ...signupEvent('victim@example.com'), user: { email: 'victim@example.com', name } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ allow: true });
  }
  for (const [open, close] of [
    ['{"a":', '}'],
    ['[', ']'],
  ] as const) {
    const event = JSON.stringify(signupEvent('deep@example.com')).slice(0, -1);
    const body = `{"event":${event},"metadata":${nestedJson(20_000, open, close)}}}`;
    const deep = await api(target.url, 'POST', '/v1/hooks/signup.before', { token: target.token, body });
    expect(deep.status).toBe(422);
    expect(deep.json.error).toMatchObject({
      code: 'INVALID_EVENT',
      message: expect.stringMatching(/nested deeper than 32 levels/),
    });
  }
  const wide = await invoke({ ...signupEvent('wide@example.com'), metadata: Array.from({ length: 150_000 }, () => 0) });
  expect(wide.status).toBe(422);

  // Still serving, and what was captured before and after the attack is all there.
  expect((await api(target.url, 'GET', '/v1/health')).status).toBe(200);
  const benign = await invoke(signupEvent('after@example.com'));
  expect(benign.json).toMatchObject({ allow: true });
  const events = await api(target.url, 'GET', '/v1/events?hook=signup.before&limit=100', { token: target.token });
  expect(events.status).toBe(200);
  const lines = events.text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event: { user: { email: string; name?: string } } });
  expect(lines.map((line) => line.event.user.email)).toEqual([
    ...quadraticShapes.map(() => 'v***@example.com'),
    'a***@example.com',
  ]);
  if (target.exited) {
    const state = await Promise.race([target.exited.then(() => 'exited'), Promise.resolve('running')]);
    expect(state).toBe('running');
  }
}

describe('hostile invocations neither freeze nor end the runtime', () => {
  it('on SQLite, in the runtime process of its own', async () => {
    await attack(await ownProcess());
  }, 120_000);

  it('on SQLite, embedded', async () => {
    await attack(await inProcess('sqlite'));
  }, 120_000);

  it('on PostgreSQL, embedded', async () => {
    await attack(await inProcess('postgres'));
  }, 120_000);
});
