import { errorMessage } from '../../app/studio-error';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ImpactTracePair } from './ImpactTracePair';
import { kindLabel, outcomeText, type ImpactChange } from './impact-text';
import { useAcceptOutcome } from './use-impact';

interface Props {
  impactId: string;
  change: ImpactChange;
  onOpenTrace(traceId: string): void;
  onClose(): void;
}

/** One changed event: both outcomes, the scripts that changed it, accept as expected, both traces. */
export function ImpactChangeDetail({ impactId, change, onOpenTrace, onClose }: Props) {
  const accept = useAcceptOutcome();
  const accepted = accept.isSuccess && accept.variables.id === change.id;
  return (
    <section className="impact-detail" aria-label={`Change of ${change.id}`}>
      <div className="impact-detail-header">
        <h5>
          <code>{change.id}</code> on {change.hook}: {change.changes.map(kindLabel).join(', ')}
        </h5>
        <button type="button" className="icon-button" aria-label="Close the change" onClick={onClose}>
          ×
        </button>
      </div>
      <dl className="impact-outcomes">
        <div>
          <dt>Runtime’s active bundle</dt>
          <dd data-testid="impact-baseline">{outcomeText(change.baseline)}</dd>
        </div>
        <div>
          <dt>Candidate</dt>
          <dd data-testid="impact-candidate">{outcomeText(change.candidate)}</dd>
        </div>
        <div>
          <dt>Changed by</dt>
          <dd>
            {change.scripts.length ? change.scripts.map((id) => <code key={id}>{id} </code>) : 'no single script'}
          </dd>
        </div>
      </dl>
      <div className="impact-detail-actions">
        <button
          type="button"
          disabled={!change.inLibrary || accept.isPending || accepted}
          aria-describedby={change.inLibrary ? undefined : `impact-accept-${change.id}`}
          onClick={() => accept.mutate({ id: change.id, impactId })}
        >
          {accept.isPending ? 'Accepting…' : 'Accept as expected'}
        </button>
        {!change.inLibrary && (
          <span id={`impact-accept-${change.id}`} className="muted">
            Only events in the library have a recorded outcome: pull the runtime’s captured events first.
          </span>
        )}
        {accepted && <span role="status">The candidate’s outcome is now {change.id}’s recorded outcome.</span>}
      </div>
      <ErrorMessage message={accept.error ? `Not accepted: ${errorMessage(accept.error)}` : null} />
      <ImpactTracePair
        baselineTraceId={change.baselineTraceId}
        candidateTraceId={change.candidateTraceId}
        onOpenTrace={onOpenTrace}
      />
    </section>
  );
}
