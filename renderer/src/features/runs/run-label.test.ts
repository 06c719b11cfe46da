import { describe, expect, it } from 'vitest';
import { againLabel, previousRunId, runTitle } from './run-label';

describe('run labels', () => {
  it('names a run by its label, else its number', () => {
    expect(runTitle({ id: 4, label: 'Pinned suite: 3 events' })).toBe('#4 Pinned suite: 3 events');
    expect(runTitle({ id: 4 })).toBe('Run #4');
  });

  it('labels a run replayed again without stacking "Again: Again: …"', () => {
    expect(againLabel({ id: 3, label: 'Matching all events' })).toBe('Again: Matching all events');
    expect(againLabel({ id: 4, label: 'Again: Matching all events' })).toBe('Again: Matching all events');
    expect(againLabel({ id: 5 })).toBe('Again: run #5');
    expect(againLabel({ id: 6, label: 'x'.repeat(300) })).toHaveLength(200);
  });

  it('finds the run before a run, newest first', () => {
    const runs = [{ id: 9 }, { id: 7 }, { id: 3 }];
    expect(previousRunId(runs, 9)).toBe(7);
    expect(previousRunId(runs, 7)).toBe(3);
    expect(previousRunId(runs, 3)).toBeNull();
    expect(previousRunId(runs, 1)).toBeNull();
  });
});
