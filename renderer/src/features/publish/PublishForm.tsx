import { useId } from 'react';
import { RolloutOptions } from '../rollout/RolloutOptions';
import { toRolloutRequest, type RolloutFormValues } from '../rollout/rollout-text';
import { needsTypedConfirmation, publishBlocker, type Preview } from './publish-text';

export interface PublishFormValues {
  message: string;
  confirm: string;
  pushSecrets: boolean;
  /** Publish at once, or start a rollout (docs/publish.md, "Rollouts") with `rollout`'s settings. */
  action: 'publish' | 'rollout';
  rollout: RolloutFormValues;
}

interface Props {
  preview: Preview;
  values: PublishFormValues;
  busy: boolean;
  onChange(values: PublishFormValues): void;
  onPublish(): void;
}

/**
 * Publish or start a rollout, the message, the keychain push for missing secrets, production's typed
 * confirmation, and the button that does it (disabled with the reason while something is missing).
 */
export function PublishForm({ preview, values, busy, onChange, onPublish }: Props) {
  const blockerId = useId();
  const environment = preview.environment;
  const secretsGate = preview.gates.find((gate) => gate.id === 'secrets');
  // Only the names this machine's keychain has a value for can be pushed.
  const unpushable = new Set(secretsGate?.missingLocally ?? []);
  const missing = secretsGate?.status === 'fail' ? (secretsGate.missing ?? []).filter((n) => !unpushable.has(n)) : [];
  const rolloutChecked = values.action === 'rollout' ? toRolloutRequest(values.rollout) : null;
  const rolloutProblems = rolloutChecked && 'problems' in rolloutChecked ? rolloutChecked.problems : {};
  const blocker =
    publishBlocker(preview, values) ??
    (Object.keys(rolloutProblems).length > 0 ? 'Correct the rollout’s settings.' : null);
  const rollingOut = values.action === 'rollout';
  return (
    <form
      className="form publish-form"
      aria-label={`Publish to ${environment}`}
      data-action={values.action}
      onSubmit={(event) => {
        event.preventDefault();
        if (!blocker && !busy) onPublish();
      }}
    >
      <fieldset className="publish-action" aria-label="How to publish">
        <label className="radio">
          <input
            type="radio"
            name={`${blockerId}-action`}
            checked={!rollingOut}
            onChange={() => onChange({ ...values, action: 'publish' })}
          />
          Publish
          <span className="muted">every invocation gets the new version at once.</span>
        </label>
        <label className="radio">
          <input
            type="radio"
            name={`${blockerId}-action`}
            checked={rollingOut}
            onChange={() => onChange({ ...values, action: 'rollout' })}
          />
          Start rollout…
          <span className="muted">the new version takes a share first, and rolls back on its own past its limits.</span>
        </label>
      </fieldset>
      {rollingOut && (
        <RolloutOptions
          values={values.rollout}
          problems={rolloutProblems}
          onChange={(rollout) => onChange({ ...values, rollout })}
        />
      )}
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
          {busy
            ? rollingOut
              ? 'Starting…'
              : 'Publishing…'
            : rollingOut
              ? `Start rollout on ${environment}`
              : `Publish to ${environment}`}
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
