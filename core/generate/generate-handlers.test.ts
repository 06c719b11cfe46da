import { beforeAll, describe, expect, it } from 'vitest';
import { generateEvents } from '../../shared/hooks/event-generator';
import { useAuthoringHarness } from '../authoring/testing/authoring-harness';
import { requireRealKeychain } from '../secrets/testing/real-keychain';

// scripts.generate through the real router, handlers, workspace and pool; each failing event goes
// back in through events.save as the editor's "Save to library" sends it.

const harness = useAuthoringHarness();
beforeAll(requireRealKeychain);

describe('scripts.generate', () => {
  it('reports the crashes of a draft, each with a recorded event the library accepts', async () => {
    const { call, internalErrors } = harness();
    const source = 'local n = #event.user.name\nreturn { allow = n < 30, reason = "long name" }';
    const report = await call('scripts.generate', { source, hook: 'signup.before', count: 50, seed: 11 });
    const nameless = [...generateEvents('signup.before', 11, 50)].filter(
      (e) => (e.event.user as Record<string, unknown>).name === undefined,
    );
    expect(nameless.length).toBeGreaterThan(0);
    expect(report).toMatchObject({ hook: 'signup.before', seed: 11, events: 50 });
    // The editor's 1 s deadline: on a loaded machine an event may time out instead.
    const timedOut = new Set(report.failed.filter((f) => f.error.code === 'TIMEOUT').map((f) => f.index));
    expect(report.failed.filter((f) => !timedOut.has(f.index)).map((f) => f.index)).toEqual(
      nameless.map((e) => e.index).filter((index) => !timedOut.has(index)),
    );
    expect(report.decisions.error).toBe(report.failures);
    expect(report.decisions.deny).toBe(report.denyReasons['long name'] ?? 0);
    const first = report.failed.find((f) => f.kind === 'crash')!;
    expect(first).toMatchObject({ kind: 'crash', error: { code: 'RUNTIME_ERROR', line: 1 } });
    const saved = await call('events.save', { record: first.recorded, create: true });
    expect(saved).toMatchObject({ id: first.recorded.id, hook: 'signup.before' });
    expect(internalErrors).toEqual([]);
  });

  it('gives the same report for the same seed, and a seed of its own when none is given', async () => {
    const { call } = harness();
    const input = { source: 'return { seen = true }', hook: 'token.enrich' as const, count: 30, seed: 4 };
    const once = await call('scripts.generate', input);
    const again = await call('scripts.generate', input);
    // The editor's runs keep the default 1 s deadline: on a loaded machine an event may time out,
    // so only what does not depend on the machine's speed is compared.
    for (const report of [once, again]) {
      expect(report.failures).toBe(report.limits.TIMEOUT ?? 0);
      expect(report.decisions.data + report.decisions.error).toBe(30);
    }
    expect(again.edgeCases).toEqual(
      Object.fromEntries(
        Object.entries(once.edgeCases).map(([tag, c]) => [tag, { ...c, failures: expect.any(Number) }]),
      ),
    );
    const unseeded = await call('scripts.generate', { source: 'return nil', hook: 'signout.after', count: 5 });
    expect(unseeded).toMatchObject({ events: 5, decisions: { recorded: 5 } });
    expect(Number.isInteger(unseeded.seed)).toBe(true);
  });

  it('refuses a count beyond the studio maximum and an unknown environment', async () => {
    const { fail } = harness();
    const base = { source: 'return true', hook: 'signup.before' as const };
    expect((await fail('scripts.generate', { ...base, count: 1001 })).code).toBe('INVALID_INPUT');
    expect(await fail('scripts.generate', { ...base, environment: 'nowhere' })).toEqual({
      code: 'INVALID_INPUT',
      message: 'There is no environment "nowhere".',
    });
  });
});
