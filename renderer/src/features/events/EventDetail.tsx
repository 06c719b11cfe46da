import { useEffect, useId, useState } from 'react';
import { studio } from '../../client/studio-client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatUtc } from '../../components/format-time';
import { outcomeText } from '../scripts/RunPanel';
import { TagEditor } from './TagEditor';
import { parseRecord, recordOf, type StoredEvent } from './event-record';

export type DetailTarget = { kind: 'edit'; id: string } | { kind: 'create'; record: Record<string, unknown> };

interface Props {
  target: DetailTarget;
  /** Bumped when the list changed the event (pinned from the list, say): it is loaded again. */
  version: number;
  /** A message to show first (e.g. "Created evt_1." once a new event became an edited one). */
  notice?: string;
  onChanged(event: StoredEvent, created: boolean): void;
  onDeleted(id: string): void;
  onClose(): void;
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** One recorded event as JSON, saved through events.save (validated against its hook's schema). */
export function EventDetail({ target, version, notice = '', onChanged, onDeleted, onClose }: Props) {
  const creating = target.kind === 'create';
  const [stored, setStored] = useState<StoredEvent | null>(null);
  const [text, setText] = useState(creating ? pretty(target.record) : '');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<{ code: string; message: string } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [status, setStatus] = useState(notice);
  const [saving, setSaving] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const editorId = useId();
  const editId = target.kind === 'edit' ? target.id : null;

  useEffect(() => {
    if (editId === null) return;
    let current = true;
    void studio.events.get({ id: editId }).then((result) => {
      if (!current) return;
      if (result.ok) {
        setStored(result.value);
        setText(pretty(recordOf(result.value)));
        setLoadError(null);
      } else setLoadError(result.error.message);
    });
    return () => {
      current = false;
    };
  }, [editId, version]);

  const dirty = creating || (stored !== null && text !== pretty(recordOf(stored)));

  const save = async () => {
    const parsed = parseRecord(text);
    if (!parsed.ok) return setSaveError({ code: 'INVALID_JSON', message: parsed.message });
    setSaving(true);
    const result = await studio.events.save({ record: parsed.record, create: creating });
    setSaving(false);
    // On failure the text stays as typed, so the fix is one edit away.
    if (!result.ok) return setSaveError(result.error);
    setSaveError(null);
    setStored(result.value);
    setText(pretty(recordOf(result.value)));
    setStatus(creating ? `Created ${result.value.id}.` : `Saved ${result.value.id}.`);
    onChanged(result.value, creating);
  };

  const setPinned = async (pinned: boolean) => {
    if (!stored) return;
    const result = await studio.events.setPinned({ ids: [stored.id], pinned });
    if (!result.ok) return setActionError(result.error.message);
    const next = { ...stored, pinned };
    setStored(next);
    setActionError(null);
    setStatus(pinned ? `Pinned ${stored.id} to the regression suite.` : `Unpinned ${stored.id}.`);
    onChanged(next, false);
  };

  const setTags = async (tags: string[]) => {
    if (!stored) return false;
    const result = await studio.events.setTags({ id: stored.id, tags });
    if (!result.ok) {
      setActionError(result.error.message);
      return false;
    }
    setStored(result.value);
    setActionError(null);
    onChanged(result.value, false);
    return true;
  };

  const remove = async () => {
    setConfirmDelete(false);
    if (!stored) return;
    const result = await studio.events.delete({ ids: [stored.id] });
    if (!result.ok) return setActionError(result.error.message);
    onDeleted(stored.id);
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
      <ErrorMessage message={loadError} />
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
