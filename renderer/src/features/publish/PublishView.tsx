import { useCallback, useEffect, useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import type { ViewId } from '../../app/views';
import { studio } from '../../client/studio-client';
import { useStudioData } from '../../app/studio-data';
import { ErrorMessage } from '../../components/ErrorMessage';
import { EnvironmentPublish } from './EnvironmentPublish';
import { shortHash } from './publish-text';
import './publish.css';

type Environment = ChannelOutput<'environments.list'>[number];

interface Props {
  onNavigate(view: ViewId): void;
}

/** Publish the workspace's pipeline to an environment's runtime, see its history, roll back, pull events. */
export function PublishView({ onNavigate }: Props) {
  const { openRun } = useStudioData();
  const [environments, setEnvironments] = useState<Environment[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const listed = await studio.environments.list();
    if (!listed.ok) return setError(listed.error.message);
    setError(null);
    setEnvironments(listed.value);
  }, []);

  useEffect(() => {
    let current = true;
    void studio.environments.list().then((listed) => {
      if (!current) return;
      if (!listed.ok) return setError(listed.error.message);
      setEnvironments(listed.value);
    });
    return () => {
      current = false;
    };
  }, []);

  const current =
    environments?.find((env) => env.name === selected) ??
    environments?.find((env) => env.name === 'staging') ??
    environments?.[0] ??
    null;

  return (
    <div className="publish-view" data-view-state={environments ? 'ready' : 'loading'}>
      <div className="view-header">
        <h2>Publish</h2>
        <span className="muted">Send this workspace’s pipeline to a runtime, through its gates.</span>
      </div>
      <ErrorMessage message={error} />
      {environments?.length === 0 && (
        <p className="empty-state">
          No environments yet.{' '}
          <button type="button" className="link-button" onClick={() => onNavigate('secrets')}>
            Add one on Secrets &amp; environments
          </button>
        </p>
      )}
      {environments && environments.length > 0 && (
        <fieldset className="publish-environments">
          <legend>Environment</legend>
          {environments.map((env) => (
            <label key={env.name} className="radio publish-environment-option">
              <input
                type="radio"
                name="publish-environment"
                value={env.name}
                checked={current?.name === env.name}
                onChange={() => setSelected(env.name)}
              />
              <span className="publish-environment-name">{env.name}</span>
              <span className="muted">
                {env.runtimeUrl ?? 'no runtime URL'} · {env.hasToken ? 'token set' : 'no token'}
                {env.lastPublishedHash ? ` · last published ${shortHash(env.lastPublishedHash)}` : ''}
              </span>
            </label>
          ))}
          <button type="button" className="link-button" onClick={() => onNavigate('secrets')}>
            Runtime URLs and tokens: Secrets &amp; environments
          </button>
        </fieldset>
      )}
      {current && (
        <EnvironmentPublish
          key={current.name}
          environment={current}
          onOpenSettings={() => onNavigate('secrets')}
          onOpenEvents={() => onNavigate('events')}
          onOpenRun={openRun}
          onPublished={() => void load()}
        />
      )}
    </div>
  );
}
