// The runtime on its own (bundled to dist/node/runtime.mjs): `node dist/node/runtime.mjs [options]`
// takes the arguments of `pipeline-studio runtime`, for servers and containers that do not need
// the rest of the CLI.
import { RuntimeUsageError, runRuntimeCommand, runtimeHelp } from './server/command';
import { processIo } from './server/process-io';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(`${runtimeHelp}\n`);
} else {
  runRuntimeCommand(args, processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`pipeline-runtime: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = error instanceof RuntimeUsageError ? 2 : 1;
    },
  );
}
