import { useMemo, useReducer, useState, useSyncExternalStore } from 'react';
import { useStudioData } from '../../app/studio-data';
import { errorMessage } from '../../app/studio-error';
import { eventImports } from './event-imports';
import { emptyFilterForm, toEventFilter, type FilterForm } from './event-filter';
import { eventsViewReducer, initialEventsView, underFilter } from './events-view-state';
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
} from './selection';
import { useDebounced } from './use-debounced';
import {
  listMatchingIds,
  useDeleteEvents,
  useEnvironmentNames,
  useEventFacets,
  useEventList,
  useSetPinned,
  useStartReplay,
  type ReplayInput,
} from './use-events';
import type { DetailTarget } from './EventDetail';

/** Everything the Events view shows and does: server state from the hooks, view state from the reducer. */
export function useEventsScreen() {
  const { openRun } = useStudioData();
  const [form, setForm] = useState<FilterForm>(emptyFilterForm);
  // Typing waits for a pause; clearing the text applies at once (so does "Clear filters").
  const settledText = useDebounced(form.text, 300);
  const text = form.text === '' ? '' : settledText;
  const { filter, problems } = useMemo(() => toEventFilter({ ...form, text }), [form, text]);
  const filterKey = JSON.stringify(filter);

  const list = useEventList(filter);
  const { facets, error: facetsError } = useEventFacets();
  const environments = useEnvironmentNames();
  // Whose keychain secrets the replay's scripts read (helpers.secret): staging unless chosen.
  const [environment, setEnvironment] = useState('staging');
  const importing = useSyncExternalStore(eventImports.subscribe, () => eventImports.busy);

  const [state, dispatch] = useReducer(eventsViewReducer, initialEventsView);
  const view = underFilter(state, filterKey);
  const { selection } = view;
  const total = list.total ?? 0;
  const selected = selectedCount(selection, total);
  const fail = (message: string | null) => dispatch({ type: 'error', message });

  const setPinned = useSetPinned();
  const deleteEvents = useDeleteEvents();
  const startReplay = useStartReplay();
  const [resolving, setResolving] = useState(false);
  const busy = resolving || setPinned.isPending || deleteEvents.isPending || startReplay.isPending;

  /** The checked events' ids, listing the matching ones when "all matching" is checked. */
  const resolveIds = async (): Promise<string[] | null> => {
    const known = knownIds(selection);
    if (known) return known;
    const except = selection.mode === 'all' ? selection.except : new Set<string>();
    setResolving(true);
    try {
      return await listMatchingIds(filter, except);
    } catch (error) {
      fail(errorMessage(error));
      return null;
    } finally {
      setResolving(false);
    }
  };

  const replay = async (input: ReplayInput['selection'], label: string) => {
    try {
      const started = await startReplay.mutateAsync({ selection: input, label, environment });
      fail(null);
      openRun(started.run.id);
    } catch (error) {
      fail(`The replay did not start: ${errorMessage(error)}`);
    }
  };

  const actions = {
    setForm,
    clearFilters: () => setForm(emptyFilterForm),
    setEnvironment,
    dismissError: () => fail(null),
    setActive: (index: number) => dispatch({ type: 'activate', filterKey, index }),
    select: (next: typeof selection) => dispatch({ type: 'select', filterKey, selection: next }),
    selectAll: (all: boolean) =>
      dispatch({ type: 'select', filterKey, selection: all ? selectAllMatching() : noSelection }),
    show: (target: DetailTarget | null, notice = '') => dispatch({ type: 'show', target, notice }),
    open: (index: number) => {
      dispatch({ type: 'activate', filterKey, index });
      const event = list.rows[index];
      if (event) dispatch({ type: 'show', target: { kind: 'edit', id: event.id } });
    },
    /** A checkbox, Space or Ctrl-click; with Shift, every row from the anchor (all of them loaded). */
    toggleRow: (index: number, id: string, range: boolean) => {
      if (!range || selection.anchor === null)
        return dispatch({ type: 'select', filterKey, selection: toggle(selection, id, index), active: index });
      const [start, end] = shiftRange(selection.anchor, index);
      const ids = list.rows.slice(start, end).map((event) => event.id);
      if (ids.length !== end - start) return fail('The events between are not loaded yet; scroll to them first.');
      dispatch({
        type: 'select',
        filterKey,
        selection: setSelected(selection, ids, !isSelected(selection, id)),
        active: index,
      });
    },
    replaySelected: async () => {
      if (selection.mode === 'all' && selection.except.size === 0)
        return replay({ kind: 'filter', filter }, replayLabel({ kind: 'filter', count: total, filter }));
      const ids = await resolveIds();
      if (!ids || ids.length === 0) return;
      await replay({ kind: 'events', ids }, replayLabel({ kind: 'selected', count: ids.length }));
    },
    replayPinned: () => replay({ kind: 'pinned' }, replayLabel({ kind: 'pinned', count: facets?.pinned ?? 0 })),
    replayMatching: () => replay({ kind: 'filter', filter }, replayLabel({ kind: 'filter', count: total, filter })),
    pinSelected: async (pinned: boolean) => {
      const ids = await resolveIds();
      if (!ids) return;
      await setPinned.mutateAsync({ ids, pinned }).then(
        () => fail(null),
        (error: unknown) => fail(errorMessage(error)),
      );
    },
    askDelete: (open: boolean) => dispatch({ type: 'confirmDelete', open }),
    deleteSelected: async () => {
      dispatch({ type: 'confirmDelete', open: false });
      const ids = await resolveIds();
      if (!ids) return;
      await deleteEvents.mutateAsync(ids).then(
        () => fail(null),
        (error: unknown) => fail(errorMessage(error)),
      );
      dispatch({ type: 'deleted', filterKey, ids, bulk: true });
    },
    /** The editor deleted its event. */
    deletedOne: (id: string) => dispatch({ type: 'deleted', filterKey, ids: [id], bulk: false }),
    setCreating: (open: boolean) => dispatch({ type: 'creating', open }),
  };

  return {
    form,
    filter,
    problems,
    list,
    facets,
    facetsError,
    environments,
    environment,
    importing,
    view,
    selected,
    total,
    busy,
    actions,
  };
}
