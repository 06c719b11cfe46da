import { useId } from 'react';
import { needsTypedConfirmation, publishBlocker, type Preview } from './publish-text';

export interface PublishFormValues {
  message: string;
  confirm: string;
  pushSecrets: boolean;
}

interface Props {
  preview: Preview;
  values: PublishFormValues;
  busy: boolean;
  onChange(values: PublishFormValues): void;
  onPublish(): void;
}

/** The message, the keychain push for missing secrets, production's typed confirmation, Publish. */
export function PublishForm({ preview, values, busy, onChange, onPublish }: Props) {
  const blockerId = useId();
  const environment = preview.environment;
  const secretsGate = preview.gates.find((gate) => gate.id === 'secrets');
  const missing = secretsGate?.status === 'fail' ? (secretsGate.missing ?? []) : [];
  const blocker = publishBlocker(preview, values);
  return (
    <form
      className="form publish-form"
      aria-label={`Publish to ${environment}`}
      onSubmit={(event) => {
        event.preventDefault();
        if (!blocker && !busy) onPublish();
      }}
    >
      {missing.length > 0 && (
        <label className="radio">
          <input
            type="checkbox"
            checked={values.pushSecrets}
            onChange={(event) => onChange({ ...values, pushSecrets: event.target.checked })}
          />
          Push secret values from this machine’s keychain ({missing.join(', ')})
        </label>
      )}
      <label>
        Message
        <input
          required
          maxLength={500}
          placeholder="What changes, and why"
          value={values.message}
          onChange={(event) => onChange({ ...values, message: event.target.value })}
        />
      </label>
      {needsTypedConfirmation(environment) && (
        <label>
          Type {environment} to confirm
          <input
            autoComplete="off"
            spellCheck={false}
            value={values.confirm}
            onChange={(event) => onChange({ ...values, confirm: event.target.value })}
          />
        </label>
      )}
      <div className="publish-form-actions">
        <button
          type="submit"
          className="primary"
          disabled={blocker !== null || busy}
          aria-describedby={blocker ? blockerId : undefined}
        >
          {busy ? 'Publishing…' : `Publish to ${environment}`}
        </button>
        {blocker && (
          <span id={blockerId} className="muted">
            {blocker}
          </span>
        )}
      </div>
    </form>
  );
}
