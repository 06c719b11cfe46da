import { expect, it } from 'vitest';
import { defaultGuard, type NewRollout, type RolloutCounts, type StoredDifference } from '../rollout/rollout-types';
import { contractVersion as version, type ContractStore } from './storage-contract-fixtures';

// The rollout part of the storage contract (runtime/storage/types.ts, "rollouts"), run by
// storageContract() for every RuntimeStorage.

export const contractRollout = (name: string, extra: Partial<NewRollout> = {}): NewRollout => ({
  id: `ro_${name}`,
  mode: 'canary',
  percent: 10,
  stickyBy: 'user.id',
  guard: defaultGuard,
  startedAt: 2000,
  author: 'grace',
  message: `try ${name}`,
  candidateHash: `hash-${name}`,
  candidate: version(name).bundle,
  ...extra,
});

const countsOf = (n: number): RolloutCounts => ({
  active: { n, errors: 0, buckets: [n, 0] },
  candidate: { n: n + 1, errors: 1, buckets: [0, n + 1] },
  differences: { n: 0, allowToDeny: 0, denyToAllow: 0, reasonChanged: 0, dataChanged: 0 },
  shadowSkipped: n,
});

const differenceOf = (rolloutId: string, i: number, at: number): StoredDifference => ({
  id: `evt_${rolloutId}_${i}`,
  rolloutId,
  at,
  hook: 'signup.before',
  kinds: ['allow→deny', 'reason'],
  event: `{"i":${i}}`,
  activeOutcome: '{"allow":true}',
  candidateOutcome: '{"allow":false,"reason":"no"}',
  activeTraceId: `ta${i}`,
  candidateTraceId: `tc${i}`,
});

