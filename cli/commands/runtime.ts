import { RuntimeUsageError, runRuntimeCommand, runtimeHelp } from '../../runtime/server/command';
import { processIo } from '../../runtime/server/process-io';
import { UsageError } from '../usage-error';
import type { Command } from './command';

// `pipeline-studio runtime …`: the reference runtime and its tokens (runtime/server/command.ts,
// shared with the standalone dist/node/runtime.mjs).
export const runtimeCommand: Command = {
  summary: 'start the reference runtime server, or manage its tokens',
  help: runtimeHelp,
  async run(args) {
    try {
      return await runRuntimeCommand(args, processIo());
    } catch (error) {
      if (error instanceof RuntimeUsageError) throw new UsageError(error.message);
      throw error;
    }
  },
};
