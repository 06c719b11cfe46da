import { describe, expect, it } from 'vitest';
import { eventsViewReducer, initialEventsView, underFilter, type EventsViewState } from './events-view-state';
import { isSelected, selectAllMatching, toggle } from './selection';

const apply = (state: EventsViewState, ...actions: Parameters<typeof eventsViewReducer>[1][]) =>
  actions.reduce(eventsViewReducer, state);

describe('eventsViewReducer', () => {
  it('keeps the selection and the active row per filter: a new filter starts afresh', () => {
    const state = apply(
      initialEventsView,
      { type: 'select', filterKey: 'a', selection: toggle(initialEventsView.selection, 'evt_1', 0), active: 0 },
      { type: 'activate', filterKey: 'a', index: 3 },
    );
    expect(isSelected(state.selection, 'evt_1')).toBe(true);
    expect(state.active).toBe(3);
    const other = underFilter(state, 'b');
    expect(isSelected(other.selection, 'evt_1')).toBe(false);
    expect(other.active).toBe(-1);
    expect(eventsViewReducer(state, { type: 'activate', filterKey: 'b', index: 1 })).toMatchObject({
      filterKey: 'b',
      active: 1,
    });
  });

  it('closes the editor of a deleted event and clears the selection of a bulk delete', () => {
    const open = apply(
      initialEventsView,
      { type: 'select', filterKey: 'a', selection: selectAllMatching() },
      { type: 'show', target: { kind: 'edit', id: 'evt_2' }, notice: 'Saved.' },
    );
    const bulk = eventsViewReducer(open, { type: 'deleted', filterKey: 'a', ids: ['evt_1', 'evt_2'], bulk: true });
    expect(bulk.detail).toBeNull();
    expect(bulk.selection.mode).toBe('ids');
    const kept = eventsViewReducer(open, { type: 'deleted', filterKey: 'a', ids: ['evt_9'], bulk: false });
    expect(kept.detail).toEqual({ kind: 'edit', id: 'evt_2' });
    expect(isSelected(kept.selection, 'evt_9')).toBe(false);
    expect(isSelected(kept.selection, 'evt_3')).toBe(true);
  });

  it('opens and closes the dialogs and keeps the last error until dismissed', () => {
    const state = apply(
      initialEventsView,
      { type: 'creating', open: true },
      { type: 'confirmDelete', open: true },
      { type: 'error', message: 'The replay did not start: no events' },
    );
    expect(state).toMatchObject({ creating: true, confirmDelete: true, error: 'The replay did not start: no events' });
    expect(apply(state, { type: 'creating', open: false }, { type: 'error', message: null })).toMatchObject({
      creating: false,
      error: null,
    });
  });
});
