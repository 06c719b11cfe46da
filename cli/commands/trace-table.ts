import type { TraceSummary } from '../../core/store';

// The human form of `traces list`: one aligned row per trace, column widths taken from the rows
// shown, numbers right-aligned. The message goes last and is cut short, so a long error does not
// push the columns apart; the JSON form (--json) has it whole.

/** The trace's start as an ISO time (millisecond precision; the nanoseconds stay in the JSON). */
export function startedAt(trace: TraceSummary): string {
  return new Date(Number(BigInt(trace.startTimeUnixNano) / 1_000_000n)).toISOString();
}

const maxMessage = 80;
/** DURATION and SPANS. */
const numeric = new Set([3, 4]);

export function formatTraceTable(traces: readonly TraceSummary[]): string {
  const rows = traces.map((trace) => [
    startedAt(trace),
    trace.hook,
    trace.status,
    `${trace.durationMs.toFixed(2)} ms`,
    String(trace.spanCount),
    trace.traceId,
    oneLine(trace.statusMessage ?? ''),
  ]);
  const header = ['STARTED', 'HOOK', 'STATUS', 'DURATION', 'SPANS', 'TRACE ID', 'MESSAGE'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const render = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1
          ? cell
          : numeric.has(column)
            ? cell.padStart(widths[column]!)
            : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(render).join('\n')}\n`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > maxMessage ? `${flat.slice(0, maxMessage - 1)}…` : flat;
}
