import { checkCommand } from './check';
import { envCommand } from './env';
import { eventsCommand } from './events';
import { exportCommand } from './export';
import { generateCommand } from './generate';
import { impactCommand } from './impact';
import { importCommand } from './import';
import { publishCommand } from './publish';
import { pullEventsCommand } from './pull-events';
import { replayCommand } from './replay';
import { rollbackCommand } from './rollback';
import { rolloutCommand } from './rollout';
import { runCommand } from './run';
import { runtimeCommand } from './runtime';
import { secretsCommand } from './secrets';
import { statusCommand } from './status';
import { tailCommand } from './tail';
import { tracesCommand } from './traces';
import type { Command } from './command';

export type { Command } from './command';

/** The CLI's commands; each feature adds its own. */
export const commands: Record<string, Command> = {
  run: runCommand,
  check: checkCommand,
  replay: replayCommand,
  impact: impactCommand,
  import: importCommand,
  export: exportCommand,
  events: eventsCommand,
  traces: tracesCommand,
  secrets: secretsCommand,
  runtime: runtimeCommand,
  env: envCommand,
  publish: publishCommand,
  rollback: rollbackCommand,
  rollout: rolloutCommand,
  tail: tailCommand,
  status: statusCommand,
  'pull-events': pullEventsCommand,
  generate: generateCommand,
};
