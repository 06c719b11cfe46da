import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../app/studio-error';
import type { ViewId } from '../../app/views';
import { studio } from '../../client/studio-client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { environmentNamesQuery } from '../events/event-queries';
import { EnvironmentTail } from './EnvironmentTail';
import './tail.css';

interface Props {
  onNavigate(view: ViewId): void;
}

/** Every invocation of an environment's runtime as it finishes, filtered, with each one's trace. */
export function TailView({ onNavigate }: Props) {
  const environments = useQuery(environmentNamesQuery(studio));
  const [chosen, setChosen] = useState<string | null>(null);
  const names = environments.data ?? [];
  const environment =
    (chosen !== null && names.includes(chosen) ? chosen : null) ??
    (names.includes('staging') ? 'staging' : names[0]) ??
    null;
  return (
    <div className="tail-view" data-view-state={environments.data ? 'ready' : 'loading'}>
      <div className="view-header">
        <h2>Live tail</h2>
        <span className="muted">Every invocation of a runtime as it finishes.</span>
      </div>
      <ErrorMessage
        message={environments.error ? `The environments could not be read: ${errorMessage(environments.error)}` : null}
      />
      {environments.data && names.length === 0 && (
        <p className="empty-state">
          No environments yet.{' '}
          <button type="button" className="link-button" onClick={() => onNavigate('secrets')}>
            Add one on Secrets &amp; environments
          </button>
        </p>
      )}
      {environment !== null && (
        <>
          <label className="tail-environment-picker">
            Environment
            <select value={environment} onChange={(event) => setChosen(event.target.value)}>
              {names.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          {/* Keyed: another environment closes this tail and starts from nothing. */}
          <EnvironmentTail key={environment} environment={environment} onOpenSettings={() => onNavigate('secrets')} />
        </>
      )}
    </div>
  );
}
