import { useId, useState } from 'react';
import { errorCode } from '../../app/studio-error';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ImpactResult } from '../impact/ImpactResult';
import { defaultPeriodHours, impactPeriods } from '../impact/impact-text';
import { useStartImpact } from '../impact/use-impact';
import '../impact/impact.css';
import { ErrorNotice } from './ErrorNotice';

interface Props {
  environment: string;
  /** The local pipeline's hash the review shows: an impact of another bundle does not count for it. */
  reviewedHash: string;
  onOpenSettings(): void;
  /** Every flip was acknowledged: the review's impact gate can be asked again. */
  onAcknowledged(): void;
}

/**
 * The review's Impact step: the environment's captured traffic of a period (and the pinned events)
 * through the runtime's active bundle and through this workspace's pipeline, and what changed.
 */
export function ImpactStep({ environment, reviewedHash, onOpenSettings, onAcknowledged }: Props) {
  const titleId = useId();
  const [hours, setHours] = useState<number>(defaultPeriodHours);
  const start = useStartImpact();
  const impactId = start.data?.impactId ?? null;
  const error = start.error ? { code: errorCode(start.error) ?? 'INTERNAL', message: start.error.message } : null;

  return (
    <section className="publish-section impact-step" aria-labelledby={titleId}>
      <div className="publish-section-header">
        <h4 id={titleId}>Impact on {environment}’s traffic</h4>
      </div>
      <form
        className="impact-start"
        aria-label="Run the impact"
        onSubmit={(event) => {
          event.preventDefault();
          start.mutate({ environment, sinceHours: hours, candidate: { kind: 'workspace' } });
        }}
      >
        <fieldset className="impact-periods">
          <legend>Captured events of</legend>
          {impactPeriods.map((period) => (
            <label key={period.hours} className="radio">
              <input
                type="radio"
                name={`impact-period-${environment}`}
                value={period.hours}
                checked={hours === period.hours}
                onChange={() => setHours(period.hours)}
              />
              {period.label}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={start.isPending}>
          {start.isPending ? 'Starting…' : impactId ? 'Run the impact again' : 'Run the impact'}
        </button>
      </form>
      {error?.code === 'BUSY' ? (
        <ErrorMessage message={`${error.message} Wait for the impact that is running, then run it again.`} />
      ) : (
        <ErrorNotice error={error} environment={environment} onOpenSettings={onOpenSettings} />
      )}
      {impactId && (
        <ImpactResult
          key={impactId}
          impactId={impactId}
          environment={environment}
          reviewedHash={reviewedHash}
          onAcknowledged={onAcknowledged}
        />
      )}
    </section>
  );
}
