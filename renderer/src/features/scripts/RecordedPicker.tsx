import type { HookId } from '@shared/hooks/definitions';
import { recordedLabel, type RecordedEvent } from './run-outcome';

interface Props {
  /** The hooks whose recorded events are offered (the attached ones and the run hook). */
  recordedHooks: HookId[];
  /** null while loading. */
  recordedEvents: RecordedEvent[] | null;
  recordedError: string | null;
  /** The recorded event in the event box, '' for the sample or hand-edited JSON. */
  recordedId: string;
  onPickRecorded(id: string): void;
}

/** The recorded events a run may use, grouped by hook when there are several. */
export function RecordedPicker(props: Props) {
  const hooks = props.recordedHooks;
  if (props.recordedError) return <p className="error-message">{props.recordedError}</p>;
  if (props.recordedEvents === null) return <p className="muted">Loading recorded events…</p>;
  if (props.recordedEvents.length === 0)
    return (
      <p className="muted recorded-empty">
        No recorded events for {hooks.join(' or ')} yet — import some with{' '}
        <code>pipeline-studio events import &lt;file&gt;</code>
      </p>
    );
  const options = (events: RecordedEvent[]) =>
    events.map((event) => (
      <option key={event.id} value={event.id}>
        {recordedLabel(event)}
      </option>
    ));
  const events = props.recordedEvents;
  return (
    <label className="recorded-label">
      Recorded event
      <select value={props.recordedId} onChange={(event) => props.onPickRecorded(event.target.value)}>
        <option value="">None (the sample or the JSON below)</option>
        {hooks.length > 1
          ? hooks.map((hook) => {
              const ofHook = events.filter((event) => event.hook === hook);
              return ofHook.length === 0 ? null : (
                <optgroup key={hook} label={hook}>
                  {options(ofHook)}
                </optgroup>
              );
            })
          : options(events)}
      </select>
    </label>
  );
}
