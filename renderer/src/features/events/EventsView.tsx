import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import type { ChannelInput, ChannelOutput } from '@shared/contract';
import { useStudioData } from '../../app/studio-data';
import { studio } from '../../client/studio-client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import type { FetchPage } from '../../components/paged-rows';
import { usePagedRows } from '../../components/use-paged-rows';
import { collectIds, inBatches } from './collect-ids';
import { EventDetail, type DetailTarget } from './EventDetail';
import { EventFilters } from './EventFilters';
import { eventImports } from './event-imports';
import { EventList } from './EventList';
import { emptyFilterForm, toEventFilter, type EventFilter, type FilterForm } from './event-filter';
import type { StoredEvent } from './event-record';
import { EventToolbar } from './EventToolbar';
import { ImportReport } from './ImportReport';
import { NewEventDialog } from './NewEventDialog';
import { replayLabel } from './replay-label';
import {
  isSelected,
  knownIds,
  noSelection,
  selectAllMatching,
  selectedCount,
  setSelected,
  shiftRange,
  toggle,
  type EventSelection,
} from './selection';
import { useDebounced } from './use-debounced';
import './events.css';

type Facets = ChannelOutput<'events.facets'>;
type ReplaySelection = ChannelInput<'replay.start'>['selection'];

const acceptedFiles = '.ndjson,.jsonl,.json,.txt,application/json,application/x-ndjson';
const n = (count: number) => count.toLocaleString('en-US');

