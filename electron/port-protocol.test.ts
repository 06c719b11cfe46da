import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { Router } from '../core/router';
import { EventBus } from '../core/events/event-bus';
import type { PushedEvent, Result } from '../shared/contract';
import { connectPort, fromEmitterPort, servePort } from './port-protocol';
import { createPortSession } from './port-session';
import { runningProgress } from '../shared/contract/testing/replay-progress';

// The desktop app's port protocol under plain Node: worker_threads' MessageChannel stands in for
// Electron's MessageChannelMain (same structured clone, same close on both ends).

const progress = runningProgress;

/** Answers every call with its channel and input; `hold` keeps answers back until released. */
function echoRouter() {
  const held: (() => void)[] = [];
  let hold = false;
  const router: Router = {
    dispatch: (channel, input) =>
      new Promise((resolve) => {
        const answer = () => resolve({ ok: true, value: { channel, input } });
        if (hold) held.push(answer);
        else answer();
      }),
  };
  return {
    router,
    holdAnswers: () => (hold = true),
    get held() {
      return held.length;
    },
  };
}

const ports: MessagePort[] = [];
function channel() {
  const pair = new MessageChannel();
  ports.push(pair.port1, pair.port2);
  return { core: fromEmitterPort(pair.port1), page: fromEmitterPort(pair.port2), raw: pair };
}

afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

const until = (check: () => boolean) =>
  new Promise<void>((resolve) => {
    const poll = () => (check() ? resolve() : setImmediate(poll));
    poll();
  });

describe('port protocol', () => {
  it('answers each call by its id, in whatever order the router finishes', async () => {
    const { core, page } = channel();
    servePort(core, echoRouter().router);
    const client = connectPort(page);
    const [a, b] = await Promise.all([client.transport('hooks.list', {}), client.transport('app.info', { x: 1 })]);
    expect(a).toEqual({ ok: true, value: { channel: 'hooks.list', input: {} } });
    expect(b).toEqual({ ok: true, value: { channel: 'app.info', input: { x: 1 } } });
  });

  it("delivers the core's pushed events to the page's subscribers", async () => {
    const { core, page } = channel();
    const bus = new EventBus();
    servePort(core, echoRouter().router, bus);
    const client = connectPort(page);
    const seen: PushedEvent[] = [];
    let opened = 0;
    client.events.subscribe(
      (event) => seen.push(event),
      () => (opened += 1),
    );
    expect(opened).toBe(1);
    bus.emit('replay.progress', progress(2, 3));
    await until(() => seen.length === 1);
    expect(seen).toEqual([{ name: 'replay.progress', payload: progress(2, 3) }]);
  });

  it('ignores an answer for an unknown id and malformed messages, on both sides', async () => {
    const { core, page, raw } = channel();
    const echo = echoRouter();
    const calls: string[] = [];
    servePort(core, { dispatch: (name, input) => (calls.push(name), echo.router.dispatch(name, input)) });
    const client = connectPort(page);
    const seen: PushedEvent[] = [];
    client.events.subscribe((event) => seen.push(event));
    // Towards the page: an answer nobody asked for, a broken answer, an unknown event, junk.
    for (const junk of [
      { kind: 'answer', id: 999, result: { ok: true, value: 'stray' } },
      { kind: 'answer', id: 1, result: 'not a result' },
      { kind: 'event', name: 'shell.exec', payload: {} },
      null,
      'text',
      42,
    ]) {
      raw.port1.postMessage(junk);
    }
    // Towards the core: calls without an id or a channel, and junk.
    for (const junk of [{ kind: 'call', channel: 'app.info' }, { kind: 'call', id: 'x', channel: 'a' }, [], null]) {
      raw.port2.postMessage(junk);
    }
    // The real call still gets its own answer (id 1), not the broken one.
    expect(await client.transport('app.info', {})).toEqual({ ok: true, value: { channel: 'app.info', input: {} } });
    expect(seen).toEqual([]);
    expect(calls).toEqual(['app.info']);
  });

  it('answers calls in flight and later calls UNAVAILABLE once the port closes', async () => {
    const { core, page, raw } = channel();
    const echo = echoRouter();
    echo.holdAnswers();
    servePort(core, echo.router);
    let closedSeen = 0;
    const client = connectPort(page, () => (closedSeen += 1));
    const inFlight = client.transport('hooks.list', {});
    await until(() => echo.held === 1);
    raw.port1.close(); // the core process went away
    const unavailable: Result<unknown> = {
      ok: false,
      error: { code: 'UNAVAILABLE', message: 'The studio core stopped; try again.' },
    };
    expect(await inFlight).toEqual(unavailable);
    expect(await client.transport('app.info', {})).toEqual(unavailable);
    expect(closedSeen).toBe(1);
    expect(client.closed).toBe(true);
  });

  it('stops sending events to a port whose page went away', async () => {
    const { core, raw } = channel();
    const bus = new EventBus();
    let sent = 0;
    const counting = {
      ...core,
      postMessage: (message: unknown) => {
        sent += 1;
        core.postMessage(message);
      },
    };
    servePort(counting, echoRouter().router, bus);
    const closed = new Promise<void>((resolve) => raw.port1.once('close', resolve));
    raw.port2.close();
    await closed;
    bus.emit('replay.progress', progress(1, 1));
    expect(sent).toBe(0);
  });
});

describe('port session (the preload across core restarts)', () => {
  it('holds calls until a port is handed over, then sends them', async () => {
    const session = createPortSession();
    const answer = session.transport('hooks.list', {});
    const { core, page } = channel();
    servePort(core, echoRouter().router);
    session.attach(page);
    expect(await answer).toEqual({ ok: true, value: { channel: 'hooks.list', input: {} } });
  });

  it('fails calls in flight on a replaced port, opens listeners again and carries on over the new one', async () => {
    const session = createPortSession();
    const first = channel();
    const stuck = echoRouter();
    stuck.holdAnswers();
    servePort(first.core, stuck.router);
    session.attach(first.page);
    const opens: number[] = [];
    const seen: PushedEvent[] = [];
    session.events.subscribe(
      (event) => seen.push(event),
      () => opens.push(opens.length + 1),
    );
    expect(opens).toEqual([1]);
    const inFlight = session.transport('hooks.list', {});
    await until(() => stuck.held === 1);

    // The core died and was restarted: a fresh port pair.
    const second = channel();
    const bus = new EventBus();
    servePort(second.core, echoRouter().router, bus);
    session.attach(second.page);
    expect(await inFlight).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(opens).toEqual([1, 2]);
    expect(await session.transport('app.info', {})).toMatchObject({ ok: true });
    bus.emit('publish.steps', { jobId: 'j', environment: 'staging', status: 'running', steps: [] });
    await until(() => seen.length === 1);
    expect(seen[0]!.name).toBe('publish.steps');
  });
});
