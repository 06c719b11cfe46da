import { rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toOtlpJson, type Trace } from '../../shared/engine';
import { version } from '../../core/version';
import type { TraceFilter, TraceStatus, TraceSummary, Workspace } from '../../core/store';
import { parseCommandArgs, positiveInteger, requireHook } from '../args';
import { UsageError } from '../usage-error';
import type { Command } from './command';
import { formatTraceTable, startedAt } from './trace-table';
import { dataOptionHelp, withWorkspace } from './workspace-access';

const help = `Usage:
  pipeline-studio traces list [--hook <id>] [--status ok|error|denied] [--since ISO] [--limit N] [--json]
  pipeline-studio traces export <file> [--format otlp] [--hook <id>] [--status …] [--since ISO] [--limit N]

The traces the workspace stored (replay --workspace, the desktop app), latest first.

list prints a table on stdout (started, hook, status, duration, spans, trace id, error message);
with --json, one JSON array of { "traceId", "hook", "status", "startedAt", "startTimeUnixNano",
"endTimeUnixNano", "durationMs", "rootName", "statusMessage"?, "spanCount" }.
export writes the traces with all their spans as OTLP/JSON (what an OpenTelemetry collector's
/v1/traces accepts, or Jaeger's OTLP import) to <file>, or to stdout when <file> is "-", and prints
{ "file", "format", "traces", "spans" } on stdout (on stderr with "-").

Options:
  --hook <id>          only this hook's traces
  --status <s>         ok, error (a script failed) or denied (a blocking hook said no)
  --since <ISO>        traces that started at or after this time (2026-01-31, 2026-01-31T09:00:00Z;
                       without a zone, local time)
  --limit N            at most N traces (list: default 50, at most 1000; export: default 1000,
                       at most 100000)
  --json               list: JSON instead of the table
  --format otlp        export: the only format, and the default
${dataOptionHelp}

Exit codes: 0 done (also when no trace matches), 2 bad usage, no workspace, or the file cannot be written.`;

const statuses: readonly TraceStatus[] = ['ok', 'error', 'denied'];
const filterOptions = {
  hook: { type: 'string' },
  status: { type: 'string' },
  since: { type: 'string' },
  limit: { type: 'string' },
  data: { type: 'string' },
} as const;

function parseFilter(command: string, values: { hook?: string; status?: string; since?: string }): TraceFilter {
  const filter: TraceFilter = {};
  if (values.hook !== undefined) filter.hook = requireHook(command, values.hook);
  if (values.status !== undefined) {
    const status = statuses.find((s) => s === values.status);
    if (!status) throw new UsageError(`${command}: --status must be ok, error or denied, got '${values.status}'`);
    filter.status = status;
  }
  if (values.since !== undefined) {
    // Date.parse alone accepts loose forms ("1", "May 5"); a leading ISO date keeps it predictable.
    const ms = /^\d{4}-\d{2}-\d{2}/.test(values.since) ? Date.parse(values.since) : NaN;
    if (!Number.isFinite(ms)) {
      throw new UsageError(
        `${command}: --since must be an ISO date or date-time (2026-01-31, 2026-01-31T09:00:00Z), got '${values.since}'`,
      );
    }
    filter.fromMs = ms;
  }
  return filter;
}

