import type { Route } from './route-kit';

// GET /v1/tail, the live tail (docs/runtime.md, "Live tail").

export const tailRoutes: Route[] = [];
