import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../app/studio-error';
import { useStudioData } from '../../app/studio-data';
import { ErrorMessage } from '../../components/ErrorMessage';
import { AcknowledgeFlips } from './AcknowledgeFlips';
import { ImpactChangeDetail } from './ImpactChangeDetail';
import { ImpactChangeList } from './ImpactChangeList';
import { ImpactSummary } from './ImpactSummary';
import { invalidateImpact, type ChangeFilter } from './impact-queries';
import { flipCount, impactHeadline, sameBundle, type ImpactChange } from './impact-text';
import { ScriptFlips } from './ScriptFlips';
import { useCancelImpact, useImpactChanges } from './use-impact';
import { useImpactProgress } from './use-impact-progress';

interface Props {
  impactId: string;
  environment: string;
  /** The bundle a publish review shows: an impact of another one is said to be stale. */
  reviewedHash?: string;
  /** Every flip was acknowledged. */
  onAcknowledged?: () => void;
}

/** A running impact's progress, then its summary, the flips by kind and script, and its changes. */
export function ImpactResult({ impactId, environment, reviewedHash, onAcknowledged }: Props) {
  const { openTrace, scripts } = useStudioData();
  const client = useQueryClient();
  const { progress, error } = useImpactProgress(impactId, () => void invalidateImpact(client, impactId));
  const cancel = useCancelImpact();
  const [filter, setFilter] = useState<ChangeFilter>({});
  const [active, setActive] = useState(-1);
  const [opened, setOpened] = useState<ImpactChange | null>(null);
  const ended = progress !== null && progress.status !== 'running';
  const comparable = progress?.status === 'done' || progress?.status === 'cancelled';
  const rows = useImpactChanges(impactId, filter, comparable);

  const choose = (next: ChangeFilter) => {
    setFilter(next);
    setActive(-1);
    setOpened(null);
  };
  const open = (index: number) => {
    setActive(index);
    setOpened(rows.rowAt(index) ?? null);
  };

  return (
    <div className="impact-result" data-impact={impactId} data-status={progress?.status ?? 'loading'}>
      <ErrorMessage message={error} />
      {!progress && !error && <p role="status">Starting the impact…</p>}
      {progress && (
        <div className="impact-progress">
          <progress
            aria-label="Impact progress"
            max={Math.max(progress.total, 1)}
            value={ended ? Math.max(progress.total, 1) : progress.done}
          />
          <p role="status" className="impact-headline">
            {impactHeadline(progress)}
          </p>
          {progress.status === 'running' && (
            <button type="button" disabled={cancel.isPending} onClick={() => cancel.mutate(impactId)}>
              Cancel the impact
            </button>
          )}
        </div>
      )}
      {progress && reviewedHash !== undefined && !sameBundle(progress.candidateHash, reviewedHash) && (
        <p role="alert" className="warning-message">
          This impact compared another version of the pipeline than the one reviewed: run it again.
        </p>
      )}
      <ErrorMessage message={cancel.error ? `Not cancelled: ${errorMessage(cancel.error)}` : null} />
      {progress && comparable && (
        <>
          <ImpactSummary summary={progress.summary} kind={filter.kind} onKind={(kind) => choose({ ...filter, kind })} />
          {flipCount(progress.summary) > 0 && (
            <ScriptFlips
              impactId={impactId}
              scripts={scripts.map((script) => script.id)}
              script={filter.script}
              onScript={(script) => choose({ ...filter, script })}
            />
          )}
          <ErrorMessage message={rows.error} />
          {rows.total === 0 ? (
            <p className="empty-state">No changed event matches.</p>
          ) : (
            <ImpactChangeList
              count={rows.total ?? 0}
              rowAt={rows.rowAt}
              onRangeChange={rows.setRange}
              active={active}
              onActive={setActive}
              onOpen={open}
            />
          )}
          {opened && (
            <ImpactChangeDetail
              key={opened.id}
              impactId={impactId}
              change={opened}
              onOpenTrace={openTrace}
              onClose={() => setOpened(null)}
            />
          )}
          {progress.status === 'done' && flipCount(progress.summary) > 0 && (
            <AcknowledgeFlips
              impactId={impactId}
              environment={environment}
              flips={flipCount(progress.summary)}
              onAcknowledged={() => onAcknowledged?.()}
            />
          )}
        </>
      )}
    </div>
  );
}
