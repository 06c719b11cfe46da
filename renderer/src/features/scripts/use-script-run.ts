import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import type { HookId } from '@shared/hooks/definitions';
import { errorMessage, valueOf } from '../../app/studio-error';
import { studio } from '../../client/studio-client';
import { eventKeys } from '../events/event-queries';
import type { HookSchema } from './lua-intellisense';
import type { RecordedEvent, RunRecorded } from './run-outcome';
import { eventProblem, idleRun, runAfterEventEdit, type RunState } from './run-event';

// The editor's Run: which hook and event, the recorded events offered for it, and the last run.
// Server state (hook schemas, recorded events) comes through the page's query cache, so an import
// made meanwhile shows in the picker (the library's keys are invalidated on import).

type HookInfo = ChannelOutput<'hooks.schema'>;

/** At most this many recorded events of a hook are offered in the picker. */
const recordedLimit = 200;

export function useScriptRun(options: { attached: HookId[]; hookHint?: string | undefined }) {
  const { attached } = options;
  const [runHook, setRunHook] = useState<HookId | null>(null);
  const [eventText, setEventText] = useState<string | null>(null);
  const [recordedId, setRecordedId] = useState('');
  const [run, setRun] = useState<RunState>(idleRun);

  const hook: HookId = runHook ?? attached[0] ?? ((options.hookHint as HookId | undefined) || 'signup.before');
  const wanted = useMemo(() => [...new Set<HookId>([...attached, hook])], [attached, hook]);

  const schemaQueries = useQueries({
    queries: wanted.map((h) => ({
      queryKey: ['hooks', 'schema', h] as const,
      queryFn: () => valueOf(studio.hooks.schema({ hook: h })),
      staleTime: Infinity,
    })),
  });
  const schemas = useMemo(() => {
    const byHook: Partial<Record<HookId, HookInfo>> = {};
    for (const query of schemaQueries) if (query.data) byHook[query.data.hook] = query.data;
    return byHook;
  }, [schemaQueries]);

  const recordedQuery = useQuery({
    queryKey: [...eventKeys.lists(), 'run-picker', wanted] as const,
    queryFn: async () => {
      const pages = await Promise.all(
        wanted.map((h) => valueOf(studio.events.list({ hook: h, limit: recordedLimit, offset: 0 }))),
      );
      return pages.flatMap((page) => page.events);
    },
  });
  const recordedEvents: RecordedEvent[] | null = recordedQuery.data ?? (recordedQuery.isError ? [] : null);
  const recordedError = recordedQuery.isError
    ? `Recorded events could not be listed: ${errorMessage(recordedQuery.error)}`
    : null;

  const editorSchemas = useMemo<HookSchema[]>(
    () =>
      (attached.length ? attached : [hook]).flatMap((h) =>
        schemas[h] ? [{ hook: h, schema: schemas[h].schema }] : [],
      ),
    [attached, hook, schemas],
  );
  const sample = schemas[hook]?.sample;
  const event = eventText ?? (sample ? JSON.stringify(sample, null, 2) : '{}');
  const eventError = useMemo(() => eventProblem(event), [event]);

  /** Runs `source` on the event; false when the event is not valid JSON (nothing ran). */
  const runNow = async (source: string): Promise<boolean> => {
    if (eventError) return false;
    setRun((current) => ({ ...current, running: true }));
    const picked = recordedEvents?.find((e) => e.id === recordedId);
    const ranOn: RunRecorded | null = picked
      ? { id: picked.id, ...(picked.outcome === undefined ? {} : { outcome: picked.outcome }) }
      : null;
    const result = await studio.scripts.run({ source, hook, event: JSON.parse(event) as Record<string, unknown> });
    setRun(
      result.ok
        ? { result: result.value, recorded: ranOn, error: null, running: false }
        : { result: null, recorded: null, error: result.error.message, running: false },
    );
    return true;
  };

  return {
    hook,
    wanted,
    event,
    eventError,
    editorSchemas,
    recordedEvents,
    recordedError,
    recordedId,
    run,
    runNow,
    pickRecorded(eventId: string) {
      setRecordedId(eventId);
      const picked = recordedEvents?.find((e) => e.id === eventId);
      if (!picked) return;
      setRunHook(picked.hook);
      setEventText(JSON.stringify(picked.event, null, 2));
    },
    chooseHook(h: HookId) {
      setRunHook(h);
      setEventText(null);
      setRecordedId('');
    },
    editEvent(text: string) {
      setEventText(text);
      setRun((current) => runAfterEventEdit(current, text));
      setRecordedId(''); // An edited event is no longer the recorded one.
    },
    resetEvent() {
      setEventText(null);
      setRecordedId('');
    },
  };
}
