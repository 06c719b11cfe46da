import { describe, expect, it } from 'vitest';
import type { PushedEvent } from '../../shared/contract';
import { EventBus } from './event-bus';
import { runningProgress } from '../../shared/contract/testing/replay-progress';

const progress = runningProgress;

function busWithErrors() {
  const errors: [string, string][] = [];
  const bus = new EventBus({
    onError: (name, error) => errors.push([name, error instanceof Error ? error.message : String(error)]),
  });
  return { bus, errors };
}

describe('EventBus', () => {
  it('delivers a valid event to every listener, as the contract parsed it', () => {
    const { bus, errors } = busWithErrors();
    const a: PushedEvent[] = [];
    const b: PushedEvent[] = [];
    bus.subscribe((event) => a.push(event));
    bus.subscribe((event) => b.push(event));
    bus.emit('replay.progress', progress(3, 4));
    expect(a).toEqual([{ name: 'replay.progress', payload: progress(3, 4) }]);
    expect(b).toEqual(a);
    expect(errors).toEqual([]);
  });

  it('drops a payload the contract refuses and reports it, naming the event', () => {
    const { bus, errors } = busWithErrors();
    const seen: PushedEvent[] = [];
    bus.subscribe((event) => seen.push(event));
    // A service that got its payload wrong (the type system is bypassed, as a bug would).
    bus.emit('replay.progress', { ...progress(1, 1), done: 'half' } as never);
    bus.emit('import.progress', { importId: 'i1' } as never);
    expect(seen).toEqual([]);
    expect(errors.map(([name]) => name)).toEqual(['replay.progress', 'import.progress']);
    expect(errors[0]![1]).toMatch(/invalid payload/);
    bus.emit('replay.progress', progress(1, 2));
    expect(seen).toHaveLength(1);
  });

  it('keeps delivering to the others when a listener throws, and reports the throw', () => {
    const { bus, errors } = busWithErrors();
    const seen: number[] = [];
    bus.subscribe(() => {
      throw new Error('the page went away');
    });
    bus.subscribe((event) => seen.push((event.payload as { done: number }).done));
    expect(() => bus.emit('replay.progress', progress(1, 6))).not.toThrow();
    expect(seen).toEqual([6]);
    expect(errors).toEqual([['replay.progress', 'the page went away']]);
  });

  it('stops delivering to a listener that unsubscribed, and only to it', () => {
    const { bus } = busWithErrors();
    const a: number[] = [];
    const b: number[] = [];
    const stopA = bus.subscribe((event) => a.push((event.payload as { done: number }).done));
    bus.subscribe((event) => b.push((event.payload as { done: number }).done));
    bus.emit('replay.progress', progress(1, 1));
    stopA();
    bus.emit('replay.progress', progress(1, 2));
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
  });

  it('lets a listener unsubscribe while an event is being delivered without skipping the others', () => {
    const { bus } = busWithErrors();
    const seen: string[] = [];
    const stopFirst = bus.subscribe(() => {
      seen.push('first');
      stopFirst();
    });
    bus.subscribe(() => seen.push('second'));
    bus.emit('replay.progress', progress(1, 1));
    bus.emit('replay.progress', progress(1, 2));
    expect(seen).toEqual(['first', 'second', 'second']);
  });

  it('runs onOpen once after subscribe returns, and not at all when stopped first', async () => {
    const { bus } = busWithErrors();
    const opened: string[] = [];
    bus.subscribe(
      () => {},
      () => opened.push('kept'),
    );
    const stop = bus.subscribe(
      () => {},
      () => opened.push('stopped'),
    );
    stop();
    expect(opened).toEqual([]);
    await Promise.resolve();
    expect(opened).toEqual(['kept']);
  });
});
