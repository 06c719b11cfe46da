import { version } from '../core/version';
import { commands } from './commands';
import { UsageError } from './usage-error';

const usage = `pipeline-studio ${version}: author, replay and ship Lua auth-hook pipelines

Usage: pipeline-studio <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join('\n')}

Every command takes --help. JSON goes to stdout, progress and messages to stderr.
Exit codes: 0 success, 1 the script/pipeline/check failed, 2 bad usage or unreadable input.
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) throw new UsageError(`unknown command '${name}' (see pipeline-studio --help)`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`pipeline-studio: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(
      `pipeline-studio: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
