import { ContractError } from '../../shared/contract';
import { runtimeErrors } from '../../shared/contract/publish-channels';
import { contractAnswer } from '../contract-errors';
import type { CoreEvents } from '../events/event-bus';
import type { RolloutView } from '../publish/runtime-rollout-answers';
import type { ConnectRuntime } from '../publish/runtime-connection';

// rollouts.watch (docs/publish.md, "Rollouts"): while the page shows an environment's rollout, the
// core reads the runtime's state about once a second and pushes `rollout.status`, so the page never
// polls. Decided here:
// - one loop per watched environment, however many watch it; the next read is scheduled when the
//   previous one has answered, so a slow runtime is never asked twice at once;
// - its watchers are counted: each rollouts.watch adds one, each rollouts.unwatch takes one away,
//   and the loop stops when none is left, so that one window (or panel) leaving does not stop the
//   pushes another still shows. An unwatch of an environment nobody watches changes nothing;
// - a failed read is pushed in `error` (with the last known rollout), never thrown: the page keeps
//   showing what it had and says why it is stale; the loop goes on until unwatched;
// - the connection (URL, token) is taken on every read, so a token stored meanwhile is used;
// - close() (the composition root's shutdown) stops every loop and waits for reads in flight.

export interface RolloutWatchesDeps {
  connect: ConnectRuntime;
  /** Whether the workspace has this environment (rollouts.watch answers NOT_FOUND otherwise). */
  hasEnvironment(name: string): boolean;
  events: CoreEvents;
  /** Between the end of one read and the next; default 1 s. */
  intervalMs?: number;
}

interface Watch {
  /** rollouts.watch calls not yet matched by a rollouts.unwatch; at least 1 while in the map. */
  watchers: number;
  timer: NodeJS.Timeout | null;
  reading: Promise<void> | null;
  last: RolloutView | null;
  stopped: boolean;
}

export class RolloutWatches {
  private readonly watches = new Map<string, Watch>();
  private closed = false;

  constructor(private readonly deps: RolloutWatchesDeps) {}

  watch(environment: string): { watching: boolean } {
    if (this.closed) throw new ContractError('UNAVAILABLE', 'The studio core is shutting down.');
    if (!this.deps.hasEnvironment(environment)) {
      throw new ContractError('NOT_FOUND', `There is no environment "${environment}".`);
    }
    const watching = this.watches.get(environment);
    if (watching) {
      watching.watchers++;
    } else {
      const watch: Watch = { watchers: 1, timer: null, reading: null, last: null, stopped: false };
      this.watches.set(environment, watch);
      this.read(environment, watch);
    }
    return { watching: true };
  }

  /** `watching`: whether the core still watches the environment for someone else. */
  unwatch(environment: string): { watching: boolean } {
    const watch = this.watches.get(environment);
    if (!watch) return { watching: false };
    watch.watchers--;
    if (watch.watchers > 0) return { watching: true };
    this.stop(environment, watch);
    return { watching: false };
  }

  get watched(): string[] {
    return [...this.watches.keys()];
  }

  async close(): Promise<void> {
    this.closed = true;
    const reading = [...this.watches.entries()].map(([environment, watch]) => {
      this.stop(environment, watch);
      return watch.reading;
    });
    await Promise.all(reading);
  }

  private stop(environment: string, watch: Watch): void {
    watch.stopped = true;
    if (watch.timer) clearTimeout(watch.timer);
    watch.timer = null;
    this.watches.delete(environment);
  }

  private read(environment: string, watch: Watch): void {
    watch.timer = null;
    watch.reading = this.readOnce(environment, watch).finally(() => {
      watch.reading = null;
      if (!watch.stopped) watch.timer = setTimeout(() => this.read(environment, watch), this.deps.intervalMs ?? 1000);
    });
  }

  private async readOnce(environment: string, watch: Watch): Promise<void> {
    let error: { code: string; message: string } | undefined;
    try {
      watch.last = await this.deps.connect(environment).client.currentRollout();
    } catch (caught) {
      error = contractAnswer(caught, runtimeErrors) ?? {
        code: 'INTERNAL',
        message: `The rollout of ${environment} could not be read.`,
      };
    }
    // Unwatched while the read was out: the page no longer wants it.
    if (watch.stopped) return;
    this.deps.events.emit('rollout.status', {
      environment,
      rollout: watch.last,
      ...(error !== undefined ? { error } : {}),
    });
  }
}
