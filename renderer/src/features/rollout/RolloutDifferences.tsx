import { useState } from 'react';
import { errorMessage } from '../../app/studio-error';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatUtc } from '../../components/format-time';
import { kindLabel } from '../impact/impact-text';
import { differenceOutcomeText, type RolloutDifference, type RolloutView } from './rollout-text';
import { RuntimeTrace } from './RuntimeTrace';
import { useRolloutDifferences } from './use-rollout';

interface Props {
  environment: string;
  rollout: RolloutView;
}

/** The events the two versions decided differently, newest first; one opens with both traces. */
export function RolloutDifferences({ environment, rollout }: Props) {
  const differences = useRolloutDifferences(environment, rollout);
  const [openId, setOpenId] = useState<string | null>(null);
  const rows = rollout.stats.differences.n > 0 ? (differences.data ?? []) : [];
  const open = rows.find((row) => row.id === openId) ?? null;
  return (
    <div className="rollout-differences">
      <ErrorMessage
        message={differences.error ? `The differences could not be loaded: ${errorMessage(differences.error)}` : null}
      />
      {rows.length > 0 && (
        <table className="publish-table rollout-differences-table" aria-label="Differences">
          <thead>
            <tr>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Hook</th>
              <th scope="col">Change</th>
              <th scope="col">Active</th>
              <th scope="col">Candidate</th>
              <th scope="col">
                <span className="visually-hidden">Traces</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} aria-current={row.id === openId ? 'true' : undefined}>
                <td>{formatUtc(row.at, true, false)}</td>
                <td>
                  <code>{row.hook}</code>
                </td>
                <td>{row.kinds.map(kindLabel).join(', ')}</td>
                <td>{differenceOutcomeText(row.active.outcome)}</td>
                <td>{differenceOutcomeText(row.candidate.outcome)}</td>
                <td>
                  <button
                    type="button"
                    aria-expanded={row.id === openId}
                    onClick={() => setOpenId(row.id === openId ? null : row.id)}
                  >
                    {row.id === openId ? 'Close' : 'Both traces'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && <DifferenceTraces environment={environment} difference={open} />}
    </div>
  );
}

function DifferenceTraces({ environment, difference }: { environment: string; difference: RolloutDifference }) {
  return (
    <section className="rollout-trace-pair" aria-label={`Both traces of ${difference.hook} at ${difference.at}`}>
      <RuntimeTrace
        environment={environment}
        traceId={difference.active.traceId}
        title={`Active v${difference.active.version}: ${differenceOutcomeText(difference.active.outcome)}`}
      />
      <RuntimeTrace
        environment={environment}
        traceId={difference.candidate.traceId}
        title={`Candidate v${difference.candidate.version}: ${differenceOutcomeText(difference.candidate.outcome)}`}
      />
    </section>
  );
}
