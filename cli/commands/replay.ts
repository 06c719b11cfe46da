import { stat } from 'node:fs/promises';
import { constants } from 'node:os';
import { ContractError } from '../../shared/contract';
import { parseRecordedEvents, type RecordedEvent, type ReplayLine, type ReplaySummary } from '../../shared/engine';
import { createEnginePool, type EnginePool } from '../../shared/engine/node';
import { readBundleFolder } from '../../shared/engine/node/bundle-files';
import { noEvents } from '../../core/events/event-bus';
import { ReplayJob } from '../../core/replay/replay-job';
import { ReplayJobs } from '../../core/replay/replay-jobs';
import type { ReplayProgress } from '../../core/replay/replay-progress';
import { plannedBundle } from '../../core/replay/replay-selection';
import { nothingStored } from '../../core/replay/replay-sink';
import { SecretStore } from '../../core/secrets';
import { Workspace, resolveDataDir } from '../../core/store';
import { keyValues, parseCommandArgs, positiveInteger, readTextFile, requireHook } from '../args';
import { createProgress } from '../progress';
import { staticSecrets } from '../static-secrets';
import { UsageError } from '../usage-error';
import type { Command } from './command';
import { faultsFromFlags, replayPasses, type ReplayChoices, type ReplayOutput as Output } from './replay-faults';

const help = `Usage:
  pipeline-studio replay <bundle-dir> --events <file.ndjson> [options]
  pipeline-studio replay --workspace [--data DIR] [options]

Runs the pipeline on every recorded event and compares each outcome with the recorded one.
Events come from an NDJSON file (or a JSON array), or, with --workspace, from the workspace's event
library through its pipeline; a workspace replay is saved as a run (label "cli") as it goes, with
its traces, exactly as the studio saves its replays.

Options:
  --events <file>      recorded events (docs/formats.md); bad lines are reported by number, skipped
  --hook <id>          only events of this hook
  --concurrency N      events in flight at once (default 20)
  --json               one JSON object per event (NDJSON), then a { "summary": … } line
  --secret NAME=VALUE  a secret for helpers.secret (repeatable; file mode)
  --env <name>         whose keychain secrets scripts read (workspace mode; default staging)
  --data DIR           the workspace folder (default: the desktop app's)
  --fault SPEC         inject a fault into every event's run (repeatable): fetch=error|timeout|STATUS[@host],
                       secret=NAME, script=ID:timeout|error; a workspace run is labelled "what-if: …"
  --what-if            replay twice, normally and with the --fault faults, and print per hook what users
                       get in each (allow / deny / error) and the events whose decision changed

Ctrl-C (or SIGTERM) stops the replay after the events in flight: what finished is printed and, with
--workspace, stored in a run marked cancelled. A second Ctrl-C quits at once.

Progress goes to stderr. Exit codes: 0 every event replayed and agreed with its recording,
1 a mismatch, an error, a bad input line or a replay that failed (the store refused a write),
2 bad usage or unreadable input, 130 stopped by Ctrl-C, 143 stopped by SIGTERM. A deny is an
outcome, not a failure. With --what-if the normal run's mismatches and errors decide (the faulted
run's failures are what was asked for).`;

function humanLine(line: ReplayLine): string {
  const decision =
    line.error !== undefined
      ? `error ${line.error.code}: ${line.error.message}`
      : line.allow === false
        ? `deny${line.reason ? ` "${line.reason}"` : ''}`
        : line.allow === true
          ? 'allow'
          : line.data !== undefined
            ? `data ${JSON.stringify(line.data)}`
            : 'recorded';
  const mismatch = line.mismatch ? `  MISMATCH: ${line.mismatch.summary}` : '';
  return `${line.id}  ${line.hook}  ${decision}  ${line.durationMs} ms${mismatch}\n`;
}

/** Prints a line as soon as the run has it (in input order); nothing is kept. */
function printer(output: Output): (line: ReplayLine) => void {
  return (line) => {
    if (output.json) process.stdout.write(`${JSON.stringify(line)}\n`);
    else if (line.mismatch || !line.ok) process.stdout.write(humanLine(line));
    output.printed += 1;
    output.progress?.update(output.printed);
  };
}

