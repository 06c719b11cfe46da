import { useState } from 'react';
import type { HookId } from '@shared/hooks/definitions';
import { useStudioData } from '../../app/studio-data';
import { studio } from '../../client/studio-client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { newEventId, newRecord } from './event-record';

interface Props {
  open: boolean;
  /** The hook chosen first (the list's hook filter, if any). */
  defaultHook: string;
  onClose(): void;
  /** A draft recorded event, prefilled from the hook's sample, to edit and create. */
  onDraft(record: Record<string, unknown>): void;
}

/** "New event": pick a hook; the editor opens on its sample payload with a fresh id. */
export function NewEventDialog({ open, defaultHook, onClose, onDraft }: Props) {
  const { hooks } = useStudioData();
  const [hook, setHook] = useState<string>('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = hook || defaultHook || hooks.hooks[0]?.id || 'signup.before';

  const start = async () => {
    setBusy(true);
    const schema = await studio.hooks.schema({ hook: chosen as HookId });
    setBusy(false);
    if (!schema.ok) return setError(schema.error.message);
    setError(null);
    setHook('');
    onDraft(newRecord(chosen, schema.value.sample, newEventId(), new Date()));
  };

  return (
    <Dialog title="New event" open={open} onClose={onClose}>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          void start();
        }}
      >
        <label>
          Hook
          <select value={chosen} onChange={(event) => setHook(event.target.value)} autoFocus>
            {hooks.groups.map((group) => (
              <optgroup key={group.id} label={group.label}>
                {hooks.hooks
                  .filter((h) => h.group === group.id)
                  .map((h) => (
                    <option key={h.id} value={h.id}>
                      {h.id} — {h.label}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </label>
        <p className="muted">The editor opens on the hook’s sample payload with a new id; edit it, then create it.</p>
        <ErrorMessage message={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Start from the sample
          </button>
        </div>
      </form>
    </Dialog>
  );
}
