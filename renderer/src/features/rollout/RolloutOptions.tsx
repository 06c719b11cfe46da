import { useId } from 'react';
import type { RolloutField, RolloutFormValues } from './rollout-text';

interface Props {
  values: RolloutFormValues;
  problems: Partial<Record<RolloutField, string>>;
  onChange(values: RolloutFormValues): void;
}

/** The rollout's mode, share, sticky key and guard, each with what it does and its problem inline. */
export function RolloutOptions({ values, problems, onChange }: Props) {
  const id = useId();
  const set = <K extends keyof RolloutFormValues>(key: K, value: RolloutFormValues[K]) =>
    onChange({ ...values, [key]: value });
  const field = (key: RolloutField, label: string, help: string, placeholder?: string) => {
    const helpId = `${id}-${key}-help`;
    const problemId = `${id}-${key}-problem`;
    const problem = problems[key];
    return (
      <label>
        {label}
        <input
          inputMode="decimal"
          autoComplete="off"
          value={values[key]}
          placeholder={placeholder}
          aria-invalid={problem !== undefined}
          aria-describedby={problem ? `${problemId} ${helpId}` : helpId}
          onChange={(event) => set(key, event.target.value)}
        />
        {problem && (
          <span id={problemId} className="field-problem">
            {problem}
          </span>
        )}
        <span id={helpId} className="field-help">
          {help}
        </span>
      </label>
    );
  };
  return (
    <fieldset className="rollout-options" aria-label="Rollout">
      <legend>Rollout</legend>
      <label>
        Mode
        <select
          value={values.mode}
          aria-describedby={`${id}-mode-help`}
          onChange={(event) => set('mode', event.target.value === 'shadow' ? 'shadow' : 'canary')}
        >
          <option value="canary">Canary: a share of users</option>
          <option value="shadow">Shadow: runs beside, never answers</option>
        </select>
        <span id={`${id}-mode-help`} className="field-help">
          {values.mode === 'canary'
            ? 'The new version answers for a share of users; everyone else keeps the active one.'
            : 'The active version answers everyone; the new one also runs on a share of invocations, and only the differences are kept.'}
        </span>
      </label>
      {field(
        'percent',
        'Share (%)',
        values.mode === 'canary'
          ? 'How many users in a hundred the new version decides for.'
          : 'How many invocations in a hundred the new version also runs on.',
      )}
      {values.mode === 'canary' && (
        <label>
          Sticky by
          <select
            value={values.stickyBy}
            aria-describedby={`${id}-sticky-help`}
            onChange={(event) => set('stickyBy', stickyKey(event.target.value))}
          >
            <option value="user.id">user.id</option>
            <option value="user.email">user.email</option>
            <option value="request.ip">request.ip</option>
          </select>
          <span id={`${id}-sticky-help`} className="field-help">
            One user keeps the same version for as long as the rollout runs, by this key.
          </span>
        </label>
      )}
      {field(
        'maxErrorRate',
        'Max error rate (%)',
        'Above this share of errors and timeouts, it rolls back on its own.',
      )}
      {field(
        'maxP99Ms',
        'Max p99 (ms)',
        'Above this 99th percentile it rolls back; empty: the hook’s deadline.',
        'hook deadline',
      )}
      {field('minSamples', 'Min samples', 'The guard judges only once the new version has run this many times.')}
    </fieldset>
  );
}

function stickyKey(value: string): RolloutFormValues['stickyBy'] {
  return value === 'user.email' || value === 'request.ip' ? value : 'user.id';
}