/**
 * Ctrl-C and SIGTERM cancel the run (the events in flight finish, what finished is kept); a
 * second one exits at once. `received` is the first signal, for the exit code (128 + its number).
 */
function cancelOnSignals(cancel: () => void): { received(): NodeJS.Signals | undefined; dispose(): void } {
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) process.exit(signalExitCode(signal));
    received = signal;
    process.stderr.write(`\nreplay: ${signal}: stopping after the events in flight (again to quit at once)\n`);
    cancel();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    received: () => received,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** Prints the summary and answers the exit code. */
function report(end: ReplayProgress, output: Output, extra: { badLines: number; signal?: NodeJS.Signals }): number {
  output.progress?.finish();
  const summary: ReplaySummary = {
    events: end.done,
    allowed: end.allowed,
    denied: end.denied,
    errors: end.errors,
    enriched: end.enriched,
    accepted: end.accepted,
    mismatches: end.mismatches,
    eventsPerSecond: end.eventsPerSecond,
  };
  const ended = end.status === 'done' ? '' : `${end.status} after ${end.done} of ${end.total} events: `;
  if (output.json) {
    const status = end.status === 'done' ? {} : { status: end.status, total: end.total };
    process.stdout.write(
      `${JSON.stringify({ summary, ...status, ...(end.message ? { message: end.message } : {}) })}\n`,
    );
  } else {
    process.stdout.write(
      `${ended}${summary.events} events: ${summary.allowed} allowed, ${summary.denied} denied, ${summary.errors} errors, ` +
        `${summary.enriched} enriched, ${summary.accepted} accepted, ` +
        `${summary.mismatches} mismatches (${summary.eventsPerSecond} events/s)\n`,
    );
  }
  if (end.status === 'failed') {
    process.stderr.write(`replay: ${end.message ?? 'the replay failed'}\n`);
    return 1;
  }
  if (end.status === 'cancelled') return signalExitCode(extra.signal ?? 'SIGINT');
  return summary.mismatches > 0 || summary.errors > 0 || extra.badLines > 0 ? 1 : 0;
}

async function replayFiles(
  dir: string,
  eventsFile: string,
  secrets: Record<string, string>,
  options: ReplayChoices,
): Promise<number> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new UsageError(`replay: ${dir} is not a folder`);
  const read = await readBundleFolder(dir);
  if (!read.ok) {
    const first = read.error.problems[0];
    const more = read.error.problems.length > 1 ? ` (and ${read.error.problems.length - 1} more; see check)` : '';
    throw new UsageError(`replay: ${dir}: PIPELINE_INVALID: ${first?.where}: ${first?.message}${more}`);
  }
  const parsed = parseRecordedEvents(await readTextFile('replay', eventsFile));
  for (const problem of parsed.problems) process.stderr.write(`${eventsFile}:${problem.line}: ${problem.message}\n`);
  if (parsed.duplicates > 0) process.stderr.write(`${eventsFile}: ${parsed.duplicates} duplicate ids skipped\n`);
  const events: RecordedEvent[] = options.hook
    ? parsed.events.filter((event) => event.hook === options.hook)
    : parsed.events;
  const { bundle, hash } = planned(() =>
    plannedBundle(
      read.bundle,
      events.map((event) => event.hook),
    ),
  );

  const pool = createEnginePool();
  let job: ReplayJob | undefined;
  const signals = cancelOnSignals(() => void job?.cancel());
  try {
    const end = await replayPasses(options, printer(options.output), (faults, onLine, label) => {
      options.output.progress = createProgress(label, events.length);
      job = new ReplayJob({
        runId: 0,
        bundle,
        bundleHash: hash,
        events,
        engine: () => pool,
        secrets: () => staticSecrets(secrets),
        faults,
        sink: nothingStored,
        concurrency: options.concurrency,
        onLine,
      });
      return job.finished;
    });
    return report(end, options.output, { badLines: parsed.problems.length, ...withSignal(signals.received()) });
  } finally {
    signals.dispose();
    await pool.close();
  }
}

