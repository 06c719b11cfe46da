import type { QueryClient } from '@tanstack/react-query';
import type { Listen } from '@shared/contract';
import { invalidateEventLibrary } from '../features/events/event-queries';
import { invalidateImpact } from '../features/impact/impact-queries';
import { invalidatePublish } from '../features/publish/publish-queries';
import { invalidateRun } from '../features/runs/run-queries';
import { invalidateTraceLists } from '../features/traces/trace-queries';

// What the core's pushed events change in the page's cache (shared/contract/events.ts). Progress
// while the work runs is for the views that show it; only the end of the work changes stored data:
// an ended import changes the library, an ended replay its run (results, the list's summary) and
// the traces, an ended publish the environment's history and review, an ended impact its changes
// and counts (stored traces and the library do not change: the impact keeps its changes in memory).

/** Listens for the rest of the page's life; returns the function that stops. */
export function invalidateOnPushedEvents(client: QueryClient, listen: Listen): () => void {
  const stops = [
    listen('import.progress', (progress) => {
      if (progress.status !== 'running') void invalidateEventLibrary(client);
    }),
    listen('replay.progress', (progress) => {
      if (progress.status === 'running') return;
      void invalidateRun(client, progress.runId);
      void invalidateTraceLists(client);
    }),
    listen('publish.steps', (progress) => {
      if (progress.status !== 'running') void invalidatePublish(client, progress.environment);
    }),
    listen('impact.progress', (progress) => {
      if (progress.status !== 'running') void invalidateImpact(client, progress.impactId);
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
