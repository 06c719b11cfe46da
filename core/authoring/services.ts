import type { EnginePool } from '../../shared/engine/node';
import type { Workspace } from '../store';
import type { EnvironmentSecrets } from './environment-secrets';

// Transitional: the services are built by the composition root (core/composition/studio-root.ts)
// and each handler module declares the few it uses. This is what script-run.ts still names until
// it takes its own dependencies; then this file goes.

export interface StudioServices {
  workspace(): Workspace;
  engine(): EnginePool;
  readonly environmentSecrets: EnvironmentSecrets;
}
