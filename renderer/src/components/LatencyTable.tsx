import { formatDelta, formatMs } from '../features/runs/progress-text';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

const keys = ['p50', 'p95', 'p99'] as const;

/** Slower and faster are shown as such only past a tenth of a millisecond: below that is noise. */
export function deltaClass(deltaMs: number | null): string {
  if (deltaMs === null) return 'muted';
  if (deltaMs > 0.1) return 'delta-slower';
  if (deltaMs < -0.1) return 'delta-faster';
  return 'muted';
}

/**
 * Latency of two runs of the same events (two replays, or an impact's baseline and candidate):
 * p50, p95 and p99 of each, and the change from the first to the second.
 */
export function LatencyTable(props: {
  label: string;
  before: { name: string; latency: Percentiles };
  after: { name: string; latency: Percentiles };
}) {
  const { before, after } = props;
  return (
    <table className="latency-table" aria-label={props.label}>
      <thead>
        <tr>
          <th scope="col">Latency</th>
          {keys.map((key) => (
            <th key={key} scope="col">
              {key}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {[before, after].map((side) => (
          <tr key={side.name}>
            <th scope="row">{side.name}</th>
            {keys.map((key) => (
              <td key={key}>{formatMs(side.latency[key])}</td>
            ))}
          </tr>
        ))}
        <tr>
          <th scope="row">Change</th>
          {keys.map((key) => {
            const delta = after.latency[key] - before.latency[key];
            return (
              <td key={key} className={deltaClass(delta)}>
                {formatDelta(delta)}
              </td>
            );
          })}
        </tr>
      </tbody>
    </table>
  );
}
