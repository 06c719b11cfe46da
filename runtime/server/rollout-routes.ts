import type { Route } from './route-kit';

// The rollout endpoints of docs/runtime.md ("Rollouts").

export const rolloutRoutes: Route[] = [];
