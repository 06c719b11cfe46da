import { useRef, type KeyboardEvent } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { EventDetail } from './EventDetail';
import { EventFilters } from './EventFilters';
import { eventImports } from './event-imports';
import { EventList } from './EventList';
import { EventToolbar } from './EventToolbar';
import { ImportReport } from './ImportReport';
import { NewEventDialog } from './NewEventDialog';
import { noSelection, selectAllMatching } from './selection';
import { useEventsScreen } from './use-events-screen';
import './events.css';

const acceptedFiles = '.ndjson,.jsonl,.json,.txt,application/json,application/x-ndjson';
const n = (count: number) => count.toLocaleString('en-US');

/** The event library: import, filter, view and edit, pin, and replay. */
export function EventsView() {
  const screen = useEventsScreen();
  const { form, filter, problems, list, facets, view, selected, total, actions } = screen;
  const { selection, detail } = view;
  const fileInput = useRef<HTMLInputElement>(null);

  const onListKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if ((event.target as HTMLElement).getAttribute('role') !== 'grid') return;
    if (event.key === ' ' && view.active >= 0) {
      event.preventDefault();
      const row = list.rows[view.active];
      if (row) actions.toggleRow(view.active, row.id, event.shiftKey);
    } else if (event.key.toLowerCase() === 'a' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      actions.select(selectAllMatching());
    } else if (event.key === 'Escape' && selected > 0) {
      actions.select(noSelection);
    }
  };

  const libraryEmpty = facets?.total === 0 && list.total === 0;
  return (
    <div className="events-view" data-view-state={list.total === null ? 'loading' : 'ready'}>
      <div className="view-header">
        <h2>Events</h2>
        {facets && (
          <span className="muted">
            {n(facets.total)} in the library · {n(facets.pinned)} pinned
          </span>
        )}
        <div className="view-header-actions">
          <input
            ref={fileInput}
            type="file"
            hidden
            multiple
            accept={acceptedFiles}
            aria-label="Event files to import"
            onChange={(event) => {
              const files = [...(event.target.files ?? [])];
              event.target.value = ''; // The same file can be picked again after a fix.
              void eventImports.importFiles(files);
            }}
          />
          <button type="button" onClick={() => fileInput.current?.click()} disabled={screen.importing}>
            {screen.importing ? 'Importing…' : 'Import events…'}
          </button>
          <button type="button" onClick={() => actions.setCreating(true)}>
            New event
          </button>
        </div>
      </div>
      <ImportReport />
      <EventFilters form={form} facets={facets} problems={problems} onChange={actions.setForm} />
      <EventToolbar
        selected={selected}
        pinned={facets?.pinned ?? 0}
        matching={total}
        busy={screen.busy}
        environments={screen.environments}
        environment={screen.environment}
        onEnvironmentChange={actions.setEnvironment}
        onReplaySelected={() => void actions.replaySelected()}
        onReplayPinned={() => void actions.replayPinned()}
        onReplayMatching={() => void actions.replayMatching()}
        onPinSelected={(pinned) => void actions.pinSelected(pinned)}
        onDeleteSelected={() => actions.askDelete(true)}
        onClearSelection={() => actions.select(noSelection)}
      />
      <ErrorMessage message={view.error} onDismiss={actions.dismissError} />
      <ErrorMessage message={list.error ?? screen.facetsError} />
      <div className={`events-split ${detail ? 'events-split-open' : ''}`}>
        <div className="events-list-pane" onKeyDown={onListKeyDown}>
          {libraryEmpty ? (
            <div className="empty-state">
              <p>The event library is empty.</p>
              <p>
                Import an NDJSON or JSON file of recorded events (“Import events…”, or drop the file anywhere on this
                window), or write one with “New event”.
              </p>
            </div>
          ) : list.total === 0 ? (
            <div className="empty-state">
              <p>No event matches these filters.</p>
              <button type="button" onClick={actions.clearFilters}>
                Clear filters
              </button>
            </div>
          ) : (
            <EventList
              rows={list.rows}
              total={total}
              hasMore={list.hasMore}
              onLoadMore={list.loadMore}
              selection={selection}
              activeIndex={view.active}
              openId={detail?.kind === 'edit' ? detail.id : null}
              onActiveIndexChange={actions.setActive}
              onOpen={actions.open}
              onToggle={actions.toggleRow}
              onSelectAll={actions.selectAll}
            />
          )}
          <p className="muted event-keys">
            <kbd>↑</kbd> <kbd>↓</kbd> move · <kbd>Enter</kbd> open · <kbd>Space</kbd> select · <kbd>Shift</kbd>+click a
            range · <kbd>Ctrl</kbd>+<kbd>A</kbd> all matching
          </p>
        </div>
        {detail && (
          <EventDetail
            key={detail.kind === 'edit' ? detail.id : `new-${String(detail.record.id)}`}
            target={detail}
            notice={view.notice}
            onCreated={(id) => actions.show({ kind: 'edit', id }, `Created ${id}.`)}
            onDeleted={actions.deletedOne}
            onClose={() => actions.show(null)}
          />
        )}
      </div>
      <NewEventDialog
        open={view.creating}
        defaultHook={filter.hook ?? ''}
        onClose={() => actions.setCreating(false)}
        onDraft={(record) => {
          actions.setCreating(false);
          actions.show({ kind: 'create', record });
        }}
      />
      <ConfirmDialog
        open={view.confirmDelete}
        title={`Delete ${n(selected)} ${selected === 1 ? 'event' : 'events'}?`}
        message="They leave the library (and the pinned suite). Past replay results keep their copy."
        confirmLabel="Delete"
        onConfirm={() => void actions.deleteSelected()}
        onCancel={() => actions.askDelete(false)}
      />
    </div>
  );
}
