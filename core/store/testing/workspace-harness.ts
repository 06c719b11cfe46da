import { Workspace } from '../workspace';

/** A clock that moves one second per reading, from a fixed start: ordering without sleeping. */
export function steppingClock(startMs = Date.parse('2026-11-20T10:00:00.000Z'), stepMs = 1000): () => number {
  let now = startMs - stepMs;
  return () => (now += stepMs);
}

export function openTestWorkspace(dir: string, now = steppingClock()): Workspace {
  return Workspace.open({ dir, now });
}