export function rolloutStorageContract(open: () => Promise<ContractStore>): void {
  it('starts a rollout only on the expected active hash, one at a time, and refuses publishes meanwhile', async () => {
    const { storage } = await open();
    expect(await storage.currentRollout()).toBeUndefined();
    // A rollout needs an active bundle to compare with.
    expect(await storage.startRollout('hash-one', contractRollout('c1'))).toEqual({ ok: false, activeHash: null });
    await storage.activate(null, version('one'));
    expect(await storage.startRollout('hash-other', contractRollout('c1'))).toEqual({
      ok: false,
      activeHash: 'hash-one',
    });
    const started = await storage.startRollout('hash-one', contractRollout('c1'));
    const expected = {
      ...contractRollout('c1'),
      state: 'running',
      baseVersion: 1,
      baseHash: 'hash-one',
      candidateVersion: 2,
      revision: 1,
    };
    expect(started).toEqual({ ok: true, rollout: expected });
    expect(await storage.currentRollout()).toEqual(expected);
    expect(await storage.startRollout('hash-one', contractRollout('c2'))).toEqual({
      ok: false,
      activeHash: 'hash-one',
      rolloutId: 'ro_c1',
    });
    expect(await storage.activate('hash-one', version('two'))).toEqual({
      ok: false,
      activeHash: 'hash-one',
      rolloutId: 'ro_c1',
    });
    expect((await storage.activeVersion())?.version).toBe(1);
    expect((await storage.history(10)).map((v) => v.version)).toEqual([1]);
    await storage.close();
  });

  it('changes a running rollout only (revision + 1) and never reuses an aborted candidate version', async () => {
    const { storage } = await open();
    await storage.activate(null, version('one'));
    await storage.startRollout('hash-one', contractRollout('c1'));
    expect(await storage.setRolloutPercent('ro_c1', 50)).toMatchObject({ percent: 50, revision: 2 });
    expect(await storage.setRolloutPercent('ro_nope', 50)).toBeUndefined();
    const ended = await storage.endRollout('ro_c1', { state: 'aborted', reason: 'aborted by ada', at: 3000 });
    expect(ended).toMatchObject({
      state: 'aborted',
      reason: 'aborted by ada',
      endedAt: 3000,
      revision: 3,
      percent: 50,
    });
    expect(await storage.currentRollout()).toEqual(ended);
    // Ended elsewhere first: nothing changes any more.
    expect(await storage.endRollout('ro_c1', { state: 'rolled-back', reason: 'guard', at: 4000 })).toBeUndefined();
    expect(await storage.setRolloutPercent('ro_c1', 60)).toBeUndefined();
    expect(await storage.promoteRollout('ro_c1', { at: 4000, author: 'ada', message: '' })).toBeUndefined();
    expect(await storage.currentRollout()).toEqual(ended);

    // Version 2 was the candidate's: the next publish is 3, and the next candidate 4.
    expect(await storage.activate('hash-one', version('two'))).toMatchObject({ ok: true, active: { version: 3 } });
    const next = await storage.startRollout('hash-two', contractRollout('c2', { startedAt: 5000 }));
    expect(next).toMatchObject({ ok: true, rollout: { baseVersion: 3, candidateVersion: 4 } });
    expect(await storage.endRollout('ro_c2', { state: 'rolled-back', reason: 'error rate', at: 6000 })).toMatchObject({
      state: 'rolled-back',
      revision: 2,
    });
    expect(await storage.currentRollout()).toMatchObject({ id: 'ro_c2', state: 'rolled-back' });
    expect((await storage.activate('hash-two', version('three'))).ok).toBe(true);
    expect((await storage.history(10)).map((v) => [v.version, v.kind])).toEqual([
      [5, 'publish'],
      [3, 'publish'],
      [1, 'publish'],
    ]);
    await storage.close();
  });

  it('promotes in one step: the candidate becomes active under its reserved version, kind rollout', async () => {
    const { storage } = await open();
    await storage.activate(null, version('one'));
    await storage.startRollout('hash-one', contractRollout('c1', { percent: 30 }));
    const promoted = await storage.promoteRollout('ro_c1', { at: 7000, author: 'ada', message: 'ship it' });
    const active = {
      version: 2,
      hash: 'hash-c1',
      publishedAt: 7000,
      author: 'ada',
      message: 'ship it',
      kind: 'rollout',
      rolloutId: 'ro_c1',
      bundle: version('c1').bundle,
    };
    expect(promoted?.active).toEqual(active);
    expect(promoted?.rollout).toMatchObject({ state: 'promoted', endedAt: 7000, revision: 2, percent: 30 });
    expect(promoted?.rollout.reason).toContain('ada');
    expect(await storage.currentRollout()).toEqual(promoted?.rollout);
    expect(await storage.activeVersion()).toEqual(active);
    expect(await storage.bundleVersion(2)).toEqual(active);
    const { bundle: _bundle, ...record } = active;
    expect(await storage.history(10)).toEqual([
      record,
      { version: 1, hash: 'hash-one', publishedAt: 1000, author: 'ada', message: 'one', kind: 'publish' },
    ]);
    expect(await storage.promoteRollout('ro_c1', { at: 8000, author: 'ada', message: '' })).toBeUndefined();
    // Publishing works again, on the promoted hash.
    expect(await storage.activate('hash-one', version('two'))).toEqual({ ok: false, activeHash: 'hash-c1' });
    expect(await storage.activate('hash-c1', version('two'))).toMatchObject({ ok: true, active: { version: 3 } });
    await storage.close();
  });

  it('lets one of two connections start a rollout (or publish) on the same active hash', async () => {
    const { storage: a, another } = await open();
    const b = await another();
    await a.activate(null, version('base'));
    for (let round = 0; round < 4; round++) {
      const rollouts = await Promise.all([
        a.startRollout('hash-base', contractRollout(`left-${round}`, { startedAt: 10 * round })),
        b.startRollout('hash-base', contractRollout(`right-${round}`, { startedAt: 10 * round })),
      ]);
      const winners = rollouts.flatMap((r) => (r.ok ? [r.rollout] : []));
      expect(winners).toHaveLength(1);
      const winner = winners[0];
      expect(rollouts.find((r) => !r.ok)).toEqual({ ok: false, activeHash: 'hash-base', rolloutId: winner?.id });
      expect(await b.currentRollout()).toMatchObject({ id: winner?.id, state: 'running' });
      await b.endRollout(winner?.id ?? '', { state: 'aborted', reason: 'race', at: 1 });
    }
    const raced = await Promise.all([
      a.startRollout('hash-base', contractRollout('late', { startedAt: 100 })),
      b.activate('hash-base', version('publish')),
    ]);
    expect(raced.filter((r) => r.ok)).toHaveLength(1);
    // Every candidate reserved a number; none was given out twice.
    const current = await a.currentRollout();
    const versions = [...(await a.history(100)).map((v) => v.version), current?.candidateVersion];
    expect(new Set(versions).size).toBe(versions.length);
    await a.close();
    await b.close();
  });

  it('lets one of two connections end a rollout: a promote and a rollback racing', async () => {
    const { storage: a, another } = await open();
    const b = await another();
    await a.activate(null, version('base'));
    for (let round = 0; round < 4; round++) {
      const base = (await a.activeVersion())?.hash ?? '';
      const started = await a.startRollout(base, contractRollout(`c${round}`, { startedAt: round }));
      const id = started.ok ? started.rollout.id : 'none';
      const [promoted, rolledBack] = await Promise.all([
        a.promoteRollout(id, { at: 10, author: 'ada', message: '' }),
        b.endRollout(id, { state: 'rolled-back', reason: 'error rate', at: 10 }),
      ]);
      expect([promoted, rolledBack].filter((r) => r !== undefined)).toHaveLength(1);
      const ended = await b.currentRollout();
      expect(ended).toMatchObject({ id, state: promoted ? 'promoted' : 'rolled-back', revision: 2 });
      expect((await b.activeVersion())?.hash).toBe(promoted ? `hash-c${round}` : base);
    }
    await a.close();
    await b.close();
  });

  it('keeps every instance counts per rollout, replacing each instance own row', async () => {
    const { storage } = await open();
    await storage.activate(null, version('one'));
    await storage.startRollout('hash-one', contractRollout('c1'));
    expect(await storage.rolloutCounts('ro_c1')).toEqual([]);
    await storage.putRolloutCounts('ro_c1', 'instance-a', countsOf(1));
    await storage.putRolloutCounts('ro_c1', 'instance-b', countsOf(2));
    await storage.putRolloutCounts('ro_c1', 'instance-a', countsOf(3));
    const counts = await storage.rolloutCounts('ro_c1');
    expect(counts).toHaveLength(2);
    expect(counts).toEqual(expect.arrayContaining([countsOf(3), countsOf(2)]));
    expect(await storage.rolloutCounts('ro_other')).toEqual([]);
    await storage.close();
  });

  it('keeps the newest differences of each rollout, newest first', async () => {
    const { storage } = await open();
    await storage.activate(null, version('one'));
    await storage.startRollout('hash-one', contractRollout('c1'));
    await storage.endRollout('ro_c1', { state: 'aborted', reason: 'r', at: 1 });
    await storage.startRollout('hash-one', contractRollout('c2'));
    await storage.appendDifferences([differenceOf('ro_c2', 1, 100), differenceOf('ro_c2', 2, 100)], 3);
    // Equal times keep the order they were appended in; the oldest go beyond `keep`.
    await storage.appendDifferences(
      [1, 2, 3, 4, 5].map((i) => differenceOf('ro_c1', i, i < 3 ? 10 : 10 * i)),
      3,
    );
    expect((await storage.differences('ro_c1', 10)).map((d) => d.id)).toEqual([
      'evt_ro_c1_5',
      'evt_ro_c1_4',
      'evt_ro_c1_3',
    ]);
    expect(await storage.differences('ro_c1', 1)).toEqual([differenceOf('ro_c1', 5, 50)]);
    expect((await storage.differences('ro_c2', 10)).map((d) => d.id)).toEqual(['evt_ro_c2_2', 'evt_ro_c2_1']);
    await storage.appendDifferences([differenceOf('ro_c2', 3, 90)], 2);
    expect((await storage.differences('ro_c2', 10)).map((d) => d.id)).toEqual(['evt_ro_c2_2', 'evt_ro_c2_1']);
    await storage.appendDifferences([], 0);
    expect(await storage.differences('ro_none', 10)).toEqual([]);
    await storage.close();
  });
}