async function listTraces(args: string[]): Promise<number> {
  const command = 'traces list';
  const { values } = parseCommandArgs(command, args, { ...filterOptions, json: { type: 'boolean' } });
  const filter = parseFilter(command, values);
  filter.limit = positiveInteger(command, '--limit', values.limit, 1000) ?? 50;
  const traces = await withWorkspace(command, values.data, (workspace) => workspace.traces.list(filter), {
    mustExist: true,
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(traces.map((trace) => ({ ...trace, startedAt: startedAt(trace) })))}\n`);
  } else if (traces.length > 0) {
    process.stdout.write(formatTraceTable(traces));
  }
  process.stderr.write(
    traces.length === 0
      ? `${command}: no traces match\n`
      : `${command}: ${traces.length} trace${traces.length === 1 ? '' : 's'}` +
          `${traces.length === filter.limit ? ' (the limit; older ones need --limit or --since)' : ''}\n`,
  );
  return 0;
}

/**
 * Up to `limit` traces, latest first, a store page (1000) at a time. The store pages by "started
 * before", so the next page starts one nanosecond after the last trace seen and the overlap is
 * skipped by id: traces that started in the same nanosecond are not lost at a page boundary, as
 * long as fewer than a page of them share it (the store has no finer cursor; a warning says when
 * that happened, which engine timestamps with sub-millisecond parts make all but impossible).
 */
function collectTraces(workspace: Workspace, filter: TraceFilter, limit: number): Trace[] {
  const pageSize = 1000;
  const seen = new Set<string>();
  const traces: Trace[] = [];
  let before: string | undefined;
  while (traces.length < limit) {
    const page: TraceSummary[] = workspace.traces.list({ ...filter, limit: pageSize, ...(before ? { before } : {}) });
    const fresh = page.filter((summary) => !seen.has(summary.traceId));
    if (fresh.length === 0) {
      if (page.length === pageSize) {
        process.stderr.write(
          `traces export: more than ${pageSize} traces started at ${page[0]!.startTimeUnixNano} ns; ` +
            'the ones beyond the first page of them and all older traces were not exported (use --since)\n',
        );
      }
      break;
    }
    for (const summary of fresh.slice(0, limit - traces.length)) {
      seen.add(summary.traceId);
      const trace = workspace.traces.get(summary.traceId);
      // A trace deleted by retention between the two reads is simply not exported.
      if (trace) traces.push(trace);
    }
    if (page.length < pageSize) break;
    before = (BigInt(page[page.length - 1]!.startTimeUnixNano) + 1n).toString();
  }
  return traces;
}

async function exportTraces(args: string[]): Promise<number> {
  const command = 'traces export';
  const { values, positionals } = parseCommandArgs(
    command,
    args,
    { ...filterOptions, format: { type: 'string', default: 'otlp' } },
    1,
  );
  const file = positionals[0];
  if (!file) throw new UsageError(`${command}: the output file is required ("-" for stdout; see traces --help)`);
  if (values.format !== 'otlp') throw new UsageError(`${command}: --format must be otlp, got '${values.format}'`);
  const filter = parseFilter(command, values);
  const limit = positiveInteger(command, '--limit', values.limit, 100_000) ?? 1000;

  const traces = await withWorkspace(command, values.data, (workspace) => collectTraces(workspace, filter, limit), {
    mustExist: true,
  });
  const document = `${JSON.stringify(toOtlpJson(traces, { serviceVersion: version }))}\n`;
  const summary = {
    file: file === '-' ? '-' : path.resolve(file),
    format: 'otlp',
    traces: traces.length,
    spans: traces.reduce((sum, trace) => sum + trace.spans.length, 0),
  };
  if (file === '-') {
    process.stdout.write(document);
    process.stderr.write(`${JSON.stringify(summary)}\n`);
  } else {
    // Through a temporary file and a rename: a reader (or a collector watching the folder) never
    // sees half a document, and a failed write leaves an earlier export as it was.
    const temporary = path.join(path.dirname(summary.file), `.${path.basename(summary.file)}.${process.pid}.tmp`);
    try {
      await writeFile(temporary, document, 'utf8');
      await rename(temporary, summary.file);
    } catch (error) {
      await unlink(temporary).catch(() => {});
      throw new UsageError(`${command}: cannot write ${file}: ${(error as Error).message}`);
    }
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }
  if (traces.length === limit) {
    process.stderr.write(`${command}: reached --limit ${limit}; older traces, if any, were not exported\n`);
  }
  return 0;
}

export const tracesCommand: Command = {
  summary: 'traces list | export <file> --format otlp: the stored traces',
  help,
  async run(args) {
    const [subcommand, ...rest] = args;
    if (subcommand === 'list') return listTraces(rest);
    if (subcommand === 'export') return exportTraces(rest);
    throw new UsageError(
      subcommand === undefined
        ? 'traces: a subcommand is required: traces list | traces export <file> (see traces --help)'
        : `traces: unknown subcommand '${subcommand}' (see traces --help)`,
    );
  },
};
