import { formatMs } from '../runs/progress-text';
import { differencesText, errorRateText, type RolloutView, type SideStats } from './rollout-text';

/**
 * Both versions side by side: runs, errors, error rate, p50 and p99. The runtime keeps no p95 of a
 * rollout, so the shared latency table (p50, p95, p99) does not fit here.
 */
export function RolloutStats({ rollout }: { rollout: RolloutView }) {
  const sides: { name: string; role: string; stats: SideStats }[] = [
    { name: `Active v${rollout.baseVersion}`, role: 'active', stats: rollout.stats.active },
    { name: `Candidate v${rollout.candidateVersion}`, role: 'candidate', stats: rollout.stats.candidate },
  ];
  const { differences } = rollout.stats;
  return (
    <div className="rollout-stats">
      <table className="publish-table rollout-stats-table" aria-label="Both versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Runs</th>
            <th scope="col">Errors</th>
            <th scope="col">Error rate</th>
            <th scope="col">p50</th>
            <th scope="col">p99</th>
          </tr>
        </thead>
        <tbody>
          {sides.map((side) => (
            <tr key={side.role} data-side={side.role}>
              <th scope="row">{side.name}</th>
              <td className="numeric" data-testid={`${side.role}-runs`}>
                {side.stats.n}
              </td>
              <td className="numeric">{side.stats.errors}</td>
              <td className="numeric">{errorRateText(side.stats)}</td>
              <td className="numeric">{side.stats.n ? formatMs(side.stats.p50Ms) : '—'}</td>
              <td className="numeric">{side.stats.n ? formatMs(side.stats.p99Ms) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="rollout-differences-count" data-testid="rollout-differences-count">
        {differencesText(differences)}
        {rollout.stats.shadowSkipped > 0 && (
          <span className="muted"> · {rollout.stats.shadowSkipped} shadow runs skipped while the runtime was busy</span>
        )}
      </p>
    </div>
  );
}
