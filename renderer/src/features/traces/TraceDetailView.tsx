import { useState, type ReactNode } from 'react';
import { useStudioData } from '../../app/studio-data';
import { errorCode, errorMessage } from '../../app/studio-error';
import { downloadFile } from '../../components/download-file';
import { ErrorMessage } from '../../components/ErrorMessage';
import type { InputEventState } from './SpanDetails';
import { StatusBadge } from './StatusBadge';
import { formatDuration, formatStart, nanosToEpochMs } from './time';
import { TraceCompare } from './TraceCompare';
import { isTraceId } from './trace-queries';
import { TraceTimeline } from './TraceTimeline';
import type { TraceDetail } from './types';
import { useExportTraces, useTrace, useTraceInputEvent } from './use-traces';

interface Props {
  traceId: string;
  onClose(): void;
  onOpenTrace(traceId: string): void;
}

/** One trace: its summary, the waterfall and span details, the comparison with another trace, export. */
export function TraceDetailView(props: Props) {
  // Keyed by trace: another trace starts from a clean state (loading, nothing collapsed).
  return <TraceDetailLoader key={props.traceId} {...props} />;
}

function TraceDetailLoader(props: Props) {
  const { traceId, onClose } = props;
  const trace = useTrace(traceId);
  const back = <BackButton onClose={onClose} />;
  const problem = !isTraceId(traceId)
    ? `“${traceId}” is not a trace id (32 hex digits).`
    : trace.error
      ? errorCode(trace.error) === 'NOT_FOUND'
        ? `Trace ${traceId} is not stored (any more): retention may have removed it.`
        : `Trace ${traceId} could not be loaded: ${errorMessage(trace.error)}`
      : null;

  if (problem !== null) {
    return (
      <div className="trace-detail" data-trace-state="error">
        <div className="view-header">{back}</div>
        <ErrorMessage message={problem} />
      </div>
    );
  }
  if (!trace.data) {
    return (
      <div className="trace-detail" data-trace-state="loading">
        <div className="view-header">{back}</div>
        <p role="status">Loading trace {traceId}…</p>
      </div>
    );
  }
  return <TraceDetailReady {...props} trace={trace.data} back={back} />;
}

function BackButton({ onClose }: { onClose(): void }) {
  return (
    <button type="button" className="trace-back" onClick={onClose} aria-keyshortcuts="Escape">
      ← Back to traces
    </button>
  );
}

/** The benchmark's start: the spans are here; `waterfall:drawn` follows the first paint. */
function markWaterfallStart(): true {
  performance.clearMarks('waterfall:start');
  performance.clearMarks('waterfall:drawn');
  performance.mark('waterfall:start');
  return true;
}

function inputEventState(eventId: string | undefined, query: ReturnType<typeof useTraceInputEvent>): InputEventState {
  if (eventId === undefined) return { phase: 'none' };
  if (query.data) return { phase: 'ready', event: query.data };
  if (!query.error) return { phase: 'loading', eventId };
  const message =
    errorCode(query.error) === 'NOT_FOUND'
      ? `event ${eventId} is no longer in the library.`
      : `event ${eventId} could not be loaded (${errorMessage(query.error)}).`;
  return { phase: 'missing', eventId, message };
}

function TraceDetailReady({
  traceId,
  onClose,
  onOpenTrace,
  trace,
  back,
}: Props & { trace: TraceDetail; back: ReactNode }) {
  // Marked as this first renders, before the waterfall's rows are built and painted.
  useState(markWaterfallStart);
  const { openRun, openScript } = useStudioData();
  const eventId = trace.summary.eventId;
  const inputEvent = inputEventState(eventId, useTraceInputEvent(eventId));
  const [comparing, setComparing] = useState(false);
  const [exportStatus, setExportStatus] = useState('');
  const exporter = useExportTraces();

  const exportTrace = async () => {
    const file = await exporter.mutateAsync([traceId]).catch(() => null);
    if (!file) return;
    downloadFile(file);
    setExportStatus(`Exported as ${file.fileName}.`);
  };
  const exportError = exporter.error ? `The trace could not be exported: ${errorMessage(exporter.error)}` : null;

  const { summary } = trace;
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
      <ErrorMessage message={exportError} onDismiss={() => exporter.reset()} />
      {comparing && <TraceCompare trace={trace} onOpenTrace={onOpenTrace} />}
      <TraceTimeline
        trace={trace}
        inputEvent={inputEvent}
        onOpenScript={(scriptId, line) => openScript(scriptId, summary.hook, line)}
      />
    </div>
  );
}
