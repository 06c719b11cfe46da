import type { DetailTarget } from './EventDetail';
import { noSelection, setSelected, type EventSelection } from './selection';

// What the Events view shows besides server data: the checked events and the keyboard's row (both
// belong to one filter: a new filter starts afresh), the event open in the editor, the dialogs,
// and the last failure of an action. One reducer, so every change is a named step, tested as is.

export interface EventsViewState {
  /** The filter (its key) the selection and the active row belong to. */
  filterKey: string;
  selection: EventSelection;
  active: number;
  detail: DetailTarget | null;
  /** A message for the editor to show first ("Created evt_1."). */
  notice: string;
  creating: boolean;
  confirmDelete: boolean;
  error: string | null;
}

export type EventsViewAction =
  | { type: 'select'; filterKey: string; selection: EventSelection; active?: number }
  | { type: 'activate'; filterKey: string; index: number }
  | { type: 'show'; target: DetailTarget | null; notice?: string }
  | { type: 'creating'; open: boolean }
  | { type: 'confirmDelete'; open: boolean }
  | { type: 'deleted'; filterKey: string; ids: readonly string[]; bulk: boolean }
  | { type: 'error'; message: string | null };

export const initialEventsView: EventsViewState = {
  filterKey: '',
  selection: noSelection,
  active: -1,
  detail: null,
  notice: '',
  creating: false,
  confirmDelete: false,
  error: null,
};

/** The selection and active row as seen under `filterKey`: nothing yet under a new filter. */
export function underFilter(state: EventsViewState, filterKey: string): EventsViewState {
  return state.filterKey === filterKey ? state : { ...state, filterKey, selection: noSelection, active: -1 };
}

export function eventsViewReducer(state: EventsViewState, action: EventsViewAction): EventsViewState {
  switch (action.type) {
    case 'select': {
      const current = underFilter(state, action.filterKey);
      return { ...current, selection: action.selection, active: action.active ?? current.active };
    }
    case 'activate':
      return { ...underFilter(state, action.filterKey), active: action.index };
    case 'show':
      return { ...state, detail: action.target, notice: action.notice ?? '' };
    case 'creating':
      return { ...state, creating: action.open };
    case 'confirmDelete':
      return { ...state, confirmDelete: action.open };
    case 'deleted': {
      const current = underFilter(state, action.filterKey);
      const closes = current.detail?.kind === 'edit' && action.ids.includes(current.detail.id);
      // A bulk delete was of the checked events: none is left to check.
      const selection = action.bulk ? noSelection : setSelected(current.selection, action.ids, false);
      return {
        ...current,
        selection,
        active: action.bulk ? -1 : current.active,
        ...(closes ? { detail: null, notice: '' } : {}),
      };
    }
    case 'error':
      return { ...state, error: action.message };
  }
}
