import { useState } from 'react';
import { studio } from '../../client/studio-client';
import { ErrorMessage } from '../../components/ErrorMessage';

interface Props {
  environment: string;
  /** Replacing a known secret; absent when adding one. */
  name?: string;
  /** No keychain to store the value in (the Secrets screen says what to install or unlock). */
  disabled?: boolean;
  onDone(): void;
}

/** Sets a secret value: a masked field, cleared once the keychain has it. */
export function SecretForm({ environment, name, disabled = false, onDone }: Props) {
  const [newName, setNewName] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const target = name ?? newName.trim();
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const result = await studio.secrets.set({ environment, name: target, value });
    setValue('');
    if (!result.ok) return setError(result.error.message);
    setNewName('');
    setError(null);
    onDone();
  };
  return (
    <form
      className="inline-form"
      aria-label={name ? `Replace ${name}` : 'Add a secret'}
      onSubmit={(event) => void submit(event)}
    >
      {!name && (
        <input
          aria-label="Secret name"
          placeholder="API_KEY"
          required
          pattern="[A-Z][A-Z0-9_]{0,63}"
          title="Uppercase letters, digits and _, starting with a letter"
          value={newName}
          onChange={(event) => setNewName(event.target.value.toUpperCase())}
        />
      )}
      <input
        type="password"
        autoComplete="off"
        required
        aria-label={name ? `New value of ${name}` : 'Secret value'}
        placeholder="value"
        value={value}
        onChange={(event) => setValue(event.target.value)}
      />
      <button type="submit" className="primary" disabled={disabled}>
        {name ? 'Save' : 'Set secret'}
      </button>
      <ErrorMessage message={error} />
    </form>
  );
}
