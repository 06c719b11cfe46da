import { parseRecordedEvents, type RecordedEventProblem } from '../../shared/engine';
import { parseCommandArgs, readTextFile } from '../args';
import { UsageError } from '../usage-error';
import type { Command } from './command';
import { dataOptionHelp, withWorkspace } from './workspace-access';

const help = `Usage: pipeline-studio events import <file.ndjson|file.json> [--strict] [--data DIR]

Adds recorded auth events (docs/formats.md: one JSON object a line, or a JSON array of them) to the
workspace's event library. A bad line is reported on stderr with its number and skipped; the good
lines are kept. An event whose id the library already has (or an earlier line of the file) is
skipped and counted as a duplicate, so importing the same capture twice is harmless. All good
events of a file are stored in one transaction: all of them or, if the disk fails, none.

Options:
  --strict             exit 1 when any line was bad (the good lines are still imported)
${dataOptionHelp}

Prints { "imported", "duplicates", "problems": [{ "line", "message" }] } on stdout.
Exit codes: 0 the file's good events are in the library (even if some lines were bad, unless
--strict), 1 --strict and a line was bad, 2 bad usage, an unreadable file or workspace, or a file
in which no line is a recorded event.`;

/** Enough to see what is wrong with a file without flooding a terminal; stdout's JSON has them all. */
const maxProblemLines = 50;

function reportProblems(file: string, problems: readonly RecordedEventProblem[]): void {
  for (const problem of problems.slice(0, maxProblemLines)) {
    process.stderr.write(`${file}:${problem.line}: ${problem.message}\n`);
  }
  if (problems.length > maxProblemLines) {
    process.stderr.write(`${file}: … and ${problems.length - maxProblemLines} more bad lines (all are in the JSON)\n`);
  }
}

async function importEvents(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'events import',
    args,
    { strict: { type: 'boolean' }, data: { type: 'string' } },
    1,
  );
  const file = positionals[0];
  if (!file) throw new UsageError('events import: the events file is required (see events --help)');
  const text = await readTextFile('events import', file);
  // Parsed before the workspace is opened: a file that is not recorded events at all (the wrong
  // file) is refused without creating or touching a workspace.
  const parsed = parseRecordedEvents(text);
  reportProblems(file, parsed.problems);
  if (parsed.problems.length > 0 && parsed.events.length === 0 && parsed.duplicates === 0) {
    process.stdout.write(`${JSON.stringify({ imported: 0, duplicates: 0, problems: parsed.problems })}\n`);
    throw new UsageError(`events import: ${file}: no line is a recorded event (see docs/formats.md); nothing imported`);
  }

  return withWorkspace('events import', values.data, (workspace) => {
    // Repeats within the file were dropped while parsing; ids the library already has are skipped
    // (and counted) by the store in the same transaction that adds the rest.
    const stored = workspace.events.import(parsed.events);
    const duplicates = parsed.duplicates + stored.duplicates;
    process.stderr.write(
      `events import: ${stored.imported} imported, ${duplicates} duplicates skipped, ` +
        `${parsed.problems.length} bad lines skipped\n`,
    );
    process.stdout.write(`${JSON.stringify({ imported: stored.imported, duplicates, problems: parsed.problems })}\n`);
    return values.strict && parsed.problems.length > 0 ? 1 : 0;
  });
}

export const eventsCommand: Command = {
  summary: 'events import <file>: add recorded events to the event library',
  help,
  async run(args) {
    const [subcommand, ...rest] = args;
    if (subcommand === 'import') return importEvents(rest);
    throw new UsageError(
      subcommand === undefined
        ? 'events: a subcommand is required: events import <file> (see events --help)'
        : `events: unknown subcommand '${subcommand}' (see events --help)`,
    );
  },
};
