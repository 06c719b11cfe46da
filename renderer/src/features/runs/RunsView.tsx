import { ErrorMessage } from '../../components/ErrorMessage';
import { RunDetail } from './RunDetail';
import { RunList } from './RunList';
import { useRuns } from './use-runs';
import './runs.css';

interface Props {
  selectedRunId: number | null;
  onSelectRun(runId: number | null): void;
}

/** Replay runs: progress of the running one, results, comparison of two runs. */
export function RunsView({ selectedRunId, onSelectRun }: Props) {
  const { runs, error } = useRuns();

  const runId = selectedRunId ?? runs?.[0]?.id ?? null;
  const run = runs?.find((r) => r.id === runId) ?? null;
  return (
    <div className="runs-view" data-view-state={runs ? 'ready' : 'loading'}>
      <div className="view-header">
        <h2>Replay runs</h2>
        <p className="view-hint">Each run replays library events through the current pipeline and keeps the results.</p>
      </div>
      <ErrorMessage message={error} />
      {runs?.length === 0 && (
        <div className="empty-state">
          <p>No replay runs yet.</p>
          <p>
            In Events, select events (or pin a regression suite) and choose “Replay selected” or “Replay pinned suite”:
            the run shows up here with its progress and results.
          </p>
        </div>
      )}
      {runs && runs.length > 0 && (
        <div className="runs-split">
          <RunList runs={runs} selectedId={runId} onSelect={onSelectRun} />
          {run ? (
            <RunDetail key={run.id} run={run} runs={runs} onSelectRun={onSelectRun} />
          ) : (
            <p className="empty-state">
              Run #{runId} is not in the list (deleted, or older than the last 200 runs). Pick one on the left.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
