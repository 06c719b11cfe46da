import { useState } from 'react';
import { errorMessage } from '../../app/studio-error';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { downloadFile } from '../../components/download-file';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatUtc } from '../../components/format-time';
import { RunCompare } from './RunCompare';
import { RunProgress } from './RunProgress';
import { RunResults } from './RunResults';
import { runTitle, statusText, type ReplayRun } from './run-label';
import { useRunProgress, type ReplayProgress } from './use-run-progress';
import { useCancelReplay, useDeleteRun, useExportRun, useInvalidateRun, useReplayAgain } from './use-runs';

interface Props {
  run: ReplayRun;
  runs: ReplayRun[];
  onSelectRun(runId: number | null): void;
}

type Tab = 'results' | 'compare';

/** The progress of a running run; the summary, results and comparison of a finished one. */
export function RunDetail({ run, runs, onSelectRun }: Props) {
  const [tab, setTab] = useState<Tab>('results');
  const [error, setError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const running = run.status === 'running';
  const invalidateRun = useInvalidateRun();
  // The run ended while shown: its summary in the list and its results are asked again.
  const { progress, error: progressError } = useRunProgress(run.id, running, () => invalidateRun(run.id));
  const cancelReplay = useCancelReplay();
  const exportRun = useExportRun();
  const deleteRun = useDeleteRun();
  const replayAgainMutation = useReplayAgain();
  // A cancel that was accepted stays "cancelling" until the run ends (this view is keyed by run).
  const cancelling = cancelReplay.isPending || cancelReplay.isSuccess;
  const busy = replayAgainMutation.isPending;
  const fail = (failure: unknown) => setError(errorMessage(failure));

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
          enriched: run.summary.enriched,
          accepted: run.summary.accepted,
          mismatches: run.summary.mismatches,
          elapsedMs: run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : 0,
          etaMs: null,
          eventsPerSecond: run.summary.eventsPerSecond,
        }
      : null);

  const cancel = () => cancelReplay.mutate(run.id, { onError: fail });

  const exportAs = (format: 'json' | 'csv') =>
    exportRun.mutate({ runId: run.id, format }, { onSuccess: downloadFile, onError: fail });

  const replayAgain = () =>
    replayAgainMutation.mutate(run, { onSuccess: (started) => onSelectRun(started.run.id), onError: fail });

  const remove = () => {
    setConfirmDelete(false);
    deleteRun.mutate(run.id, { onSuccess: () => onSelectRun(null), onError: fail });
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
          <button type="button" onClick={() => replayAgain()} disabled={running || busy || run.total === 0}>
            Replay again
          </button>
          <button type="button" onClick={() => exportAs('json')} disabled={running}>
            Export JSON
          </button>
          <button type="button" onClick={() => exportAs('csv')} disabled={running}>
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
        <RunProgress progress={shown} cancelling={cancelling} onCancel={() => cancel()} />
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
        onConfirm={() => remove()}
        onCancel={() => setConfirmDelete(false)}
      />
    </section>
  );
}