/** The event library: import, filter, view and edit, pin, and replay. */
export function EventsView() {
  const { openRun } = useStudioData();
  const [form, setForm] = useState<FilterForm>(emptyFilterForm);
  // Typing waits for a pause; clearing the text applies at once (so does "Clear filters").
  const settledText = useDebounced(form.text, 300);
  const text = form.text === '' ? '' : settledText;
  const { filter, problems } = useMemo(() => toEventFilter({ ...form, text }), [form, text]);
  const filterKey = JSON.stringify(filter);

  const fetchPage = useCallback<FetchPage<StoredEvent>>(
    async (offset, limit) => {
      const query = JSON.parse(filterKey) as EventFilter;
      const result = await studio.events.list({ ...query, offset, limit });
      return result.ok ? { ok: true, value: { items: result.value.events, total: result.value.total } } : result;
    },
    [filterKey],
  );
  const { store, rows } = usePagedRows(fetchPage, 100);
  const total = rows.total ?? 0;

  const [facets, setFacets] = useState<Facets | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loadFacets = useCallback(
    () =>
      studio.events.facets().then((result) => {
        if (result.ok) setFacets(result.value);
        else setError(result.error.message);
      }),
    [],
  );
  useEffect(() => {
    void loadFacets();
  }, [loadFacets]);

  // Whose keychain secrets the replay's scripts read (helpers.secret): staging unless chosen.
  const [environments, setEnvironments] = useState<string[]>(['staging']);
  const [environment, setEnvironment] = useState('staging');
  useEffect(() => {
    let current = true;
    void studio.environments.list().then((result) => {
      if (current && result.ok) setEnvironments(result.value.map((env) => env.name));
    });
    return () => {
      current = false;
    };
  }, []);

  // An import (from the button, or a file dropped on any view) changed the library.
  const { finished } = useSyncExternalStore(eventImports.subscribe, eventImports.getState);
  const importing = useSyncExternalStore(eventImports.subscribe, () => eventImports.busy);
  const seenImports = useRef(finished);
  useEffect(() => {
    if (seenImports.current === finished) return;
    seenImports.current = finished;
    store.refresh();
    void loadFacets();
  }, [finished, store, loadFacets]);

  // The selection and the keyboard's row belong to one filter: a new filter starts afresh.
  const [picked, setPicked] = useState({ key: filterKey, selection: noSelection, active: -1 });
  const current = picked.key === filterKey ? picked : { key: filterKey, selection: noSelection, active: -1 };
  const selection = current.selection;
  const setSelection = (next: EventSelection) => setPicked({ ...current, selection: next });
  const setActive = (active: number) => setPicked({ ...current, active });
  const selected = selectedCount(selection, total);

  const [detail, setDetail] = useState<DetailTarget | null>(null);
  const [detailNotice, setDetailNotice] = useState('');
  const [detailVersion, setDetailVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const showDetail = (target: DetailTarget | null, notice = '') => {
    setDetail(target);
    setDetailNotice(notice);
  };

  const refreshAll = () => {
    store.refresh();
    void loadFacets();
    setDetailVersion((version) => version + 1);
  };

  const open = (index: number) => {
    const event = rows.rowAt(index);
    setActive(index);
    if (event) showDetail({ kind: 'edit', id: event.id });
  };

  const toggleRow = async (index: number, id: string, range: boolean) => {
    if (!range || selection.anchor === null)
      return setPicked({ ...current, selection: toggle(selection, id, index), active: index });
    const [start, end] = shiftRange(selection.anchor, index);
    const between = await store.rowsBetween(start, end);
    if (!between) return setError('The events between could not be listed; try again.');
    const ids = between.map((event) => event.id);
    setPicked({ ...current, selection: setSelected(selection, ids, !isSelected(selection, id)), active: index });
  };

  /** The checked events' ids, listing the matching ones when "all matching" is checked. */
  const resolveIds = async (): Promise<string[] | null> => {
    const known = knownIds(selection);
    if (known) return known;
    const except = selection.mode === 'all' ? selection.except : new Set<string>();
    const listed = await collectIds(async (offset, limit) => studio.events.list({ ...filter, offset, limit }), except);
    if (!listed.ok) {
      setError(listed.error.message);
      return null;
    }
    return listed.value;
  };

  const startReplay = async (replay: ReplaySelection, label: string) => {
    setBusy(true);
    const result = await studio.replay.start({ selection: replay, label, environment });
    setBusy(false);
    if (!result.ok) return setError(`The replay did not start: ${result.error.message}`);
    setError(null);
    openRun(result.value.run.id);
  };

  const replaySelected = async () => {
    if (selection.mode === 'all' && selection.except.size === 0)
      return startReplay({ kind: 'filter', filter }, replayLabel({ kind: 'filter', count: total, filter }));
    setBusy(true);
    const ids = await resolveIds();
    setBusy(false);
    if (!ids || ids.length === 0) return;
    await startReplay({ kind: 'events', ids }, replayLabel({ kind: 'selected', count: ids.length }));
  };

  const pinSelected = async (pinned: boolean) => {
    setBusy(true);
    const ids = await resolveIds();
    for (const batch of ids ? inBatches(ids) : []) {
      const result = await studio.events.setPinned({ ids: batch, pinned });
      if (!result.ok) {
        setError(result.error.message);
        break;
      }
    }
    setBusy(false);
    refreshAll();
  };

  const deleteSelected = async () => {
    setConfirmDelete(false);
    setBusy(true);
    const ids = await resolveIds();
    for (const batch of ids ? inBatches(ids) : []) {
      const result = await studio.events.delete({ ids: batch });
      if (!result.ok) {
        setError(result.error.message);
        break;
      }
    }
    setBusy(false);
    if (detail?.kind === 'edit' && ids?.includes(detail.id)) showDetail(null);
    setPicked({ key: filterKey, selection: noSelection, active: -1 });
    refreshAll();
  };

  const onListKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if ((event.target as HTMLElement).getAttribute('role') !== 'grid') return;
    if (event.key === ' ' && current.active >= 0) {
      event.preventDefault();
      const row = rows.rowAt(current.active);
      if (row) void toggleRow(current.active, row.id, event.shiftKey);
    } else if (event.key.toLowerCase() === 'a' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      setSelection(selectAllMatching());
    } else if (event.key === 'Escape' && selected > 0) {
      setSelection(noSelection);
    }
  };

  const libraryEmpty = facets?.total === 0 && rows.total === 0;
  return (
    <div className="events-view" data-view-state={rows.total === null ? 'loading' : 'ready'}>
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
          <button type="button" onClick={() => fileInput.current?.click()} disabled={importing}>
            {importing ? 'Importing…' : 'Import events…'}
          </button>
          <button type="button" onClick={() => setCreating(true)}>
            New event
          </button>
        </div>
      </div>
      <ImportReport />
      <EventFilters form={form} facets={facets} problems={problems} onChange={setForm} />
      <EventToolbar
        selected={selected}
        pinned={facets?.pinned ?? 0}
        matching={total}
        busy={busy}
        environments={environments}
        environment={environment}
        onEnvironmentChange={setEnvironment}
        onReplaySelected={() => void replaySelected()}
        onReplayPinned={() =>
          void startReplay({ kind: 'pinned' }, replayLabel({ kind: 'pinned', count: facets?.pinned ?? 0 }))
        }
        onReplayMatching={() =>
          void startReplay({ kind: 'filter', filter }, replayLabel({ kind: 'filter', count: total, filter }))
        }
        onPinSelected={(pinned) => void pinSelected(pinned)}
        onDeleteSelected={() => setConfirmDelete(true)}
        onClearSelection={() => setSelection(noSelection)}
      />
      <ErrorMessage message={error} onDismiss={() => setError(null)} />
      <ErrorMessage message={rows.error} />
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
          ) : rows.total === 0 ? (
            <div className="empty-state">
              <p>No event matches these filters.</p>
              <button type="button" onClick={() => setForm(emptyFilterForm)}>
                Clear filters
              </button>
            </div>
          ) : (
            <EventList
              rows={rows}
              onRangeChange={store.setRange}
              selection={selection}
              activeIndex={current.active}
              openId={detail?.kind === 'edit' ? detail.id : null}
              onActiveIndexChange={setActive}
              onOpen={open}
              onToggle={(index, id, range) => void toggleRow(index, id, range)}
              onSelectAll={(all) => setSelection(all ? selectAllMatching() : noSelection)}
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
            version={detailVersion}
            notice={detailNotice}
            onChanged={(event, created) => {
              store.refresh();
              void loadFacets();
              if (created) showDetail({ kind: 'edit', id: event.id }, `Created ${event.id}.`);
            }}
            onDeleted={(id) => {
              showDetail(null);
              setSelection(setSelected(selection, [id], false));
              store.refresh();
              void loadFacets();
            }}
            onClose={() => showDetail(null)}
          />
        )}
      </div>
      <NewEventDialog
        open={creating}
        defaultHook={filter.hook ?? ''}
        onClose={() => setCreating(false)}
        onDraft={(record) => {
          setCreating(false);
          showDetail({ kind: 'create', record });
        }}
      />
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete ${n(selected)} ${selected === 1 ? 'event' : 'events'}?`}
        message="They leave the library (and the pinned suite). Past replay results keep their copy."
        confirmLabel="Delete"
        onConfirm={() => void deleteSelected()}
        onCancel={() => setConfirmDelete(false)}
      />
    </div>
  );
}
