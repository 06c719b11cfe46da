import { useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import { studio } from '../../client/studio-client';
import { ErrorMessage } from '../../components/ErrorMessage';

type Environment = ChannelOutput<'environments.list'>[number];

interface Props {
  environment: Environment;
  keychain: string | null;
  onChanged(env: Environment): void;
}

/** The runtime URL and the runtime token (write-only: it goes to the keychain, never back). */
export function EnvironmentSettings({ environment, keychain, onChanged }: Props) {
  const [url, setUrl] = useState(environment.runtimeUrl ?? '');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');

  const saveUrl = async (event: React.FormEvent) => {
    event.preventDefault();
    const result = await studio.environments.update({ name: environment.name, runtimeUrl: url.trim() || null });
    if (!result.ok) return setError(result.error.message);
    setError(null);
    setStatus('Runtime URL saved.');
    onChanged(result.value);
  };
  const saveToken = async (event: React.FormEvent) => {
    event.preventDefault();
    const result = await studio.environments.setToken({ name: environment.name, token });
    setToken('');
    if (!result.ok) return setError(result.error.message);
    setError(null);
    setStatus('Token stored.');
    onChanged(result.value);
  };

  return (
    <div className="environment-settings">
      <h3>{environment.name}</h3>
      <form className="inline-form" onSubmit={(event) => void saveUrl(event)}>
        <label>
          Runtime URL
          <input
            type="url"
            placeholder="https://hooks.example.com"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
          />
        </label>
        <button type="submit">Save URL</button>
      </form>
      <form className="inline-form" onSubmit={(event) => void saveToken(event)}>
        <label>
          Runtime token
          <input
            type="password"
            autoComplete="off"
            required
            placeholder={environment.hasToken ? 'Replace the stored token' : 'Paste the token'}
            value={token}
            onChange={(event) => setToken(event.target.value)}
          />
        </label>
        <button type="submit">{environment.hasToken ? 'Replace token' : 'Set token'}</button>
      </form>
      <p className="muted" data-testid="token-state">
        {environment.hasToken
          ? `Token stored in ${keychain ?? 'the OS keychain'}.`
          : 'No token stored yet: publishing needs one.'}
        {environment.lastPublishedHash ? ` Last published: ${environment.lastPublishedHash.slice(0, 10)}.` : ''}
      </p>
      <ErrorMessage message={error} />
      <p role="status" className="save-status">
        {status}
      </p>
    </div>
  );
}
