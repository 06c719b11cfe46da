import { describe, expect, it, vi } from 'vitest';
import { useAuthoringHarness, type AuthoringHarness } from '../authoring/testing/authoring-harness';
import { attachScript, importEvents, signupEvents } from './testing/replay-fixtures';

// Scripts that try to leak a keychain secret through what they return: the value itself,
// concatenated, nested in a table, as a key, in a deny reason and in enrichment data. None of it
// may reach a replay line, a trace attribute, a span event, an export or any answer of the core.

const harness = useAuthoringHarness();

async function replayToEnd(h: AuthoringHarness, environment?: string): Promise<number> {
  const { run } = await h.call('replay.start', {
    selection: { kind: 'filter', filter: {} },
    ...(environment ? { environment } : {}),
  });
  await vi.waitFor(
    async () => {
      if ((await h.call('replay.progress', { runId: run.id })).status === 'running') throw new Error('running');
    },
    { timeout: 30_000, interval: 20 },
  );
  return run.id;
}

describe('secret values in what scripts return', () => {
  it('never reach replay lines, traces, exports or any answer', async () => {
    const h = harness();
    const value = `sk-live-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    await h.call('secrets.set', { environment: 'staging', name: 'LEAK_KEY', value });
    await attachScript(
      h,
      'deny-leak',
      'signup.before',
      `local key = helpers.secret("LEAK_KEY")
helpers.log("key " .. key)
return { allow = false, reason = "r " .. key, code = "LEAK", extra = { key, nested = { key .. key } } }
`,
    );
    await attachScript(
      h,
      'enrich-leak',
      'token.enrich',
      `local key = helpers.secret("LEAK_KEY")
local t = { token = key, list = { "Bearer " .. key }, deep = { deeper = { key } } }
t[key] = 1
return t
`,
    );
    importEvents(h.dir, [
      ...signupEvents(3),
      {
        id: 'tok-1',
        hook: 'token.enrich',
        event: { user: { id: 'u1', email: 'a@example.com' }, request: { ip: '203.0.113.7' } },
      },
    ]);
    const runId = await replayToEnd(h);

    const results = await h.call('runs.results', { runId });
    expect(results.total).toBe(4);
    const denied = results.results[0]!.line;
    // The scripts did run with the value: masked, not missing.
    expect(denied).toMatchObject({ ok: true, allow: false, reason: 'r [secret]' });
    const enriched = results.results[3]!.line;
    expect(enriched.data).toMatchObject({
      token: '[secret]',
      list: ['Bearer [secret]'],
      deep: { deeper: ['[secret]'] },
    });
    expect(enriched.data).toHaveProperty(['[secret]'], 1);

    const traces = await h.call('traces.list', { runId });
    expect(traces.total).toBe(4);
    const texts: string[] = [];
    for (const summary of traces.traces) {
      const trace = await h.call('traces.get', { traceId: summary.traceId });
      const script = trace.spans.find((span) => span.kind === 'script')!;
      expect(script.attributes['script.result']).toContain('[secret]');
      texts.push(JSON.stringify(trace));
    }
    const otlp = await h.call('traces.export', { traceIds: traces.traces.map((t) => t.traceId) });
    texts.push(otlp.content);
    texts.push((await h.call('runs.export', { runId, format: 'json' })).content);
    texts.push((await h.call('runs.export', { runId, format: 'csv' })).content);
    for (const text of [...texts, ...h.responses]) expect(text).not.toContain(value);
    expect(h.internalErrors).toEqual([]);
  });
});

describe('the environment a run read its secrets from', () => {
  it('is recorded on the run, so that replaying it again can read the same secrets', async () => {
    const h = harness();
    await h.call('secrets.set', { environment: 'staging', name: 'TIER', value: 'staging-value-1' });
    await h.call('secrets.set', { environment: 'production', name: 'TIER', value: 'production-value-1' });
    await attachScript(
      h,
      'tier',
      'signup.before',
      `local tier = helpers.secret("TIER")
return { allow = false, reason = (tier == "production-value-1") and "production" or "other" }
`,
    );
    importEvents(h.dir, signupEvents(2));

    const fromProduction = await replayToEnd(h, 'production');
    const byDefault = await replayToEnd(h);
    const runs = await h.call('runs.list', {});
    expect(runs.find((run) => run.id === fromProduction)?.environment).toBe('production');
    expect(runs.find((run) => run.id === byDefault)?.environment).toBe('staging');

    const reasons = async (runId: number) =>
      (await h.call('runs.results', { runId })).results.map((result) => result.line.reason);
    expect(await reasons(fromProduction)).toEqual(['production', 'production']);
    expect(await reasons(byDefault)).toEqual(['other', 'other']);
  });
});
