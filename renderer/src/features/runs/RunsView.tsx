interface Props {
  selectedRunId: number | null;
  onSelectRun(runId: number | null): void;
}

/** Replay runs: progress of the running one, results, comparison of two runs (issue 6). */
export function RunsView({ selectedRunId }: Props) {
  return (
    <div className="runs-view">
      <div className="view-header">
        <h2>Replay runs</h2>
      </div>
      {selectedRunId !== null && <p>Run {selectedRunId}</p>}
    </div>
  );
}
