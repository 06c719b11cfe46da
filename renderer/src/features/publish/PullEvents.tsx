import { useState } from 'react';
import { studio } from '../../client/studio-client';
import { ErrorNotice } from './ErrorNotice';
import { pullSummary } from './publish-text';

interface Props {
  environment: string;
  onOpenSettings(): void;
  onOpenEvents(): void;
}

type Pulled = { imported: number; duplicates: number; problems: { line: number; message: string }[] };

/** Imports the runtime's captured (redacted) events into the event library. */
export function PullEvents({ environment, onOpenSettings, onOpenEvents }: Props) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Pulled | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);

  const pull = async () => {
    setBusy(true);
    const answer = await studio.events.pull({ environment });
    setBusy(false);
    if (!answer.ok) {
      setResult(null);
      return setError(answer.error);
    }
    setError(null);
    setResult(answer.value);
  };

  return (
    <section className="publish-section publish-pull" aria-labelledby="publish-pull-title">
      <div className="publish-section-header">
        <h3 id="publish-pull-title">Captured events</h3>
        <button type="button" onClick={() => void pull()} disabled={busy}>
          {busy ? 'Pulling…' : 'Pull captured events'}
        </button>
      </div>
      <p className="muted">
        The runtime keeps a redacted sample of the events it ran; pulling imports them into the event library with{' '}
        {environment} as their source.
      </p>
      <ErrorNotice error={error} environment={environment} onOpenSettings={onOpenSettings} />
      <div role="status">
        {result && (
          <p className="publish-pull-result">
            {pullSummary(result)}.{' '}
            <button type="button" className="link-button" onClick={onOpenEvents}>
              Open the Events view
            </button>
          </p>
        )}
      </div>
      {result && result.problems.length > 0 && (
        <ul className="publish-problems" aria-label="Problems">
          {result.problems.slice(0, 20).map((problem) => (
            <li key={problem.line}>
              Line {problem.line}: {problem.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
