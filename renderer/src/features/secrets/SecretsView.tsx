import { useEffect, useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import { studio } from '../../client/studio-client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { AddEnvironmentForm } from './AddEnvironmentForm';
import { EnvironmentSettings } from './EnvironmentSettings';
import { SecretTable } from './SecretTable';

type Environment = ChannelOutput<'environments.list'>[number];

/** The runtimes this workspace publishes to, their tokens and the secrets of each. */
export function SecretsView() {
  const [environments, setEnvironments] = useState<Environment[] | null>(null);
  const [keychain, setKeychain] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Asked when the screen opens, so that a missing keychain is said before anything is typed. */
  const [keychainCheck, setKeychainCheck] = useState<ChannelOutput<'secrets.keychain'> | null>(null);

  useEffect(() => {
    let current = true;
    void Promise.all([studio.environments.list(), studio.workspace.info()]).then(([listed, info]) => {
      if (!current) return;
      if (listed.ok) setEnvironments(listed.value);
      if (info.ok) setKeychain(info.value.keychain);
      const failed = [listed, info].find((result) => !result.ok);
      setError(failed && !failed.ok ? failed.error.message : null);
    });
    void studio.secrets.keychain().then((checked) => {
      if (!current) return;
      if (checked.ok) setKeychainCheck(checked.value);
      else setError(checked.error.message);
    });
    return () => {
      current = false;
    };
  }, []);

  const current = environments?.find((env) => env.name === selected) ?? environments?.[0] ?? null;
  const replace = (next: Environment) =>
    setEnvironments((list) => list?.map((env) => (env.name === next.name ? next : env)) ?? [next]);

  return (
    <div className="secrets-view" data-view-state={environments ? 'ready' : 'loading'}>
      <div className="view-header">
        <h2>Secrets &amp; environments</h2>
        {keychain && <span className="muted">Values live in {keychain}; the studio never shows them.</span>}
      </div>
      <ErrorMessage message={error} />
      {keychainCheck && !keychainCheck.available && (
        <div role="alert" className="warning-message" data-keychain="unavailable">
          <p>
            <strong>No keychain to keep secret values in.</strong> {keychainCheck.store} does not answer, so values
            cannot be set until it does.
          </p>
          {keychainCheck.advice && <p>{keychainCheck.advice}</p>}
        </div>
      )}
      <div className="secrets-split">
        <nav aria-label="Environments" className="environment-list">
          {environments?.length === 0 && <p className="empty-state">No environments: add one below.</p>}
          <ul>
            {environments?.map((env) => (
              <li key={env.name}>
                <button
                  type="button"
                  aria-current={current?.name === env.name ? 'page' : undefined}
                  onClick={() => setSelected(env.name)}
                >
                  <strong>{env.name}</strong>
                  <span className="muted">{env.runtimeUrl ?? 'no runtime URL'}</span>
                </button>
              </li>
            ))}
          </ul>
          <AddEnvironmentForm
            onCreated={(env) => {
              setEnvironments((list) => [...(list ?? []), env]);
              setSelected(env.name);
            }}
          />
        </nav>
        {current && (
          <section className="environment-detail" aria-label={`Environment ${current.name}`}>
            <EnvironmentSettings key={current.name} environment={current} keychain={keychain} onChanged={replace} />
            <SecretTable
              key={`secrets-${current.name}`}
              environment={current.name}
              keychainReady={keychainCheck?.available ?? false}
            />
          </section>
        )}
      </div>
    </div>
  );
}
