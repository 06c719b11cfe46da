import type { ReplayLine, ReplaySummary } from '../../shared/engine';
import type { ReplayRun } from '../store';
import type { RunView } from './views';

// A run's results as a file the user saves. JSON is `{ run, summary, results }` with the replay
// lines of docs/formats.md, indented. CSV is one row per event with the columns people filter on in
// a spreadsheet, RFC 4180 (CRLF line ends, fields with a comma, quote or line break quoted, quotes
// doubled). Reasons, ids and messages come from scripts and recorded traffic, so a cell that a
// spreadsheet would read as a formula (starting with = + - @, or a tab or carriage return that some
// of them skip first) gets a leading apostrophe: OWASP's advice against CSV injection.

export const csvColumns = [
  'position',
  'eventId',
  'hook',
  'ok',
  'decision',
  'reason',
  'code',
  'errorCode',
  'errorMessage',
  'durationMs',
  'mismatch',
  'traceId',
] as const;

export interface ExportedFile {
  fileName: string;
  mimeType: string;
  content: string;
}

export function runJsonFile(run: RunView, summary: ReplaySummary, lines: readonly ReplayLine[]): ExportedFile {
  return {
    fileName: `replay-run-${run.id}.json`,
    mimeType: 'application/json',
    content: `${JSON.stringify({ run, summary, results: lines }, null, 2)}\n`,
  };
}

export function runCsvFile(run: Pick<ReplayRun, 'id'>, results: readonly { position: number; line: ReplayLine }[]) {
  const rows = results.map(({ position, line }) => [
    String(position),
    line.id,
    line.hook,
    String(line.ok),
    line.allow === undefined ? '' : line.allow ? 'allow' : 'deny',
    line.reason ?? '',
    line.code ?? '',
    line.error?.code ?? '',
    line.error?.message ?? '',
    String(line.durationMs),
    line.mismatch?.summary ?? '',
    line.traceId,
  ]);
  const content = [[...csvColumns], ...rows].map((cells) => cells.map(csvCell).join(',')).join('\r\n');
  return { fileName: `replay-run-${run.id}.csv`, mimeType: 'text/csv', content: `${content}\r\n` };
}

/** One CSV field: neutralized against formula injection, then quoted when it must be. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
