import { isRolloutJob, progressHeadline, shortHash, type PublishProgress } from './publish-text';
import { StatusIcon } from './StatusIcon';

interface Props {
  progress: PublishProgress;
  onOpenRun(runId: number): void;
}

/** A publish job's steps as they run (a rollout's too), then its result (the error is shown by the view). */
export function ProgressPanel({ progress, onOpenRun }: Props) {
  const rollout = isRolloutJob(progress);
  return (
    <section
      className="publish-section publish-progress"
      aria-labelledby="publish-progress-title"
      data-status={progress.status}
    >
      <h4 id="publish-progress-title">{rollout ? 'Start rollout' : 'Publish'}</h4>
      <p role="status" className="publish-headline">
        {progressHeadline(progress)}
      </p>
      <ol className="publish-steps" aria-label="Publish steps">
        {progress.steps.map((step) => (
          <li key={step.id} aria-label={`${step.label}: ${step.status}`} data-step={step.id} data-status={step.status}>
            <StatusIcon status={step.status} />
            <strong>{step.label}</strong>
            {step.detail && <span className="muted">{step.detail}</span>}
            {step.id === 'suite' && progress.suiteRunId !== undefined && (
              <button type="button" className="link-button" onClick={() => onOpenRun(progress.suiteRunId ?? 0)}>
                Open the suite’s replay run
              </button>
            )}
          </li>
        ))}
      </ol>
      {progress.status === 'done' && progress.result && (
        <p className="publish-result" data-testid="publish-result">
          {rollout ? `Rolling out on ${progress.environment}: candidate ` : `Active on ${progress.environment}: `}
          <strong>v{progress.result.version}</strong> ·{' '}
          <code title={progress.result.hash}>{shortHash(progress.result.hash)}</code>
        </p>
      )}
    </section>
  );
}
