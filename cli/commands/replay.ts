import { stat } from 'node:fs/promises';
import {
  parseRecordedEvents,
  summarizeReplay,
  type Bundle,
  type RecordedEvent,
  type ReplayLine,
  type SecretProvider,
  type Trace,
} from '../../shared/engine';
import { createEnginePool } from '../../shared/engine/node';
import { bundleHash, readBundleFolder, scriptHash } from '../../shared/engine/node/bundle-files';
import type { HookId } from '../../shared/hooks';
import { replayEvents } from '../../core/replay/replay-runner';
import { SecretStore } from '../../core/secrets';
import { Workspace, resolveDataDir, type TraceLinks } from '../../core/store';
import { keyValues, parseCommandArgs, positiveInteger, readTextFile, requireHook } from '../args';
import { createProgress } from '../progress';
import { staticSecrets } from '../static-secrets';
import { UsageError } from '../usage-error';
import type { Command } from './index';

const help = `Usage:
  pipeline-studio replay <bundle-dir> --events <file.ndjson> [options]
  pipeline-studio replay --workspace [--data DIR] [options]

Runs the pipeline on every recorded event and compares each outcome with the recorded one.
Events come from an NDJSON file (or a JSON array), or, with --workspace, from the workspace's event
library through its pipeline; a workspace replay is saved as a run and its traces are stored.

Options:
  --events <file>      recorded events (docs/formats.md); bad lines are reported by number, skipped
  --hook <id>          only events of this hook
  --concurrency N      events in flight at once (default 20)
  --json               one JSON object per event (NDJSON), then a { "summary": … } line
  --secret NAME=VALUE  a secret for helpers.secret (repeatable; file mode)
  --env <name>         whose keychain secrets scripts read (workspace mode; default staging)
  --data DIR           the workspace folder (default: the desktop app's)

Progress goes to stderr. Exit codes: 0 every event replayed and agreed with its recording,
1 a mismatch, an error, or a bad input line, 2 bad usage or unreadable input. A deny is an outcome,
not a failure.`;

interface ReplaySource {
  bundle: Bundle;
  hash: string;
  events: RecordedEvent[];
  badLines: number;
  secrets: SecretProvider;
  /** Where traces go; a workspace replay stores them tagged with their event and run. */
  traces?: { write(trace: Trace, links?: TraceLinks): void; close(): void };
  runId?: number;
  save?: (lines: ReplayLine[], elapsedMs: number) => void;
  close(): void;
}

async function fromFiles(dir: string, eventsFile: string, secrets: Record<string, string>): Promise<ReplaySource> {
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
  return {
    bundle: read.bundle,
    hash: read.hash,
    events: parsed.events,
    badLines: parsed.problems.length,
    secrets: staticSecrets(secrets),
    close: () => {},
  };
}

function fromWorkspace(dataDir: string | undefined, environment: string, hook: HookId | undefined): ReplaySource {
  const workspace = Workspace.open({ dir: resolveDataDir(dataDir) });
  try {
    const bundle = workspace.exportBundle();
    const hash = bundleHash(bundle);
    const events: RecordedEvent[] = [];
    const filter = hook ? { hook } : {};
    const pageSize = 1000;
    for (let offset = 0; ; offset += pageSize) {
      const page = workspace.events.list({ ...filter, limit: pageSize, offset });
      events.push(...page);
      if (page.length < pageSize) break;
    }
    const run = workspace.replays.start({
      bundleHash: hash,
      total: events.length,
      ...(hook ? { hook } : {}),
      label: 'cli',
      environment,
    });
    return {
      bundle,
      hash,
      events,
      badLines: 0,
      secrets: SecretStore.forWorkspace(workspace).provider(environment),
      traces: workspace.traceSink(),
      runId: run.id,
      save: (lines, elapsedMs) => {
        workspace.replays.addResults(run.id, 0, lines);
        workspace.replays.finish(run.id, 'done', summarizeReplay(lines, elapsedMs));
      },
      close: () => workspace.close(),
    };
  } catch (error) {
    workspace.close();
    throw error;
  }
}

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
      },
      1,
    );
    const hook = values.hook === undefined ? undefined : requireHook('replay', values.hook);
    const concurrency = positiveInteger('replay', '--concurrency', values.concurrency, 1000) ?? 20;
    let source: ReplaySource;
    if (values.workspace) {
      if (positionals.length > 0) throw new UsageError('replay: --workspace takes no bundle folder');
      source = fromWorkspace(values.data, values.env, hook);
    } else {
      const dir = positionals[0];
      if (!dir) throw new UsageError('replay: a bundle folder (or --workspace) is required (see replay --help)');
      if (!values.events) throw new UsageError('replay: --events <file.ndjson> is required');
      source = await fromFiles(dir, values.events, keyValues('replay', '--secret', values.secret));
    }

    const pool = createEnginePool({ secrets: source.secrets });
    const total = hook ? source.events.filter((e) => e.hook === hook).length : source.events.length;
    const progress = createProgress('replay', total);
    try {
      const outcome = await replayEvents({
        executor: pool,
        bundle: source.bundle,
        bundleHash: source.hash,
        scriptHash,
        events: source.events,
        ...(hook ? { hook } : {}),
        concurrency,
        onLine: (line, trace) => {
          if (trace)
            source.traces?.write(trace, { eventId: line.id, ...(source.runId ? { runId: source.runId } : {}) });
          if (values.json) process.stdout.write(`${JSON.stringify(line)}\n`);
          else if (line.mismatch || !line.ok) process.stdout.write(humanLine(line));
        },
        onProgress: (done) => progress.update(done),
      });
      progress.finish();
      source.traces?.close();
      source.save?.(outcome.lines, outcome.elapsedMs);
      const summary = summarizeReplay(outcome.lines, outcome.elapsedMs);
      if (values.json) process.stdout.write(`${JSON.stringify({ summary })}\n`);
      else {
        process.stdout.write(
          `${summary.events} events: ${summary.allowed} allowed, ${summary.denied} denied, ${summary.errors} errors, ` +
            `${summary.mismatches} mismatches (${summary.eventsPerSecond} events/s)\n`,
        );
      }
      return summary.mismatches > 0 || summary.errors > 0 || source.badLines > 0 ? 1 : 0;
    } finally {
      await pool.close();
      source.close();
    }
  },
};
