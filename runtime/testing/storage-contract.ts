import { expect, it } from 'vitest';
import type { StoredEvent, StoredTrace } from '../storage/types';
import { contractVersion, type ContractStore } from './storage-contract-fixtures';
import { rolloutStorageContract } from './storage-contract-rollouts';

// What every RuntimeStorage must do, as one list of cases that each implementation's test file
// runs against its own storage: `storageContract(open)` inside a describe(). `open()` returns a new,
// empty store and a way to open a second connection to that same store. The rollout cases are in
// storage-contract-rollouts.ts.

export { contractVersion, type ContractStore } from './storage-contract-fixtures';

export function storageContract(open: () => Promise<ContractStore>): void {
  const version = contractVersion;

  it('activates by compare-and-swap: only against the expected active hash', async () => {
    const { storage } = await open();
    expect(await storage.activeVersion()).toBeUndefined();
    expect(await storage.activate('hash-x', version('one'))).toEqual({ ok: false, activeHash: null });
    const first = await storage.activate(null, version('one'));
    expect(first).toMatchObject({ ok: true, active: { version: 1, hash: 'hash-one' } });
    expect(await storage.activate(null, version('two'))).toEqual({ ok: false, activeHash: 'hash-one' });
    expect(await storage.activate('hash-one', version('two'))).toMatchObject({ ok: true, active: { version: 2 } });
    expect(await storage.activate('hash-one', version('three'))).toEqual({ ok: false, activeHash: 'hash-two' });
    const rollback = await storage.activate('hash-two', version('one', { kind: 'rollback', restoredFrom: 1 }));
    expect(rollback).toMatchObject({ ok: true, active: { version: 3, hash: 'hash-one', restoredFrom: 1 } });
    expect((await storage.activeVersion())?.bundle.name).toBe('one');
    expect((await storage.history(10)).map((v) => [v.version, v.kind])).toEqual([
      [3, 'rollback'],
      [2, 'publish'],
      [1, 'publish'],
    ]);
    expect(await storage.history(1)).toEqual([
      {
        version: 3,
        hash: 'hash-one',
        publishedAt: 1000,
        author: 'ada',
        message: 'one',
        kind: 'rollback',
        restoredFrom: 1,
      },
    ]);
    expect((await storage.bundleVersion(2))?.bundle.name).toBe('two');
    expect(await storage.bundleVersion(7)).toBeUndefined();
    await storage.close();
  });

  it('checks the expected hash inside the write transaction, across connections: one of two wins', async () => {
    const { storage: a, another } = await open();
    const b = await another();
    await a.activate(null, version('base'));
    for (let round = 0; round < 5; round++) {
      const active = (await a.activeVersion())?.hash ?? null;
      const results = await Promise.all([
        a.activate(active, version(`left-${round}`)),
        b.activate(active, version(`right-${round}`)),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const winner = results.find((r) => r.ok);
      expect(results.find((r) => !r.ok)).toEqual({
        ok: false,
        activeHash: winner?.ok ? winner.active.hash : 'none',
      });
    }
    expect((await b.history(100)).map((v) => v.version)).toEqual([6, 5, 4, 3, 2, 1]);
    await a.close();
    await b.close();
  });

  it('stores secrets sealed, settings once, tokens by id with revocation', async () => {
    const { storage } = await open();
    const sealed = { iv: Buffer.alloc(12, 1), tag: Buffer.alloc(16, 2), ciphertext: Buffer.from([3, 4]) };
    await storage.putSecret({ name: 'B', sealed, updatedAt: 5 });
    await storage.putSecret({ name: 'A', sealed, updatedAt: 6 });
    await storage.putSecret({ name: 'B', sealed, updatedAt: 7 });
    const secrets = await storage.secrets();
    expect(secrets.map((s) => [s.name, s.updatedAt])).toEqual([
      ['A', 6],
      ['B', 7],
    ]);
    expect(Buffer.from(secrets[0]?.sealed.ciphertext ?? [])).toEqual(Buffer.from([3, 4]));
    expect(Buffer.from(secrets[0]?.sealed.iv ?? [])).toEqual(Buffer.alloc(12, 1));
    expect(await storage.metaSetIfAbsent('k', 'first')).toBe('first');
    expect(await storage.metaSetIfAbsent('k', 'second')).toBe('first');

    await storage.addToken({ id: 'abc', hash: 'f'.repeat(64), scopes: ['invoke'], name: 'ci', createdAt: 1 });
    expect(await storage.token('abc')).toEqual({
      id: 'abc',
      hash: 'f'.repeat(64),
      scopes: ['invoke'],
      name: 'ci',
      createdAt: 1,
    });
    expect(await storage.token('nope')).toBeUndefined();
    expect(await storage.revokeToken('abc', 9)).toBe(true);
    expect(await storage.revokeToken('abc', 10)).toBe(false);
    expect(await storage.revokeToken('nope', 10)).toBe(false);
    expect((await storage.tokens())[0]?.revokedAt).toBe(9);
    await storage.close();
  });

  it('reads captured events and traces by hook, since and limit, and prunes by count and age', async () => {
    const { storage } = await open();
    const events: StoredEvent[] = [1, 2, 3, 4, 5].map((i) => ({
      id: `evt_${i}`,
      hook: i % 2 ? 'signup.before' : 'token.enrich',
      at: i * 1000,
      line: `{"id":"evt_${i}"}`,
    }));
    const traces: StoredTrace[] = [1, 2, 3].map((i) => ({
      traceId: `t${i}`,
      hook: 'signup.before',
      startedAt: i * 1000,
      json: '{}',
    }));
    await storage.appendCaptured({ events, traces });
    await storage.appendCaptured({ events: [events[0] as StoredEvent], traces: [] });
    await storage.appendCaptured({ events: [], traces: [] });
    expect(await storage.events({ limit: 10 })).toEqual(events);
    expect((await storage.events({ limit: 2 })).map((e) => e.id)).toEqual(['evt_4', 'evt_5']);
    expect((await storage.events({ limit: 2, since: 2000 })).map((e) => e.id)).toEqual(['evt_2', 'evt_3']);
    expect((await storage.events({ limit: 10, hook: 'signup.before', since: 2000 })).map((e) => e.id)).toEqual([
      'evt_3',
      'evt_5',
    ]);
    expect((await storage.events({ limit: 1, hook: 'token.enrich' })).map((e) => e.id)).toEqual(['evt_4']);
    expect(await storage.traces({ limit: 2 })).toEqual(traces.slice(1));
    expect((await storage.traces({ limit: 5, since: 2000 })).map((t) => t.traceId)).toEqual(['t2', 't3']);
    expect(await storage.trace('t2')).toEqual(traces[1]);
    expect(await storage.trace('t9')).toBeUndefined();

    const pruned = await storage.prune(
      { maxEvents: 3, eventMaxAgeMs: 10_000, maxTraces: 10, traceMaxAgeMs: 2500 },
      5000,
    );
    expect(pruned).toEqual({ events: 2, traces: 2 });
    expect((await storage.events({ limit: 10 })).map((e) => e.id)).toEqual(['evt_3', 'evt_4', 'evt_5']);
    expect((await storage.traces({ limit: 10 })).map((t) => t.traceId)).toEqual(['t3']);
    await storage.close();
  });

  rolloutStorageContract(open);
}
