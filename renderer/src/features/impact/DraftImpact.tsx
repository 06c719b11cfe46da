import { useState } from 'react';
import { errorMessage } from '../../app/studio-error';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ImpactResult } from './ImpactResult';
import { defaultPeriodHours, impactPeriods } from './impact-text';
import { useEnvironmentNames, useStartImpact } from './use-impact';
import './impact.css';

interface Props {
  scriptId: string;
  /** The editor's draft as it is now (what the impact runs when started). */
  source: string;
  onClose(): void;
}

/**
 * "Impact of my draft": an environment's captured traffic through its runtime's active bundle and
 * through the workspace's pipeline with this script's draft in place of its saved source.
 */
export function DraftImpact({ scriptId, source, onClose }: Props) {
  const environments = useEnvironmentNames();
  const names = environments.data ?? [];
  const [picked, setPicked] = useState<string | null>(null);
  const environment = picked ?? (names.includes('staging') ? 'staging' : (names[0] ?? ''));
  const [hours, setHours] = useState<number>(defaultPeriodHours);
  const start = useStartImpact();
  const impactId = start.data?.impactId ?? null;
  const ranOn = start.variables?.environment ?? environment;

  return (
    <section className="draft-impact" aria-label={`Impact of the draft of ${scriptId}`}>
      <div className="diff-header">
        <h4>
          Impact of the draft of <code>{scriptId}</code>
        </h4>
        <button type="button" onClick={onClose}>
          Back to the editor
        </button>
      </div>
      <form
        className="impact-start"
        aria-label="Run the draft's impact"
        onSubmit={(event) => {
          event.preventDefault();
          if (!environment) return;
          start.mutate({ environment, sinceHours: hours, candidate: { kind: 'draft', scriptId, source } });
        }}
      >
        <label>
          Environment
          <select value={environment} onChange={(event) => setPicked(event.target.value)}>
            {names.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Captured events of
          <select value={hours} onChange={(event) => setHours(Number(event.target.value))}>
            {impactPeriods.map((period) => (
              <option key={period.hours} value={period.hours}>
                {period.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={!environment || start.isPending}>
          {start.isPending ? 'Starting…' : 'Run the impact'}
        </button>
      </form>
      <ErrorMessage message={errorMessage(environments.error)} />
      <ErrorMessage message={start.error ? `The impact could not start: ${errorMessage(start.error)}` : null} />
      {impactId && <ImpactResult key={impactId} impactId={impactId} environment={ranOn} />}
    </section>
  );
}
