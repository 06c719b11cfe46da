import { describe, expect, it } from 'vitest';
import { replayLabel } from './replay-label';

describe('replayLabel', () => {
  it('says what a run replays', () => {
    expect(replayLabel({ kind: 'selected', count: 1 })).toBe('Selected: 1 event');
    expect(replayLabel({ kind: 'pinned', count: 12 })).toBe('Pinned suite: 12 events');
    expect(replayLabel({ kind: 'filter', count: 1500, filter: { hook: 'signup.before' } })).toBe(
      'Matching hook signup.before: 1,500 events',
    );
    expect(replayLabel({ kind: 'filter', count: 3, filter: {} })).toBe('Matching all events: 3 events');
  });
});
