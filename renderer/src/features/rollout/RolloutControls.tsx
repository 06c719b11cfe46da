import { useId, useState } from 'react';
import { errorCode, errorMessage } from '../../app/studio-error';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../publish/ErrorNotice';
import { needsTypedConfirmation, shortHash } from '../publish/publish-text';
import { TypedConfirmDialog } from '../publish/TypedConfirmDialog';
import { parsePercent, steeringBlocker, type RolloutView } from './rollout-text';
import { useAbort, usePromote, useSetPercent } from './use-rollout';

interface Props {
  environment: string;
  rollout: RolloutView;
  onOpenSettings(): void;
}

type Asking = { kind: 'percent'; percent: number } | { kind: 'promote' } | { kind: 'abort' } | null;

function failure(error: unknown): { code: string; message: string } | null {
  if (!error) return null;
  return { code: errorCode(error) ?? 'INTERNAL', message: errorMessage(error) ?? '' };
}

/** Change the share, promote the candidate, abort: each asks first, production by its typed name. */
export function RolloutControls({ environment, rollout, onOpenSettings }: Props) {
  const blockerId = useId();
  const problemId = useId();
  const [share, setShare] = useState(String(rollout.percent));
  const [asking, setAsking] = useState<Asking>(null);
  const [status, setStatus] = useState('');
  const setPercent = useSetPercent(environment);
  const promote = usePromote(environment);
  const abort = useAbort(environment);
  const blocker = steeringBlocker(rollout);
  const parsed = parsePercent(share);
  const shareProblem = 'problem' in parsed ? parsed.problem : null;
  const busy = setPercent.isPending || promote.isPending || abort.isPending;
  const error = failure(setPercent.error) ?? failure(promote.error) ?? failure(abort.error);

  const applyShare = (percent: number, confirm: string) => {
    setAsking(null);
    setPercent.mutate(
      { percent, ...(confirm ? { confirm } : {}) },
      { onSuccess: (answer) => setStatus(`The candidate now has ${answer.rollout.percent} %.`) },
    );
  };

  return (
    <div className="rollout-controls">
      <form
        className="rollout-share"
        aria-label="Change the share"
        onSubmit={(event) => {
          event.preventDefault();
          if (blocker || busy || !('percent' in parsed)) return;
          if (needsTypedConfirmation(environment)) setAsking({ kind: 'percent', percent: parsed.percent });
          else applyShare(parsed.percent, '');
        }}
      >
        <label>
          Share (%)
          <input
            inputMode="numeric"
            value={share}
            aria-invalid={shareProblem !== null}
            aria-describedby={shareProblem ? problemId : undefined}
            onChange={(event) => setShare(event.target.value)}
          />
        </label>
        <button
          type="submit"
          disabled={blocker !== null || busy || shareProblem !== null}
          aria-describedby={blocker ? blockerId : undefined}
        >
          Apply
        </button>
        {shareProblem && (
          <span id={problemId} className="field-problem">
            {shareProblem}
          </span>
        )}
      </form>
      <div className="rollout-actions">
        <button
          type="button"
          className="primary"
          disabled={blocker !== null || busy}
          aria-describedby={blocker ? blockerId : undefined}
          onClick={() => setAsking({ kind: 'promote' })}
        >
          Promote
        </button>
        <button
          type="button"
          className="danger"
          disabled={blocker !== null || busy}
          aria-describedby={blocker ? blockerId : undefined}
          onClick={() => setAsking({ kind: 'abort' })}
        >
          Abort
        </button>
        {blocker && (
          <span id={blockerId} className="muted">
            {blocker}
          </span>
        )}
      </div>
      <p role="status" className="save-status">
        {status}
      </p>
      <ErrorNotice error={error} environment={environment} onOpenSettings={onOpenSettings} />
      <TypedConfirmDialog
        open={asking?.kind === 'percent'}
        title={`Change the share on ${environment}`}
        message={
          asking?.kind === 'percent'
            ? `Give the candidate v${rollout.candidateVersion} ${asking.percent} % instead of ${rollout.percent} %?`
            : ''
        }
        confirmLabel="Change the share"
        environment={environment}
        onCancel={() => setAsking(null)}
        onConfirm={(typed) => asking?.kind === 'percent' && applyShare(asking.percent, typed)}
      />
      <TypedConfirmDialog
        open={asking?.kind === 'promote'}
        title={`Promote on ${environment}`}
        message={`Make the candidate v${rollout.candidateVersion} (${shortHash(rollout.candidateHash)}) the active pipeline on ${environment} for everyone? It is recorded as a new version.`}
        confirmLabel="Promote"
        environment={environment}
        onCancel={() => setAsking(null)}
        onConfirm={(typed) => {
          setAsking(null);
          promote.mutate(typed, {
            onSuccess: (answer) => setStatus(`Promoted: v${answer.version} (${shortHash(answer.hash)}) is active.`),
          });
        }}
      />
      <ConfirmDialog
        open={asking?.kind === 'abort'}
        title={`Abort the rollout on ${environment}`}
        message={`Stop the rollout? v${rollout.baseVersion} stays active and answers every invocation again.`}
        confirmLabel="Abort the rollout"
        onCancel={() => setAsking(null)}
        onConfirm={() => {
          setAsking(null);
          abort.mutate(undefined, { onSuccess: () => setStatus('Aborted: the active version answers everyone.') });
        }}
      />
    </div>
  );
}
