import { errorCode, errorMessage } from '../../app/studio-error';
import { formatUtc } from '../../components/format-time';
import { ErrorNotice } from '../publish/ErrorNotice';
import { RolloutControls } from './RolloutControls';
import { RolloutDifferences } from './RolloutDifferences';
import { RolloutStats } from './RolloutStats';
import { guardText, modeLabel, shareText, stateLabel, type RolloutView } from './rollout-text';
import { useWatchedRollout } from './use-rollout';
import './rollout.css';

interface Props {
  environment: string;
  onOpenSettings(): void;
}

/** The environment's current (or last) rollout, followed live while shown, and its steering. */
export function RolloutPanel({ environment, onOpenSettings }: Props) {
  const { query, error: liveError } = useWatchedRollout(environment);
  const rollout = query.data ?? null;
  const readError = query.error
    ? { code: errorCode(query.error) ?? 'INTERNAL', message: errorMessage(query.error) ?? '' }
    : null;
  return (
    <section
      className="publish-section rollout-panel"
      aria-labelledby="rollout-title"
      data-rollout-state={query.isPending ? 'loading' : (rollout?.state ?? 'none')}
    >
      <div className="publish-section-header">
        <h3 id="rollout-title">Rollout on {environment}</h3>
        {rollout && (
          <span className={`tag rollout-state rollout-state-${rollout.state}`} data-testid="rollout-state">
            {stateLabel(rollout.state)}
          </span>
        )}
      </div>
      <ErrorNotice error={readError ?? liveError} environment={environment} onOpenSettings={onOpenSettings} />
      {query.isSuccess && rollout === null && (
        <p className="empty-state">
          No rollout on {environment} yet. Review the changes and choose “Start rollout…” to start one.
        </p>
      )}
      {rollout && (
        <>
          <RolloutBanner rollout={rollout} />
          <p className="rollout-summary">
            <strong>{modeLabel(rollout.mode)}</strong> · {rollout.percent} % · v{rollout.baseVersion} → v
            {rollout.candidateVersion} · started {formatUtc(rollout.startedAt, false, false)} by {rollout.author}
            {rollout.message && <> · “{rollout.message}”</>}
          </p>
          <p className="muted">
            {shareText(rollout)} {guardText(rollout.guard)}
          </p>
          <RolloutStats rollout={rollout} />
          <RolloutControls
            key={rollout.id}
            environment={environment}
            rollout={rollout}
            onOpenSettings={onOpenSettings}
          />
          <RolloutDifferences environment={environment} rollout={rollout} />
        </>
      )}
    </section>
  );
}

/** How an ended rollout ended; the guard's rollback is an alert, with its reason. */
function RolloutBanner({ rollout }: { rollout: RolloutView }) {
  const when = rollout.endedAt ? ` at ${formatUtc(rollout.endedAt, true, false)}` : '';
  if (rollout.state === 'rolled-back') {
    return (
      <div role="alert" className="rollout-banner rollout-banner-fail" data-testid="rollout-banner">
        <strong>Rolled back by the guard{when}:</strong> {rollout.reason ?? 'a limit was crossed'}. v
        {rollout.baseVersion} answers everyone again.
      </div>
    );
  }
  if (rollout.state === 'promoted') {
    return (
      <div role="status" className="rollout-banner rollout-banner-ok" data-testid="rollout-banner">
        Promoted{when}: v{rollout.candidateVersion} is the active version for everyone.
      </div>
    );
  }
  if (rollout.state === 'aborted') {
    return (
      <div role="status" className="rollout-banner" data-testid="rollout-banner">
        Aborted{when}
        {rollout.reason ? `: ${rollout.reason}` : ''}. v{rollout.baseVersion} stayed active.
      </div>
    );
  }
  return null;
}
