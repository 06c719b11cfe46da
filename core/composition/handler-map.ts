import { hookDefinitions, lifecycleGroups } from '../../shared/hooks';
import { appInfo, type StudioHost } from '../app-info';
import { environmentHandlers } from '../authoring/environments';
import { hookSchemaHandlers } from '../authoring/hook-schema';
import { pipelineHandlers } from '../authoring/pipeline';
import { scriptCheckHandlers } from '../authoring/script-check';
import { scriptRunHandlers } from '../authoring/script-run';
import { scriptHandlers } from '../authoring/scripts';
import { secretHandlers } from '../authoring/secrets';
import { workspaceInfoHandlers } from '../authoring/workspace-info';
import { generateHandlers } from '../generate/generate-handlers';
import { impactHandlers } from '../impact/impact-handlers';
import { publishHandlers } from '../publish/publish-handlers';
import { acceptOutcomeHandlers, eventLibraryHandlers } from '../replay/event-library';
import { replayHandlers } from '../replay/replay-handlers';
import { runHandlers } from '../replay/runs';
import { rolloutHandlers } from '../rollout/rollout-handlers';
import { traceHandlers } from '../replay/traces';
import type { Handlers } from '../router';
import type { StudioRoot } from './studio-root';

// Every contract channel's handler, each area given only what it uses of the root. Transports
// (IPC, HTTP) stay out of here, and so does error translation: the router does it once
// (core/contract-errors.ts).

export function handlerMap(root: StudioRoot, host: StudioHost): Handlers {
  const workspace = root.workspace;
  const keychainLabel = root.keychainLabel;
  const replayJobs = root.replayJobs;
  return {
    'app.info': () => appInfo(host),
    'hooks.list': () => ({
      groups: lifecycleGroups.map(({ id, label }) => ({ id, label })),
      hooks: hookDefinitions.map(({ id, label, group, mode, description }) => ({
        id,
        label,
        group,
        mode,
        description,
      })),
    }),
    ...hookSchemaHandlers(),
    ...workspaceInfoHandlers({ workspace, keychainLabel }),
    ...pipelineHandlers({ workspace }),
    ...scriptHandlers({ workspace }),
    ...scriptCheckHandlers({ workspace }),
    ...scriptRunHandlers({ workspace, engine: root.engine, secretsFor: root.secretsFor }),
    ...generateHandlers({ workspace, engine: root.engine, secretsFor: root.secretsFor }),
    ...environmentHandlers({ workspace, runtimeTokens: root.runtimeTokens }),
    ...secretHandlers({ workspace, secrets: root.secrets, keychainLabel }),
    ...eventLibraryHandlers({ workspace, events: root.events, capturedEvents: root.capturedEvents }),
    ...replayHandlers({ replayJobs }),
    ...runHandlers({ workspace, replayJobs }),
    ...traceHandlers({ workspace }),
    ...publishHandlers({
      connect: root.connect,
      workspace,
      secrets: root.secrets,
      impactReview: root.impactReview,
      jobs: root.publishJobs,
    }),
    ...rolloutHandlers({ connect: root.connect, workspace, watches: root.rolloutWatches, tails: root.tails }),
    ...impactHandlers({ impacts: root.impactJobs }),
    ...acceptOutcomeHandlers({
      workspace,
      impactChange: (impactId, eventId) => root.impactJobs.change(impactId, eventId),
    }),
  };
}
