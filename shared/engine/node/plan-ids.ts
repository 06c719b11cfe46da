import type { ExecutionPlan } from '../types';

// Workers cache plans by id so that a plan is not sent with every event. The id is the plan's key
// plus a counter: the same key with different content (other limits, variables, a changed script)
// gets a new id, so a worker never runs a stale plan. The same object is recognised at once; an
// equal copy by its JSON.

const maxKnownKeys = 1000;

export class PlanIds {
  private readonly known = new Map<string, { plan: ExecutionPlan; id: string; fingerprint: string }>();
  private next = 1;

  idOf(plan: ExecutionPlan): string {
    const known = this.known.get(plan.key);
    if (known?.plan === plan) return known.id;
    const fingerprint = JSON.stringify(plan);
    if (known?.fingerprint === fingerprint) {
      known.plan = plan;
      return known.id;
    }
    const id = `${plan.key}#${this.next++}`;
    if (this.known.size > maxKnownKeys) this.known.clear();
    this.known.set(plan.key, { plan, id, fingerprint });
    return id;
  }
}
