import { describe, expect, it } from 'vitest';
import { channelNames } from './channels';
import { createClient, type Transport } from './client';
import type { EventStream, PushedEvent } from './events';
import { runningProgress } from './testing/replay-progress';

describe('createClient', () => {
  it('has exactly one named method per channel and no generic invoke', () => {
    const client = createClient(async () => ({ ok: true, value: null }));
    const methods = Object.entries(client).flatMap(([namespace, group]) =>
      Object.keys(group as object).map((method) => `${namespace}.${method}`),
    );
    expect(methods.sort()).toEqual([...channelNames].sort());
    expect(Object.keys(client)).not.toContain('invoke');
  });

  it('sends each method on its own fixed channel', async () => {
    const calls: [string, unknown][] = [];
    const transport: Transport = async (channel, input) => {
      calls.push([channel, input]);
      return { ok: true, value: channel };
    };
    const client = createClient(transport);
    await expect(client.hooks.list()).resolves.toEqual({ ok: true, value: 'hooks.list' });
    await client.app.info({});
    expect(calls).toEqual([
      ['hooks.list', {}],
      ['app.info', {}],
    ]);
  });
});

/** A stream the test drives: it counts subscriptions and opens, and pushes what it is told. */
function fakeStream() {
  const subscribers = new Set<{ listener: (event: PushedEvent) => void; onOpen?: () => void }>();
  let subscriptions = 0;
  const stream: EventStream = {
    subscribe(listener, onOpen) {
      subscriptions += 1;
      const entry = { listener, onOpen };
      subscribers.add(entry);
      return () => subscribers.delete(entry);
    },
  };
  return {
    stream,
    get subscriptions() {
      return subscriptions;
    },
    get active() {
      return subscribers.size;
    },
    open: () => [...subscribers].forEach((each) => each.onOpen?.()),
    push: (event: PushedEvent) => [...subscribers].forEach((each) => each.listener(event)),
  };
}

const progress = runningProgress;

const steps = (jobId: string) => ({ jobId, environment: 'staging', status: 'running' as const, steps: [] });

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('client.listen', () => {
  const noCalls: Transport = async () => ({ ok: true, value: null });

  it('delivers each pushed event to the listeners of its name only, with its typed payload', () => {
    const upstream = fakeStream();
    const client = createClient(noCalls, upstream.stream);
    const runs: number[] = [];
    const jobs: string[] = [];
    client.listen('replay.progress', (payload) => runs.push(payload.runId));
    client.listen('publish.steps', (payload) => jobs.push(payload.jobId));
    upstream.push({ name: 'replay.progress', payload: progress(7, 1) });
    upstream.push({ name: 'publish.steps', payload: steps('job-1') });
    upstream.push({ name: 'replay.progress', payload: progress(8, 2) });
    expect(runs).toEqual([7, 8]);
    expect(jobs).toEqual(['job-1']);
  });

  it('shares one upstream subscription and releases it when the last listener stops', () => {
    const upstream = fakeStream();
    const client = createClient(noCalls, upstream.stream);
    const seen: number[] = [];
    const stopA = client.listen('replay.progress', (payload) => seen.push(payload.done));
    const stopB = client.listen('publish.steps', () => {});
    expect(upstream.subscriptions).toBe(1);
    stopA();
    stopA(); // twice is harmless
    expect(upstream.active).toBe(1);
    upstream.push({ name: 'replay.progress', payload: progress(1, 3) });
    expect(seen).toEqual([]);
    stopB();
    expect(upstream.active).toBe(0);
    client.listen('replay.progress', (payload) => seen.push(payload.done));
    expect(upstream.subscriptions).toBe(2);
    upstream.push({ name: 'replay.progress', payload: progress(1, 4) });
    expect(seen).toEqual([4]);
  });

  it('runs onOpen after listen returns, on every (re)connect, and at once for a late listener', async () => {
    const upstream = fakeStream();
    const client = createClient(noCalls, upstream.stream);
    const opens: string[] = [];
    const stopA = client.listen(
      'replay.progress',
      () => {},
      () => opens.push('a'),
    );
    await flush();
    expect(opens).toEqual([]); // not connected yet
    upstream.open();
    expect(opens).toEqual([]); // never inside the stream's own call
    await flush();
    expect(opens).toEqual(['a']);
    client.listen(
      'publish.steps',
      () => {},
      () => opens.push('b'),
    );
    await flush();
    expect(opens).toEqual(['a', 'b']);
    upstream.open(); // a reconnect
    await flush();
    expect(opens).toEqual(['a', 'b', 'a', 'b']);
    stopA();
    upstream.open();
    await flush();
    expect(opens).toEqual(['a', 'b', 'a', 'b', 'b']);
  });

  it('keeps delivering to the other listeners when one throws', async () => {
    const upstream = fakeStream();
    const client = createClient(noCalls, upstream.stream);
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const seen: number[] = [];
      client.listen('replay.progress', () => {
        throw new Error('listener broke');
      });
      client.listen('replay.progress', (payload) => seen.push(payload.done));
      upstream.push({ name: 'replay.progress', payload: progress(1, 5) });
      expect(seen).toEqual([5]);
      await flush();
      expect(failures).toEqual([new Error('listener broke')]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('without an event stream, listeners are opened once and hear nothing', async () => {
    const client = createClient(noCalls);
    const opens: number[] = [];
    client.listen(
      'import.progress',
      () => opens.push(-1),
      () => opens.push(1),
    );
    await flush();
    expect(opens).toEqual([1]);
  });
});
