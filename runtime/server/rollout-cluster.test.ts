import { afterEach, describe, expect, it } from 'vitest';
import { createToken } from '../auth/tokens';
import { createRuntime } from '../runtime';
import { openPostgresStorage } from '../storage/postgres/postgres-storage';
import { tokenScopes } from '../storage/types';
import { testKey } from '../testing/harness';
import {
  allowing,
  currentRollout,
  denying,
  erroring,
  eventually,
  invoke,
  invokeEach,
  publishOn,
  signinEvent,
  startedRollout,
  steer,
  userIds,
  type BlockingAnswer,
  type Endpoint,
} from '../testing/rollout-fixtures';
import { usePostgresDatabase } from '../testing/use-postgres';
import { createRuntimeServer } from './runtime-server';

// Two runtime instances on one PostgreSQL database, each with its own HTTP server on loopback
// (as in multi-instance.test.ts, the safety poll off: what B learns comes through NOTIFY). A
// rollout started, steered or rolled back through one is followed by the other, and both
// instances' counts add up in GET /v1/rollouts/current. Counts reach the storage about once a
// second, so they are awaited by re-reading, never by a pause.

const database = usePostgresDatabase();
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const instance of opened.splice(0).reverse()) await instance.close();
});

async function instanceOn(databaseUrl: string, token?: string): Promise<Endpoint> {
  const storage = await openPostgresStorage(databaseUrl, { safetyPollMs: 0, log: () => {} });
  const runtime = await createRuntime({ storage, secretsKey: testKey, config: { workers: 1 }, log: () => {} });
  const server = createRuntimeServer(runtime, { log: () => {} });
  const url = await server.listen(0, '127.0.0.1');
  opened.push({
    async close() {
      await server.close();
      await runtime.close();
    },
  });
  return { url, token: token ?? (await createToken(runtime.storage, { scopes: [...tokenScopes], name: 't' })).token };
}

/** Answers by the version that decided them, for comparing with the rollout's counts. */
class Tally {
  active = 0;
  candidate = 0;
  constructor(private readonly candidateVersion: number) {}
  add(answers: BlockingAnswer[]): BlockingAnswer[] {
    for (const answer of answers) {
      if (answer.version === this.candidateVersion) this.candidate++;
      else this.active++;
    }
    return answers;
  }
}

describe('a rollout on several instances', () => {
  it('is followed by the other instance: same users, same versions; steered from either; counts add up', async () => {
    const url = await database.newUrl();
    const a = await instanceOn(url);
    const b = await instanceOn(url, a.token);
    expect((await publishOn(a, allowing('base'))).status).toBe(201);
    await eventually(
      async () => (await invoke(b, signinEvent('probe'))).version,
      (version) => version === 1,
      'B to serve the base bundle',
    );

    const rollout = await startedRollout(a, { bundle: denying('candidate'), mode: 'canary', percent: 30 });
    const tally = new Tally(rollout.candidateVersion);
    const users = userIds(200);
    const onA = tally.add(await invokeEach(a, users));
    const chosen = users[onA.findIndex((answer) => answer.version === rollout.candidateVersion)] as string;
    const passed = users[onA.findIndex((answer) => answer.version === 1)] as string;
    expect(chosen).toBeDefined();
    expect(passed).toBeDefined();

    // B has followed once a user in the candidate's share gets it there too; the answers before
    // that were B's alone (it did not know the rollout) and are not counted.
    const followed = await eventually(
      () => invoke(b, signinEvent(chosen)),
      (answer) => answer.version === rollout.candidateVersion,
      'B to follow the rollout',
    );
    tally.add([followed]);
    expect(await currentRollout(b)).toMatchObject({ id: rollout.id, state: 'running', percent: 30 });
    const onB = tally.add(await invokeEach(b, users));
    expect(onB.map((answer) => answer.version)).toEqual(onA.map((answer) => answer.version));

    expect((await steer(b, { percent: 100 })).status).toBe(200);
    // A knows the rollout all along: every answer it gives while waiting is counted.
    await eventually(
      async () => tally.add([await invoke(a, signinEvent(passed))])[0],
      (answer) => answer?.version === rollout.candidateVersion,
      "A to take B's new percent",
    );
    const onAAfter = tally.add(await invokeEach(a, users));
    expect(onAAfter.every((answer) => answer.version === rollout.candidateVersion)).toBe(true);

    for (const instance of [a, b]) {
      const counted = await eventually(
        () => currentRollout(instance),
        (current) => current.stats.active.n + current.stats.candidate.n >= tally.active + tally.candidate,
        "both instances' counts to reach the storage",
      );
      expect(counted.stats.active.n).toBe(tally.active);
      expect(counted.stats.candidate.n).toBe(tally.candidate);
      expect(counted.stats.candidate.errors).toBe(0);
    }
  }, 180_000);

  it('a rollback by the guard on one instance is followed by the other', async () => {
    const url = await database.newUrl();
    const a = await instanceOn(url);
    const b = await instanceOn(url, a.token);
    expect((await publishOn(a, allowing('base'))).status).toBe(201);
    const rollout = await startedRollout(a, {
      bundle: erroring('candidate'),
      mode: 'canary',
      percent: 100,
      guard: { minSamples: 20 },
    });
    await eventually(
      async () => (await invoke(b, signinEvent('probe'))).version,
      (version) => version === rollout.candidateVersion,
      'B to follow the rollout',
    );

    for (const user of userIds(60)) {
      if ((await invoke(a, signinEvent(user))).version !== rollout.candidateVersion) break;
    }
    expect(await currentRollout(a)).toMatchObject({
      state: 'rolled-back',
      reason: expect.stringMatching(/error rate/i),
    });
    await eventually(
      async () => (await invoke(b, signinEvent('probe'))).version,
      (version) => version === 1,
      'B to follow the rollback',
    );
    const onB = await invokeEach(b, userIds(20, 'later'));
    expect(onB.every((answer) => answer.version === 1 && answer.allow)).toBe(true);
    expect(await currentRollout(b)).toMatchObject({ id: rollout.id, state: 'rolled-back' });
  }, 180_000);
});
