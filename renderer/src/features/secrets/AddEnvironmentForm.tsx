import { useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import { studio } from '../../client/studio-client';
import { ErrorMessage } from '../../components/ErrorMessage';

type Environment = ChannelOutput<'environments.create'>;

export function AddEnvironmentForm({ onCreated }: { onCreated(env: Environment): void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const result = await studio.environments.create({ name: name.trim() });
    if (!result.ok) return setError(result.error.message);
    setName('');
    setError(null);
    onCreated(result.value);
  };
  return (
    <form className="inline-form" aria-label="Add an environment" onSubmit={(event) => void submit(event)}>
      <input
        aria-label="New environment name"
        placeholder="e.g. qa"
        required
        pattern="[a-z][a-z0-9\-]{0,31}"
        title="Lowercase letters, digits and -, starting with a letter"
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <button type="submit">Add environment</button>
      <ErrorMessage message={error} />
    </form>
  );
}