async function replayWorkspace(
  dataDir: string | undefined,
  environment: string,
  options: ReplayChoices,
): Promise<number> {
  const workspace = Workspace.open({ dir: resolveDataDir(dataDir) });
  let pool: EnginePool | undefined;
  try {
    const secrets = SecretStore.forWorkspace(workspace);
    const jobs = new ReplayJobs({
      workspace: () => workspace,
      engine: () => (pool ??= createEnginePool()),
      secretsFor: (name) => secrets.provider(name),
      events: noEvents,
    });
    if (!workspace.environments.get(environment)) {
      throw new UsageError(`replay: there is no environment "${environment}" in this workspace (see env list)`);
    }
    let runId: number | undefined;
    const signals = cancelOnSignals(() => {
      if (runId !== undefined) void jobs.cancel(runId).catch(() => {});
    });
    try {
      const end = await replayPasses(options, printer(options.output), (faults, onLine, label) => {
        const run = planned(() =>
          jobs.start({
            selection: { kind: 'filter', filter: options.hook ? { hook: options.hook } : {} },
            label: 'cli',
            environment,
            concurrency: options.concurrency,
            faults,
            onLine,
          }),
        );
        runId = run.id;
        options.output.progress = createProgress(label, run.total);
        return jobs.finished(run.id);
      });
      return report(end, options.output, { badLines: 0, ...withSignal(signals.received()) });
    } catch (error) {
      if (!(error instanceof ContractError) || error.code !== 'NOTHING_TO_REPLAY') throw error;
      // An empty library is not an error: nothing disagrees with its recording.
      process.stderr.write(
        `replay: the event library has no event${options.hook ? ` of ${options.hook}` : ''} to replay\n`,
      );
      return report(emptyEnd, options.output, { badLines: 0 });
    } finally {
      signals.dispose();
    }
  } finally {
    await pool?.close();
    workspace.close();
  }
}

const emptyEnd: ReplayProgress = {
  runId: 0,
  status: 'done',
  total: 0,
  done: 0,
  allowed: 0,
  denied: 0,
  errors: 0,
  enriched: 0,
  accepted: 0,
  mismatches: 0,
  elapsedMs: 0,
  etaMs: null,
  eventsPerSecond: 0,
};

function withSignal(signal: NodeJS.Signals | undefined): { signal?: NodeJS.Signals } {
  return signal ? { signal } : {};
}

/** A pipeline that cannot be planned is unusable input (exit 2), as in check. */
function planned<T>(start: () => T): T {
  try {
    return start();
  } catch (error) {
    if (error instanceof ContractError && error.code === 'PIPELINE_INVALID')
      throw new UsageError(`replay: PIPELINE_INVALID: ${error.message}`);
    throw error;
  }
}

export const replayCommand: Command = {
  summary: 'replay recorded events through a pipeline and compare outcomes',
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs(
      'replay',
      args,
      {
        events: { type: 'string' },
        workspace: { type: 'boolean' },
        hook: { type: 'string' },
        concurrency: { type: 'string' },
        json: { type: 'boolean' },
        secret: { type: 'string', multiple: true },
        env: { type: 'string', default: 'staging' },
        data: { type: 'string' },
        fault: { type: 'string', multiple: true },
        'what-if': { type: 'boolean' },
      },
      1,
    );
    const hook = values.hook === undefined ? undefined : requireHook('replay', values.hook);
    const concurrency = positiveInteger('replay', '--concurrency', values.concurrency, 1000) ?? 20;
    const output: Output = { json: values.json === true, printed: 0 };
    const whatIf = values['what-if'] === true;
    const choices: ReplayChoices = { hook, concurrency, output, faults: faultsFromFlags(values.fault, whatIf), whatIf };
    if (values.workspace) {
      if (positionals.length > 0) throw new UsageError('replay: --workspace takes no bundle folder');
      return replayWorkspace(values.data, values.env, choices);
    }
    const dir = positionals[0];
    if (!dir) throw new UsageError('replay: a bundle folder (or --workspace) is required (see replay --help)');
    if (!values.events) throw new UsageError('replay: --events <file.ndjson> is required');
    const secrets = keyValues('replay', '--secret', values.secret);
    return replayFiles(dir, values.events, secrets, choices);
  },
};
