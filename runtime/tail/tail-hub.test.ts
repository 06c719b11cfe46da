import { describe, expect, it } from 'vitest';
import { TailHub, TooManyFollowers, type TailDelivery } from './tail-hub';
import { invocation } from './testing/invocations';

function follow(hub: TailHub, options: Parameters<TailHub['subscribe']>[2] = {}, filter = {}) {
  const deliveries: TailDelivery[] = [];
  const subscription = hub.subscribe(filter, (delivery) => deliveries.push(delivery), options);
  const sent = () => deliveries.flatMap((d) => (d.kind === 'invocation' ? [d.invocation] : []));
  const sampling = () => deliveries.flatMap((d) => (d.kind === 'sampling' ? [d] : []));
  return { deliveries, subscription, sent, sampling };
}

describe('the tail hub', () => {
  it('opens with the full share and sends every matching invocation while the follower keeps up', () => {
    let now = 0;
    const hub = new TailHub({ now: () => now, maxRate: 100 });
    const follower = follow(hub);
    expect(follower.deliveries[0]).toEqual({ kind: 'sampling', rate: 1, dropped: 0 });
    for (let n = 0; n < 500; n++) {
      now += 20; // 50 a second, half the budget
      hub.publish(invocation(n));
    }
    expect(follower.sent().map((sent) => sent.traceId)).toEqual(
      Array.from({ length: 500 }, (_, n) => invocation(n).traceId),
    );
    expect(follower.sampling()).toHaveLength(1);
  });

  it('with a frozen clock and a budget of 100, sends 100 of 1,000 and says so: rate 0.1, 900 dropped', () => {
    let now = 5_000;
    const hub = new TailHub({ now: () => now, maxRate: 100 });
    let matching = 0;
    const observed: { matching: number; sent: number; rate: number; dropped: number }[] = [];
    // At each announcement, note how many had matched and been sent by then.
    const deliveries: TailDelivery[] = [];
    hub.subscribe({ hooks: ['signup.before'] }, (delivery) => {
      deliveries.push(delivery);
      if (delivery.kind === 'sampling') {
        const sent = deliveries.filter((d) => d.kind === 'invocation').length;
        observed.push({ matching, sent, rate: delivery.rate, dropped: delivery.dropped });
      }
    });
    for (let n = 0; n < 1000; n++) {
      matching += 1;
      hub.publish(invocation(n));
    }
    const sent = deliveries.filter((d) => d.kind === 'invocation');
    expect(sent).toHaveLength(100);
    // Every announcement is honest at the moment it is made: the share sent so far, the rest dropped.
    expect(observed.length).toBeGreaterThan(1);
    for (const report of observed) {
      expect(report.dropped).toBe(report.matching - report.sent);
      expect(report.rate).toBeCloseTo(report.matching === 0 ? 1 : report.sent / report.matching, 12);
    }
    expect(observed.some((report) => report.rate < 1)).toBe(true);
    // The window ends (seen at the next invocation, even one that does not match): the stream
    // states the share of the window that just ended.
    now += 1000;
    hub.publish(invocation(1000, { hook: 'signin.before' }));
    const last = deliveries.at(-1);
    expect(last).toEqual({ kind: 'sampling', rate: expect.any(Number), dropped: 900 });
    expect((last as { rate: number }).rate).toBeCloseTo(0.1, 12);
  });

  it('under steady load sends within the budget, keeps a share, and goes back to every one when the load goes', () => {
    let now = 0;
    const hub = new TailHub({ now: () => now, maxRate: 100 });
    const follower = follow(hub);
    for (let n = 0; n < 10_000; n++) {
      now += 1; // 1,000 a second for 10 seconds, ten times the budget
      hub.publish(invocation(n));
    }
    const sent = follower.sent().length;
    // One second of burst, then at most the budget; and the follower is not starved either.
    expect(sent).toBeLessThanOrEqual(100 + 100 * 10);
    expect(sent).toBeGreaterThanOrEqual(400);
    const counts = follower.subscription.counts();
    expect(counts).toMatchObject({ matching: 10_000, sent, dropped: 10_000 - sent });
    expect(follower.sampling().some((report) => report.rate < 1)).toBe(true);
    // The load falls to 10 a second: within two windows, every one is sent again, and the stream says so.
    const before = follower.sent().length;
    for (let n = 0; n < 30; n++) {
      now += 100;
      hub.publish(invocation(20_000 + n));
    }
    expect(follower.sampling().at(-1)?.rate).toBe(1);
    const recent = follower
      .sent()
      .slice(before)
      .map((sent) => sent.traceId);
    expect(recent.slice(-10)).toEqual(Array.from({ length: 10 }, (_, n) => invocation(20_020 + n).traceId));
  });

  it('keeps every k-th once it samples: the same sequence and clock give the same picks', () => {
    const run = () => {
      let now = 0;
      const hub = new TailHub({ now: () => now, maxRate: 50 });
      const follower = follow(hub);
      for (let n = 0; n < 3000; n++) {
        now += n % 7 === 0 ? 3 : 1;
        hub.publish(invocation(n));
      }
      return follower.deliveries;
    };
    expect(run()).toEqual(run());
  });

  it('samples a follower whose connection does not take what it is sent, and not the others', () => {
    const hub = new TailHub({ now: () => 0, maxRate: 200, softBacklogBytes: 1000 });
    let backlog = 0;
    const slow = follow(hub, { backlog: () => backlog });
    const quick = follow(hub);
    for (let n = 0; n < 100; n++) {
      hub.publish(invocation(n));
      if (n === 49) backlog = 5000;
    }
    expect(slow.sent()).toHaveLength(50);
    expect(slow.sampling().at(-1)).toMatchObject({ dropped: expect.any(Number) });
    expect(slow.sampling().some((report) => report.rate < 1)).toBe(true);
    expect(quick.sent()).toHaveLength(100);
  });

  it('applies each follower its own filter and budget (maxRate at most the hub’s)', () => {
    const hub = new TailHub({ now: () => 0, maxRate: 100 });
    const denies = follow(hub, {}, { outcomes: ['deny'] });
    const throttled = follow(hub, { maxRate: 10 });
    const greedy = follow(hub, { maxRate: 10_000 });
    for (let n = 0; n < 200; n++) hub.publish(invocation(n, { outcome: n % 4 === 0 ? 'deny' : 'allow' }));
    expect(denies.sent()).toHaveLength(50);
    expect(denies.sent().every((sent) => sent.outcome === 'deny')).toBe(true);
    expect(throttled.sent()).toHaveLength(10);
    expect(greedy.sent()).toHaveLength(100);
  });

  it('removes and logs a follower that throws; publishing never throws and the others go on', () => {
    const logged: string[] = [];
    const hub = new TailHub({ now: () => 0, log: (message) => logged.push(message) });
    let calls = 0;
    hub.subscribe({}, (delivery) => {
      if (delivery.kind === 'invocation') {
        calls += 1;
        throw new Error('broken follower');
      }
    });
    const healthy = follow(hub);
    expect(hub.followers).toBe(2);
    expect(() => {
      hub.publish(invocation(1));
      hub.publish(invocation(2));
    }).not.toThrow();
    expect(calls).toBe(1);
    expect(hub.followers).toBe(1);
    expect(healthy.sent()).toHaveLength(2);
    expect(logged).toEqual([expect.stringContaining('broken follower')]);
    // Even a log that throws does not reach the invocation.
    const quiet = new TailHub({
      log: () => {
        throw new Error('no log');
      },
    });
    quiet.subscribe({}, (delivery) => {
      if (delivery.kind === 'invocation') throw new Error('broken');
    });
    expect(() => quiet.publish(invocation(3))).not.toThrow();
    expect(quiet.followers).toBe(0);
  });

  it('bounds its followers (a limit on followers, not on traffic) and frees a place on close', () => {
    const hub = new TailHub({ maxFollowers: 2 });
    const first = follow(hub);
    follow(hub);
    expect(() => hub.subscribe({}, () => {})).toThrow(TooManyFollowers);
    first.subscription.close();
    first.subscription.close();
    expect(hub.followers).toBe(1);
    expect(() => hub.subscribe({}, () => {})).not.toThrow();
    expect(new TailHub().maxFollowers).toBe(32);
  });
});
