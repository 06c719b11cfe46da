import { useId, useState } from 'react';
import { errorCode, errorMessage } from '../../app/studio-error';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatUtc } from '../../components/format-time';
import { outcomeText } from '../scripts/run-outcome';
import { TagEditor } from './TagEditor';
import { parseRecord, recordOf, type StoredEvent } from './event-record';
import { useDeleteEvents, useSaveEvent, useSetPinned, useSetTags, useStoredEvent } from './use-events';

export type DetailTarget = { kind: 'edit'; id: string } | { kind: 'create'; record: Record<string, unknown> };

interface Props {
  target: DetailTarget;
  /** A message to show first (e.g. "Created evt_1." once a new event became an edited one). */
  notice?: string;
  /** A new event was saved: the view opens it as an edited one. */
  onCreated(id: string): void;
  onDeleted(id: string): void;
  onClose(): void;
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** One recorded event as JSON, saved through events.save (validated against its hook's schema). */
export function EventDetail({ target, notice = '', onCreated, onDeleted, onClose }: Props) {
  const creating = target.kind === 'create';
  const editId = target.kind === 'edit' ? target.id : null;
  const loaded = useStoredEvent(editId);
  const stored: StoredEvent | null = loaded.data ?? null;
  const [text, setText] = useState(creating ? pretty(target.record) : '');
  // The stored version the text was taken from: a newer one (saved, pinned from the list) replaces it.
  const [shown, setShown] = useState<StoredEvent | null>(null);
  if (stored && stored !== shown) {
    setShown(stored);
    setText(pretty(recordOf(stored)));
  }
  const [saveError, setSaveError] = useState<{ code: string; message: string } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [status, setStatus] = useState(notice);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const editorId = useId();
  const saveEvent = useSaveEvent();
  const pin = useSetPinned();
  const tag = useSetTags();
  const deleteEvents = useDeleteEvents();
  const saving = saveEvent.isPending;

  const dirty = creating || (stored !== null && text !== pretty(recordOf(stored)));
  const failed = (error: unknown) => {
    setActionError(errorMessage(error));
    return false;
  };

  const save = async () => {
    const parsed = parseRecord(text);
    if (!parsed.ok) return setSaveError({ code: 'INVALID_JSON', message: parsed.message });
    try {
      const saved = await saveEvent.mutateAsync({ record: parsed.record, create: creating });
      setSaveError(null);
      setStatus(creating ? `Created ${saved.id}.` : `Saved ${saved.id}.`);
      if (creating) onCreated(saved.id);
    } catch (error) {
      // The text stays as typed, so the fix is one edit away.
      setSaveError({ code: errorCode(error) ?? 'INTERNAL', message: errorMessage(error) ?? '' });
    }
  };

  const setPinned = async (pinned: boolean) => {
    if (!stored) return;
    const id = stored.id;
    await pin.mutateAsync({ ids: [id], pinned }).then(() => {
      setActionError(null);
      setStatus(pinned ? `Pinned ${id} to the regression suite.` : `Unpinned ${id}.`);
    }, failed);
  };

  const setTags = async (tags: string[]) => {
    if (!stored) return false;
    return tag.mutateAsync({ id: stored.id, tags }).then(() => {
      setActionError(null);
      return true;
    }, failed);
  };

  const remove = async () => {
    setConfirmDelete(false);
    if (!stored) return;
    const id = stored.id;
    await deleteEvents.mutateAsync([id]).then(() => onDeleted(id), failed);
  };

  const title = creating ? 'New event' : (editId ?? '');
  return (
    <section className="event-detail" aria-label={creating ? 'New event' : `Event ${title}`}>
      <header className="event-detail-header">
        <h3>{creating ? 'New event' : <code>{title}</code>}</h3>
        <button type="button" className="icon-button" aria-label="Close the event" onClick={onClose}>
          ×
        </button>
      </header>
      <ErrorMessage message={errorMessage(loaded.error)} />
      {stored && !creating && (
        <>
          <p className="muted event-detail-meta">
            {stored.hook} · imported {formatUtc(stored.importedAt)}
            <br />
            Recorded outcome: {outcomeText(stored.outcome)}
          </p>
          <div className="event-detail-actions">
            <button
              type="button"
              className={stored.pinned ? 'event-pinned' : undefined}
              onClick={() => void setPinned(!stored.pinned)}
            >
              {stored.pinned ? 'Unpin' : 'Pin'}
            </button>
            <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
              Delete…
            </button>
          </div>
          <TagEditor tags={stored.tags} onChange={setTags} />
          <ErrorMessage message={actionError} onDismiss={() => setActionError(null)} />
        </>
      )}
      {(creating || stored) && (
        <form
          className="event-form"
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <label htmlFor={editorId}>Recorded event (JSON)</label>
          <textarea
            id={editorId}
            className="event-editor"
            spellCheck={false}
            rows={14}
            value={text}
            aria-invalid={saveError ? true : undefined}
            aria-describedby={saveError ? `${editorId}-error` : `${editorId}-hint`}
            aria-keyshortcuts="Control+S"
            onChange={(event) => {
              setText(event.target.value);
              setStatus('');
            }}
            onKeyDown={(event) => {
              if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
                event.preventDefault();
                void save();
              }
            }}
          />
          {saveError ? (
            <div id={`${editorId}-error`} role="alert" className="error-message event-save-error">
              <span>
                <strong>{saveError.code === 'INVALID_EVENT' ? 'Not a valid event' : 'Not saved'}:</strong>{' '}
                <span className="event-save-message">{saveError.message}</span>
              </span>
            </div>
          ) : (
            <p id={`${editorId}-hint`} className="muted event-hint">
              {'{ id, hook, at?, source?, event, outcome? }'} — checked against the hook’s payload schema on save.
            </p>
          )}
          <div className="event-form-actions">
            <button type="submit" className="primary" disabled={saving || !dirty}>
              {saving ? 'Saving…' : creating ? 'Create event' : 'Save event'}
            </button>
            {creating ? (
              <button type="button" onClick={onClose}>
                Cancel
              </button>
            ) : (
              <button
                type="button"
                disabled={!dirty || !stored}
                onClick={() => {
                  if (stored) setText(pretty(recordOf(stored)));
                  setSaveError(null);
                }}
              >
                Revert
              </button>
            )}
            <span className="save-status" role="status">
              {status}
            </span>
          </div>
        </form>
      )}
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete ${stored?.id ?? 'the event'}?`}
        message="The event leaves the library (and the pinned suite). Past replay results keep their copy."
        confirmLabel="Delete"
        onConfirm={() => void remove()}
        onCancel={() => setConfirmDelete(false)}
      />
    </section>
  );
}
