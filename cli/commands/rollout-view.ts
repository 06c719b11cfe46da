import type { ChannelOutput } from '../../shared/contract';

// A rollout as `rollout status` (and the other rollout commands) print it for a person: what runs
// where, both versions side by side (runs, error rate, p50/p99), the differences the candidate
// made, and the state with the reason it ended.

type Rollout = NonNullable<ChannelOutput<'rollouts.status'>['rollout']>;

const rate = (errors: number, n: number) => (n === 0 ? '-' : `${((errors / n) * 100).toFixed(1)}%`);
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

export function rolloutTable(environment: string, rollout: Rollout): string {
  const share =
    rollout.mode === 'canary'
      ? `the candidate decides for ${rollout.percent}% of users (sticky by ${rollout.stickyBy})`
      : `the candidate runs in the shadow of ${rollout.percent}% of invocations`;
  const guard = [
    `error rate ≤ ${(rollout.guard.maxErrorRate * 100).toFixed(1)}%`,
    `p99 ≤ ${rollout.guard.maxP99Ms === null ? "the hook's deadline" : ms(rollout.guard.maxP99Ms)}`,
    `after ${rollout.guard.minSamples} runs`,
  ].join(', ');
  const { active, candidate, differences } = rollout.stats;
  const rows = [
    ['', 'version', 'runs', 'errors', 'error rate', 'p50', 'p99'],
    [
      'active',
      String(rollout.baseVersion),
      String(active.n),
      String(active.errors),
      rate(active.errors, active.n),
      ms(active.p50Ms),
      ms(active.p99Ms),
    ],
    [
      'candidate',
      String(rollout.candidateVersion),
      String(candidate.n),
      String(candidate.errors),
      rate(candidate.errors, candidate.n),
      ms(candidate.p50Ms),
      ms(candidate.p99Ms),
    ],
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const table = rows.map(
    (row) =>
      `  ${row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd()}`,
  );
  const lines = [
    `rollout ${rollout.id} on ${environment}: ${rollout.state}${rollout.reason ? ` (${rollout.reason})` : ''}`,
    `  ${rollout.mode}: ${share}`,
    `  started ${rollout.startedAt} by ${rollout.author}${rollout.endedAt ? `, ended ${rollout.endedAt}` : ''}`,
    `  guard: ${guard}`,
    ...table,
    `  differences: ${differences.n} (allow→deny ${differences.allowToDeny}, deny→allow ${differences.denyToAllow}, reason ${differences.reasonChanged}, data ${differences.dataChanged})`,
  ];
  if (rollout.stats.shadowSkipped > 0) lines.push(`  shadow runs skipped (queue full): ${rollout.stats.shadowSkipped}`);
  return `${lines.join('\n')}\n`;
}
