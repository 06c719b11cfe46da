import type { ReplayProgress } from './use-run-progress';
import { RunOutcomeCounts } from './RunOutcomeCounts';
import { formatDuration, percentDone, rateText, timeLeftText } from './progress-text';

interface Props {
  progress: ReplayProgress;
  cancelling: boolean;
  onCancel(): void;
}

const n = (count: number) => count.toLocaleString('en-US');

/** A running replay: how far, how fast, how long still, what it decided so far; and Cancel. */
export function RunProgress({ progress, cancelling, onCancel }: Props) {
  const percent = percentDone(progress.done, progress.total);
  const running = progress.status === 'running';
  return (
    <section className="run-progress" aria-label="Replay progress">
      <div className="run-progress-top">
        <div
          className="progress-bar"
          role="progressbar"
          aria-label="Replay progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={`${n(progress.done)} of ${n(progress.total)} events (${percent}%)`}
        >
          <div className="progress-bar-fill" style={{ width: `${percent}%` }} />
        </div>
        {running && (
          <button type="button" className="danger" onClick={onCancel} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel run'}
          </button>
        )}
      </div>
      <p className="run-progress-counts">
        <strong>
          {n(progress.done)} / {n(progress.total)}
        </strong>{' '}
        events · <RunOutcomeCounts counts={progress} />
      </p>
      <p className="muted run-progress-rate">
        {rateText(progress.eventsPerSecond)} · {formatDuration(progress.elapsedMs)} elapsed
        {running ? ` · ${timeLeftText(progress.status, progress.etaMs)}` : ''}
      </p>
    </section>
  );
}
