import { useState } from 'react';
import { studio } from '../../client/studio-client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { downloadFile } from '../../components/download-file';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatUtc } from '../../components/format-time';
import { RunCompare } from './RunCompare';
import { RunProgress } from './RunProgress';
import { RunResults } from './RunResults';
import { runTitle, statusText, type ReplayRun } from './run-label';
import { collectRunEventIds } from './run-event-ids';
import { useRunProgress, type ReplayProgress } from './use-run-progress';

interface Props {
  run: ReplayRun;
  runs: ReplayRun[];
  /** The run changed (ended, was deleted): the list is loaded again. */
  onChanged(): void;
  onSelectRun(runId: number | null): void;
}

type Tab = 'results' | 'compare';

/** The progress of a running run; the summary, results and comparison of a finished one. */
export function RunDetail({ run, runs, onChanged, onSelectRun }: Props) {
  const [tab, setTab] = useState<Tab>('results');
  const [error, setError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const running = run.status === 'running';
  const { progress, error: progressError } = useRunProgress(run.id, running, () => onChanged());

  const shown: ReplayProgress | null =
    progress ??
    (run.summary
      ? {
          runId: run.id,
          status: run.status,
          total: run.total,
          done: run.summary.events,
          allowed: run.summary.allowed,
          denied: run.summary.denied,
          errors: run.summary.errors,
          mismatches: run.summary.mismatches,
          elapsedMs: run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : 0,
          etaMs: null,
          eventsPerSecond: run.summary.eventsPerSecond,
        }
      : null);

  const cancel = async () => {
    setCancelling(true);
    const result = await studio.replay.cancel({ runId: run.id });
    if (!result.ok) {
      setCancelling(false);
      setError(result.error.message);
    }
  };

  const exportAs = async (format: 'json' | 'csv') => {
    const result = await studio.runs.export({ runId: run.id, format });
    if (!result.ok) return setError(result.error.message);
    downloadFile(result.value);
  };

  const replayAgain = async () => {
    setBusy(true);
    const ids = await collectRunEventIds(run.id);
    if (!ids.ok) {
      setBusy(false);
      return setError(ids.error.message);
    }
    const label = `Again: ${run.label ?? `run #${run.id}`}`.slice(0, 200);
    // The same secrets as the run being repeated (runs from before they were recorded read staging's).
    const started = await studio.replay.start({
      selection: { kind: 'events', ids: ids.value },
      label,
      ...(run.environment !== undefined ? { environment: run.environment } : {}),
    });
    setBusy(false);
    if (!started.ok) return setError(`The replay did not start: ${started.error.message}`);
    onChanged();
    onSelectRun(started.value.run.id);
  };

  const remove = async () => {
    setConfirmDelete(false);
    const result = await studio.runs.delete({ runId: run.id });
    if (!result.ok) return setError(result.error.message);
    onSelectRun(null);
    onChanged();
  };

  return (
    <section className="run-detail" aria-label={runTitle(run)} data-run-status={run.status}>
      <header className="run-detail-header">
        <div>
          <h3>
            {runTitle(run)} <span className={`run-status run-status-${run.status}`}>{statusText[run.status]}</span>
          </h3>
          <p className="muted">
            Started {formatUtc(run.startedAt)}
            {run.finishedAt ? ` · ended ${formatUtc(run.finishedAt)}` : ''}
            {run.hook ? ` · ${run.hook}` : ''}
            {run.environment ? ` · secrets from ${run.environment}` : ''} · pipeline{' '}
            <code title={run.bundleHash}>{run.bundleHash.slice(0, 12)}</code>
          </p>
        </div>
        <div className="run-actions">
          <button type="button" onClick={() => void replayAgain()} disabled={running || busy || run.total === 0}>
            Replay again
          </button>
          <button type="button" onClick={() => void exportAs('json')} disabled={running}>
            Export JSON
          </button>
          <button type="button" onClick={() => void exportAs('csv')} disabled={running}>
            Export CSV
          </button>
          <button type="button" className="danger" onClick={() => setConfirmDelete(true)} disabled={running}>
            Delete…
          </button>
        </div>
      </header>
      <ErrorMessage message={error} onDismiss={() => setError(null)} />
      <ErrorMessage message={progressError} />
      {run.status === 'failed' && (
        <p className="error-message" role="alert">
          The run failed{run.message ? `: ${run.message}` : '.'}
        </p>
      )}
      {run.status === 'cancelled' && (
        <p className="warning-message">Cancelled: the results below are the events replayed before the cancel.</p>
      )}
      {shown ? (
        <RunProgress progress={shown} cancelling={cancelling} onCancel={() => void cancel()} />
      ) : (
        running && <p role="status">Starting the replay…</p>
      )}
      {running ? (
        <p className="muted">The results appear here when the run ends.</p>
      ) : (
        <>
          <div className="tabs" role="tablist" aria-label="Run views">
            <button
              type="button"
              role="tab"
              id={`run-${run.id}-tab-results`}
              aria-selected={tab === 'results'}
              aria-controls={`run-${run.id}-panel`}
              onClick={() => setTab('results')}
            >
              Results
            </button>
            <button
              type="button"
              role="tab"
              id={`run-${run.id}-tab-compare`}
              aria-selected={tab === 'compare'}
              aria-controls={`run-${run.id}-panel`}
              onClick={() => setTab('compare')}
            >
              Compare with another run
            </button>
          </div>
          <div
            className="run-tab-panel"
            role="tabpanel"
            id={`run-${run.id}-panel`}
            aria-labelledby={`run-${run.id}-tab-${tab}`}
          >
            {tab === 'results' ? <RunResults run={run} /> : <RunCompare runs={runs} runId={run.id} />}
          </div>
        </>
      )}
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete run #${run.id}?`}
        message="Its results are deleted; the library events and the traces stay."
        confirmLabel="Delete"
        onConfirm={() => void remove()}
        onCancel={() => setConfirmDelete(false)}
      />
    </section>
  );
}
