import { useEffect, useState } from 'react';
import { studio } from '../../client/studio-client';
import { useStudioData } from '../../app/studio-data';
import { downloadFile } from '../../components/download-file';
import { ErrorMessage } from '../../components/ErrorMessage';
import type { InputEventState } from './SpanDetails';
import { StatusBadge } from './StatusBadge';
import { formatDuration, formatStart, nanosToEpochMs } from './time';
import { TraceCompare } from './TraceCompare';
import { TraceTimeline } from './TraceTimeline';
import type { TraceDetail } from './types';

interface Props {
  traceId: string;
  onClose(): void;
  onOpenTrace(traceId: string): void;
}

type Loaded = { phase: 'loading' } | { phase: 'error'; message: string } | { phase: 'ready'; trace: TraceDetail };

/** One trace: its summary, the waterfall and span details, the comparison with another trace, export. */
export function TraceDetailView(props: Props) {
  // Keyed by trace: another trace starts from a clean state (loading, nothing collapsed).
  return <TraceDetailLoader key={props.traceId} {...props} />;
}

function TraceDetailLoader({ traceId, onClose, onOpenTrace }: Props) {
  const { openRun, openScript } = useStudioData();
  const [loaded, setLoaded] = useState<Loaded>({ phase: 'loading' });
  const [inputEvent, setInputEvent] = useState<InputEventState>({ phase: 'none' });
  const [comparing, setComparing] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const [exportStatus, setExportStatus] = useState('');

  useEffect(() => {
    let current = true;
    if (!/^[0-9a-f]{32}$/.test(traceId)) {
      void Promise.resolve().then(
        () => current && setLoaded({ phase: 'error', message: `“${traceId}” is not a trace id (32 hex digits).` }),
      );
      return;
    }
    void studio.traces.get({ traceId }).then((result) => {
      if (!current) return;
      if (!result.ok) {
        const message =
          result.error.code === 'NOT_FOUND'
            ? `Trace ${traceId} is not stored (any more): retention may have removed it.`
            : `Trace ${traceId} could not be loaded: ${result.error.message}`;
        return setLoaded({ phase: 'error', message });
      }
      // The benchmark's start: the spans are here; `waterfall:drawn` follows the first paint.
      performance.clearMarks('waterfall:start');
      performance.clearMarks('waterfall:drawn');
      performance.mark('waterfall:start');
      setLoaded({ phase: 'ready', trace: result.value });
      const eventId = result.value.summary.eventId;
      if (eventId === undefined) return;
      setInputEvent({ phase: 'loading', eventId });
      void studio.events.get({ id: eventId }).then((event) => {
        if (!current) return;
        setInputEvent(
          event.ok
            ? { phase: 'ready', event: event.value }
            : {
                phase: 'missing',
                eventId,
                message:
                  event.error.code === 'NOT_FOUND'
                    ? `event ${eventId} is no longer in the library.`
                    : `event ${eventId} could not be loaded (${event.error.message}).`,
              },
        );
      });
    });
    return () => {
      current = false;
    };
  }, [traceId]);

  const exportTrace = async () => {
    setExportError(null);
    const result = await studio.traces.export({ traceIds: [traceId] });
    if (!result.ok) return setExportError(`The trace could not be exported: ${result.error.message}`);
    downloadFile(result.value);
    setExportStatus(`Exported as ${result.value.fileName}.`);
  };

  const back = (
    <button type="button" className="trace-back" onClick={onClose} aria-keyshortcuts="Escape">
      ← Back to traces
    </button>
  );

  if (loaded.phase === 'loading') {
    return (
      <div className="trace-detail" data-trace-state="loading">
        <div className="view-header">{back}</div>
        <p role="status">Loading trace {traceId}…</p>
      </div>
    );
  }
  if (loaded.phase === 'error') {
    return (
      <div className="trace-detail" data-trace-state="error">
        <div className="view-header">{back}</div>
        <ErrorMessage message={loaded.message} />
      </div>
    );
  }

  const { summary } = loaded.trace;
  return (
    <div
      className="trace-detail"
      data-trace-state="ready"
      data-trace-id={traceId}
      onKeyDown={(event) => {
        // Escape in a field clears or closes that field; elsewhere it goes back to the list.
        const inField = event.target instanceof HTMLElement && /^(INPUT|SELECT|TEXTAREA)$/.test(event.target.tagName);
        if (event.key === 'Escape' && !inField) onClose();
      }}
    >
      <div className="view-header trace-detail-header">
        {back}
        <h2>
          <code>{summary.hook}</code>
        </h2>
        <StatusBadge status={summary.status} />
        <span className="trace-meta">
          {formatDuration(summary.durationMs)} · {summary.spanCount} span{summary.spanCount === 1 ? '' : 's'} · started{' '}
          {formatStart(nanosToEpochMs(summary.startTimeUnixNano))}
          {summary.eventId !== undefined && (
            <>
              {' '}
              · event <code>{summary.eventId}</code>
            </>
          )}
          {summary.runId !== undefined && (
            <>
              {' '}
              ·{' '}
              <button type="button" className="link-button" onClick={() => openRun(summary.runId!)}>
                run #{summary.runId}
              </button>
            </>
          )}
        </span>
        <span className="trace-actions">
          <button
            type="button"
            aria-pressed={comparing}
            disabled={summary.eventId === undefined}
            title={
              summary.eventId === undefined
                ? 'Only traces of replayed library events can be compared'
                : 'Compare with another trace of the same event'
            }
            onClick={() => setComparing((on) => !on)}
          >
            Compare…
          </button>
          <button type="button" onClick={() => void exportTrace()}>
            Export OTLP JSON
          </button>
        </span>
      </div>
      <p className="trace-id-line muted">
        Trace <code>{traceId}</code>
        {summary.statusMessage && <span className="trace-status-message"> · {summary.statusMessage}</span>}
        <span role="status" className="save-status">
          {' '}
          {exportStatus}
        </span>
      </p>
      <ErrorMessage message={exportError} onDismiss={() => setExportError(null)} />
      {comparing && <TraceCompare trace={loaded.trace} onOpenTrace={onOpenTrace} />}
      <TraceTimeline
        trace={loaded.trace}
        inputEvent={inputEvent}
        onOpenScript={(scriptId, line) => openScript(scriptId, summary.hook, line)}
      />
    </div>
  );
}
