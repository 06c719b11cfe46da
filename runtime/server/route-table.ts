import { rolloutRoutes } from './rollout-routes';
import type { Route } from './route-kit';
import { routes } from './routes';
import { tailRoutes } from './tail-routes';

/** Every endpoint the runtime server dispatches to. */
export const routeTable: readonly Route[] = [...routes, ...rolloutRoutes, ...tailRoutes];
