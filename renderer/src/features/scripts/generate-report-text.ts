import type { ChannelOutput } from '@shared/contract';

// The words of the "Generate events" panel (GeneratePanel.tsx), kept pure so that they are tested
// without a page.

export type GenerateReport = ChannelOutput<'scripts.generate'>;
export type GeneratedFailure = GenerateReport['failed'][number];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One line for the whole run: how many events, how many failed and how. */
export function reportHeadline(report: GenerateReport): string {
  const head = `${plural(report.events, 'event')} of ${report.hook} (seed ${report.seed})`;
  if (report.failures === 0) return `${head}: no failure`;
  const limits = Object.values(report.limits).reduce((sum, n) => sum + n, 0);
  const parts = [
    report.crashes > 0 ? plural(report.crashes, 'crash', 'crashes') : '',
    report.invalidResults > 0 ? plural(report.invalidResults, 'invalid result') : '',
    limits > 0 ? plural(limits, 'limit hit') : '',
  ].filter(Boolean);
  const others = report.failures - report.crashes - report.invalidResults - limits;
  if (others > 0) parts.push(plural(others, 'other failure'));
  return `${head}: ${plural(report.failures, 'failure')} (${parts.join(', ')})`;
}

/** The decisions, deny reasons included, as a list of "label: count" items (zeros left out). */
export function decisionItems(report: GenerateReport): string[] {
  const { allow, deny, data, recorded, error } = report.decisions;
  const reasons = Object.entries(report.denyReasons).map(([reason, n]) => `${reason} ${n}`);
  return [
    allow ? `allow: ${allow}` : '',
    deny ? `deny: ${deny}${reasons.length ? ` (${reasons.join(', ')})` : ''}` : '',
    data ? `data: ${data}` : '',
    recorded ? `recorded: ${recorded}` : '',
    error ? `error: ${error}` : '',
  ].filter(Boolean);
}

/** Edge cases the run exercised, most failing first. */
export function edgeCaseRows(report: GenerateReport): Array<{ tag: string; events: number; failures: number }> {
  return Object.entries(report.edgeCases)
    .filter(([, counts]) => counts !== undefined && counts.events > 0)
    .map(([tag, counts]) => ({ tag, events: counts?.events ?? 0, failures: counts?.failures ?? 0 }))
    .sort((a, b) => b.failures - a.failures || a.tag.localeCompare(b.tag));
}

export function failureTitle(failure: GeneratedFailure): string {
  const line = failure.error.line ? ` (line ${failure.error.line})` : '';
  return `Event #${failure.index}: ${failure.error.code}${line}`;
}
