import type { HookList } from '../../app/studio-data';
import { tailOutcomes, type TailFilterForm } from './tail-filter';

interface Props {
  hooks: HookList;
  form: TailFilterForm;
  onChange(form: TailFilterForm): void;
}

/** Which invocations the tail asks the runtime for: hooks, outcomes, one version, text. */
export function TailFilters({ hooks, form, onChange }: Props) {
  return (
    <div className="tail-filters">
      <label>
        Hooks
        <select
          multiple
          size={4}
          value={form.hooks}
          onChange={(event) =>
            onChange({ ...form, hooks: Array.from(event.target.selectedOptions, (option) => option.value) })
          }
        >
          {hooks.hooks.map((hook) => (
            <option key={hook.id} value={hook.id}>
              {hook.id}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="tail-outcomes">
        <legend>Outcomes</legend>
        {tailOutcomes.map((outcome) => (
          <label key={outcome} className="radio">
            <input
              type="checkbox"
              checked={form.outcomes.includes(outcome)}
              onChange={(event) =>
                onChange({
                  ...form,
                  outcomes: event.target.checked
                    ? [...form.outcomes, outcome]
                    : form.outcomes.filter((chosen) => chosen !== outcome),
                })
              }
            />
            {outcome}
          </label>
        ))}
      </fieldset>
      <label>
        Version
        <input
          inputMode="numeric"
          placeholder="any"
          value={form.version}
          onChange={(event) => onChange({ ...form, version: event.target.value })}
        />
      </label>
      <label>
        Text
        <input
          type="search"
          maxLength={200}
          placeholder="reason, error, script, trace id"
          value={form.text}
          onChange={(event) => onChange({ ...form, text: event.target.value })}
        />
      </label>
    </div>
  );
}
