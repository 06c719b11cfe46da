import { formatUtc } from '../../components/format-time';
import { runTitle, statusText, type ReplayRun } from './run-label';
import { RunOutcomeCounts } from './RunOutcomeCounts';

interface Props {
  runs: ReplayRun[];
  selectedId: number | null;
  onSelect(runId: number): void;
}

const n = (count: number) => count.toLocaleString('en-US');

/** The saved runs, newest first. */
export function RunList({ runs, selectedId, onSelect }: Props) {
  return (
    <nav aria-label="Replay runs" className="run-list">
      <ul>
        {runs.map((run) => (
          <li key={run.id}>
            <button
              type="button"
              aria-current={run.id === selectedId ? 'page' : undefined}
              onClick={() => onSelect(run.id)}
            >
              <span className="run-list-title">
                <strong>{runTitle(run)}</strong>
                <span className={`run-status run-status-${run.status}`}>{statusText[run.status]}</span>
              </span>
              <span className="muted">
                {formatUtc(run.startedAt, false)} · {n(run.total)} {run.total === 1 ? 'event' : 'events'}
              </span>
              {run.summary && (
                <span className="run-list-totals">
                  <RunOutcomeCounts counts={run.summary} />
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
