import { ContractError } from '../../shared/contract';
import type { eventFilterSchema } from '../../shared/contract/replay-channels';
import { checkRecordedEvent, parseRecordedEvents } from '../../shared/engine';
import type { z } from 'zod';
import type { StudioServices } from '../authoring/services';
import type { Handlers } from '../router';
import type { EventFilter } from '../store';
import { eventView } from './views';

// The event library (events.*): recorded events imported from files or written in the studio,
// with tags and pins, as the library screen, the editor's Run panel and replay.start read them.
// The store's failures become STORE_UNAVAILABLE (authoring/errors.ts). Decided here:
// - from/to compare instants: the filter's ISO times are read as epoch ms, events by the ms of
//   their `at` (migration 009), so offsets and precision do not matter; events without a
//   readable `at` are left out by either;
// - text is a substring of the id or the payload's JSON (ASCII case ignored);
// - an import lists its first 1000 bad lines (problemCount counts them all); duplicates are ids
//   the library already had plus later repeats within the file;
// - save validates the whole record (envelope and hook schema) and keeps tags, pin and import
//   time when it replaces; an id longer than the 200 characters events.get accepts is refused.

export type EventFilterInput = z.output<typeof eventFilterSchema>;

const maxListedProblems = 1000;
const maxIdLength = 200;

/** The contract's event filter as the store's. */
export function storeFilter(filter: EventFilterInput): EventFilter {
  const out: EventFilter = {};
  if (filter.hook !== undefined) out.hook = filter.hook;
  if (filter.source !== undefined) out.source = filter.source;
  if (filter.tag !== undefined) out.tag = filter.tag;
  if (filter.pinned !== undefined) out.pinned = filter.pinned;
  if (filter.from !== undefined) out.fromMs = Date.parse(filter.from);
  if (filter.to !== undefined) out.toMs = Date.parse(filter.to);
  if (filter.text !== undefined && filter.text.trim() !== '') out.text = filter.text.trim();
  return out;
}

function mustGet(services: StudioServices, id: string) {
  const stored = services.workspace().events.get(id);
  if (!stored) throw new ContractError('NOT_FOUND', `There is no event "${id}" in the library.`);
  return stored;
}

type EventHandlers = Pick<
  Handlers,
  | 'events.list'
  | 'events.facets'
  | 'events.get'
  | 'events.import'
  | 'events.save'
  | 'events.setPinned'
  | 'events.setTags'
  | 'events.delete'
>;

export function eventLibraryHandlers(services: StudioServices): EventHandlers {
  return {
    'events.list': ({ limit, offset, ...filter }) => {
      const events = services.workspace().events;
      const where = storeFilter(filter);
      return { events: events.list({ ...where, limit, offset }).map(eventView), total: events.count(where) };
    },

    'events.facets': () => services.workspace().events.facets(),

    'events.get': ({ id }) => eventView(mustGet(services, id)),

    'events.import': ({ text, tags, pinned }) => {
      const events = services.workspace().events;
      const parsed = parseRecordedEvents(text, { knownIds: events.ids() });
      const options: { tags?: string[]; pinned?: boolean } = {};
      if (tags !== undefined) options.tags = tags;
      if (pinned !== undefined) options.pinned = pinned;
      // Another process (the CLI) may have imported some of them since ids() was read.
      const imported = events.import(parsed.events, options);
      return {
        imported: imported.imported,
        duplicates: parsed.duplicates + imported.duplicates,
        problems: parsed.problems.slice(0, maxListedProblems),
        problemCount: parsed.problems.length,
      };
    },

    'events.save': ({ record, create }) => {
      const checked = checkRecordedEvent(record);
      if (!checked.ok) {
        const message = checked.message.startsWith('INVALID_EVENT')
          ? checked.message
          : `INVALID_EVENT: ${checked.message}`;
        throw new ContractError('INVALID_EVENT', message);
      }
      if (checked.event.id.length > maxIdLength) {
        throw new ContractError('INVALID_EVENT', `INVALID_EVENT: id must be at most ${maxIdLength} characters`);
      }
      const events = services.workspace().events;
      return eventView(create ? events.create(checked.event) : events.replace(checked.event));
    },

    'events.setPinned': ({ ids, pinned }) => ({
      changed: services.workspace().events.setPinned([...new Set(ids)], pinned),
    }),

    'events.setTags': ({ id, tags }) => {
      const events = services.workspace().events;
      events.setTags(id, tags);
      return eventView(mustGet(services, id));
    },

    'events.delete': ({ ids }) => ({ deleted: services.workspace().events.delete([...new Set(ids)]) }),
  };
}
