import { useEffect, useRef, useState } from 'react';
import { useStudioData } from '../../app/studio-data';
import { isFiltered, type TraceFilterForm } from './trace-filter';

interface Props {
  value: TraceFilterForm;
  onChange(next: TraceFilterForm): void;
  problem: string | null;
}

const textDelayMs = 300;

/** Hook, status, time range and text in logs; the text is applied once typing pauses. */
export function TraceFilters({ value, onChange, problem }: Props) {
  const { hooks } = useStudioData();
  const [text, setText] = useState(value.text);
  // A filter cleared from outside (the empty list's "Clear filters") also clears the box.
  const [appliedText, setAppliedText] = useState(value.text);
  if (value.text !== appliedText) {
    setAppliedText(value.text);
    setText(value.text);
  }
  const latest = useRef({ value, onChange });
  useEffect(() => {
    latest.current = { value, onChange };
  });

  useEffect(() => {
    if (text === latest.current.value.text) return;
    const timer = setTimeout(() => latest.current.onChange({ ...latest.current.value, text }), textDelayMs);
    return () => clearTimeout(timer);
  }, [text]);

  const set = (patch: Partial<TraceFilterForm>) => onChange({ ...value, ...patch });
  return (
    <form className="trace-filters" aria-label="Filter traces" onSubmit={(event) => event.preventDefault()}>
      <label>
        Hook
        <select value={value.hook} onChange={(event) => set({ hook: event.target.value })}>
          <option value="">All hooks</option>
          {hooks.hooks.map((hook) => (
            <option key={hook.id} value={hook.id}>
              {hook.id}
            </option>
          ))}
        </select>
      </label>
      <label>
        Status
        <select
          value={value.status}
          onChange={(event) => set({ status: event.target.value as TraceFilterForm['status'] })}
        >
          <option value="">Any status</option>
          <option value="ok">ok</option>
          <option value="denied">denied</option>
          <option value="error">error</option>
        </select>
      </label>
      <label>
        From
        <input
          type="datetime-local"
          step="1"
          value={value.from}
          aria-invalid={problem?.includes('From') ? true : undefined}
          onChange={(event) => set({ from: event.target.value })}
        />
      </label>
      <label>
        To
        <input
          type="datetime-local"
          step="1"
          value={value.to}
          aria-invalid={problem?.includes('To') ? true : undefined}
          onChange={(event) => set({ to: event.target.value })}
        />
      </label>
      <label className="trace-filter-text">
        Text in logs
        <input
          type="search"
          value={text}
          maxLength={200}
          placeholder="Log lines, errors, deny reasons"
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            // Enter applies at once instead of waiting for the pause.
            if (event.key === 'Enter') onChange({ ...value, text });
          }}
        />
      </label>
      {isFiltered(value) && (
        <button
          type="button"
          onClick={() => {
            setText('');
            onChange({ hook: '', status: '', from: '', to: '', text: '' });
          }}
        >
          Clear filters
        </button>
      )}
    </form>
  );
}
