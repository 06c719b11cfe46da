import { useState } from 'react';
import { errorMessage } from '../../app/studio-error';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useAcknowledgeFlips } from './use-impact';

interface Props {
  impactId: string;
  environment: string;
  flips: number;
  /** The flips were acknowledged: the publish gate can pass now. */
  onAcknowledged(): void;
}

/** Acknowledges every flip of the impact, with an optional note, so its bundle may be published. */
export function AcknowledgeFlips({ impactId, environment, flips, onAcknowledged }: Props) {
  const [note, setNote] = useState('');
  const acknowledge = useAcknowledgeFlips(environment);
  const answer = acknowledge.data;
  return (
    <form
      className="form impact-acknowledge"
      aria-label="Acknowledge flips"
      onSubmit={(event) => {
        event.preventDefault();
        if (acknowledge.isPending) return;
        acknowledge.mutate(
          { impactId, ...(note.trim() ? { note: note.trim() } : {}) },
          { onSuccess: (value) => value.unacknowledgedFlips === 0 && onAcknowledged() },
        );
      }}
    >
      <p>
        {flips} {flips === 1 ? 'decision flips' : 'decisions flip'}: publishing this bundle to {environment} needs them
        acknowledged.
      </p>
      <label>
        Note (optional)
        <input
          maxLength={500}
          placeholder="Why these flips are expected"
          value={note}
          onChange={(event) => setNote(event.target.value)}
        />
      </label>
      <div className="publish-form-actions">
        <button type="submit" className="primary" disabled={acknowledge.isPending}>
          {acknowledge.isPending ? 'Acknowledging…' : 'Acknowledge flips'}
        </button>
        {answer && (
          <span role="status">
            {answer.unacknowledgedFlips === 0
              ? `Flips acknowledged (${answer.acknowledged}). The impact gate passes for this bundle.`
              : `${answer.acknowledged} acknowledged; ${answer.unacknowledgedFlips} flips still to acknowledge.`}
          </span>
        )}
      </div>
      <ErrorMessage message={acknowledge.error ? `Not acknowledged: ${errorMessage(acknowledge.error)}` : null} />
    </form>
  );
}
