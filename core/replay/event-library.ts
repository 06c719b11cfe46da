import { randomUUID } from 'node:crypto';
import { ContractError } from '../../shared/contract';
import type { eventFilterSchema } from '../../shared/contract/replay-channels';
import { checkRecordedEvent, type JsonObject } from '../../shared/engine';
import type { HookId } from '../../shared/hooks';
import type { z } from 'zod';
import type { Handlers } from '../router';
import type { EventFilter, Workspace } from '../store';
import { importRecordedEvents, type EventImportDeps } from './event-import';
import { eventView } from './views';

// The event library (events.*): recorded events imported from files or written in the studio,
// with tags and pins, as the library screen, the editor's Run panel and replay.start read them.
// The store's failures become STORE_UNAVAILABLE (core/contract-errors.ts). Decided here:
// - from/to compare instants: the filter's ISO times are read as epoch ms, events by the ms of
//   their `at` (migration 009), so offsets and precision do not matter; events without a
//   readable `at` are left out by either;
// - text is a substring of the id or the payload's JSON (ASCII case ignored);
// - events.import and events.pull go through one import path (event-import.ts: chunks, progress,
//   duplicates, the first 1000 bad lines);
// - events.pull gives the events the environment's name as their source, whatever the runtime's
//   configured `source` says, and pushes its import.progress under an id of its own,
//   `pull:<environment>:<uuid>`, with the runtime named as the file: its caller cannot pass one,
//   and the page shows a pull like any import;
// - events.acceptOutcome ("accept as expected") makes an impact's candidate outcome the event's
//   recorded outcome, with the replay line's field names and `error` null when the candidate
//   did not fail, so that later replays compare against it (shared/engine/outcome.ts);
// - save validates the whole record (envelope and hook schema) and keeps tags, pin and import
//   time when it replaces; an id longer than the 200 characters events.get accepts is refused.

export type EventFilterInput = z.output<typeof eventFilterSchema>;

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

/** What the event library's channels use. */
export interface EventLibraryDeps extends EventImportDeps {
  /** The text of the events an environment's runtime captured (GET /v1/events), for events.pull. */
  capturedEvents(environment: string, query: { since?: string; hook?: HookId }): Promise<string>;
}

function mustGet(deps: EventLibraryDeps, id: string) {
  const stored = deps.workspace().events.get(id);
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
  | 'events.pull'
>;

export function eventLibraryHandlers(deps: EventLibraryDeps): EventHandlers {
  return {
    'events.list': ({ limit, offset, ...filter }) => {
      const events = deps.workspace().events;
      const where = storeFilter(filter);
      return { events: events.list({ ...where, limit, offset }).map(eventView), total: events.count(where) };
    },

    'events.facets': () => deps.workspace().events.facets(),

    'events.get': ({ id }) => eventView(mustGet(deps, id)),

    'events.import': ({ text, fileName, importId, tags, pinned }) =>
      importRecordedEvents(deps, text, { importId, fileName, tags, pinned }),

    'events.pull': async ({ environment, since, hook }) => {
      const text = await deps.capturedEvents(environment, {
        ...(since !== undefined ? { since } : {}),
        ...(hook !== undefined ? { hook } : {}),
      });
      const report = await importRecordedEvents(deps, text, {
        importId: `pull:${environment}:${randomUUID()}`,
        fileName: `${environment} runtime`,
        source: environment,
      });
      return { imported: report.imported, duplicates: report.duplicates, problems: report.problems };
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
      const events = deps.workspace().events;
      return eventView(create ? events.create(checked.event) : events.replace(checked.event));
    },

    'events.setPinned': ({ ids, pinned }) => ({
      changed: deps.workspace().events.setPinned([...new Set(ids)], pinned),
    }),

    'events.setTags': ({ id, tags }) => {
      const events = deps.workspace().events;
      events.setTags(id, tags);
      return eventView(mustGet(deps, id));
    },

    'events.delete': ({ ids }) => ({ deleted: deps.workspace().events.delete([...new Set(ids)]) }),
  };
}

/** What events.acceptOutcome uses: the library and an impact's changed event. */
export interface AcceptOutcomeDeps {
  workspace(): Workspace;
  /** The impact's change for the event, or NOT_FOUND (core/impact/impact-jobs.ts). */
  impactChange(impactId: string, eventId: string): { candidate: ImpactOutcomeFields };
}

interface ImpactOutcomeFields {
  allow?: boolean;
  reason?: string;
  code?: string;
  data?: JsonObject;
  results?: Record<string, unknown>;
  error?: { code: string; message: string };
}

export function acceptOutcomeHandlers(deps: AcceptOutcomeDeps): Pick<Handlers, 'events.acceptOutcome'> {
  return {
    'events.acceptOutcome': ({ id, impactId }) => {
      const events = deps.workspace().events;
      const stored = events.get(id);
      if (!stored) throw new ContractError('NOT_FOUND', `There is no event "${id}" in the library.`);
      const { candidate } = deps.impactChange(impactId, id);
      const outcome: JsonObject = {
        error: candidate.error ? { code: candidate.error.code, message: candidate.error.message } : null,
      };
      if (candidate.allow !== undefined) outcome.allow = candidate.allow;
      if (candidate.reason !== undefined) outcome.reason = candidate.reason;
      if (candidate.code !== undefined) outcome.code = candidate.code;
      if (candidate.data !== undefined) outcome.data = candidate.data;
      if (candidate.results !== undefined) outcome.results = candidate.results as JsonObject;
      const { tags: _tags, pinned: _pinned, importedAt: _importedAt, ...recorded } = stored;
      return eventView(events.replace({ ...recorded, outcome }));
    },
  };
}
