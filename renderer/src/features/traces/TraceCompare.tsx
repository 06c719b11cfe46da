import { useMemo, useState } from 'react';
import { errorMessage } from '../../app/studio-error';
import { ErrorMessage } from '../../components/ErrorMessage';
import { spanDetails } from './span-details';
import { StatusBadge } from './StatusBadge';
import { compareTraces, type ComparedSide } from './trace-compare';
import { formatDelta, formatDuration, formatStart, nanosToEpochMs, toNanos } from './time';
import type { TraceDetail, TraceSummary } from './types';
import { useOtherTrace, useTracesOfEvent } from './use-traces';

interface Props {
  trace: TraceDetail;
  onOpenTrace(traceId: string): void;
}

type Others = { phase: 'loading' } | { phase: 'error'; message: string } | { phase: 'ready'; traces: TraceSummary[] };
type Other =
  | { phase: 'idle' }
  | { phase: 'loading'; traceId: string }
  | { phase: 'error'; message: string }
  | { phase: 'ready'; trace: TraceDetail };

function describe(summary: TraceSummary): string {
  return `${formatStart(nanosToEpochMs(summary.startTimeUnixNano))} · ${summary.status} · ${formatDuration(summary.durationMs)}${
    summary.runId !== undefined ? ` · run #${summary.runId}` : ''
  }`;
}

/** The trace's decision (or outcome) as the root span states it. */
function outcomeOf(trace: TraceDetail): string {
  const root = trace.spans.find((span) => span.parentSpanId === undefined);
  return root ? (spanDetails(root, 0n).output?.text ?? trace.summary.status) : trace.summary.status;
}

/**
 * This trace beside another trace of the same library event (say, before and after a script
 * changed): spans aligned by name, durations, the difference, status changes, spans in one only.
 */
export function TraceCompare({ trace, onOpenTrace }: Props) {
  const eventId = trace.summary.eventId;
  const listed = useTracesOfEvent(eventId);
  const others: Others = listed.error
    ? { phase: 'error', message: errorMessage(listed.error) ?? '' }
    : listed.data
      ? { phase: 'ready', traces: listed.data.traces.filter((summary) => summary.traceId !== trace.summary.traceId) }
      : { phase: 'loading' };
  // The latest other trace is the usual question ("what changed since?"): shown at once.
  const [picked, setPicked] = useState<string | null>(null);
  const otherId = picked ?? (others.phase === 'ready' ? (others.traces[0]?.traceId ?? null) : null);
  const loaded = useOtherTrace(otherId);
  const other: Other =
    otherId === null
      ? { phase: 'idle' }
      : loaded.error
        ? { phase: 'error', message: `Trace ${otherId} could not be loaded: ${errorMessage(loaded.error)}` }
        : loaded.data
          ? { phase: 'ready', trace: loaded.data }
          : { phase: 'loading', traceId: otherId };
  const load = setPicked;

  const otherTrace = other.phase === 'ready' ? other.trace : null;
  const pair = useMemo(() => {
    if (!otherTrace) return null;
    // Earlier on the left, later on the right: the difference reads "what changed since".
    const thisStart = toNanos(trace.summary.startTimeUnixNano) ?? 0n;
    const otherStart = toNanos(otherTrace.summary.startTimeUnixNano) ?? 0n;
    const [earlier, later] = thisStart <= otherStart ? [trace, otherTrace] : [otherTrace, trace];
    return { earlier, later, comparison: compareTraces(earlier.spans, later.spans) };
  }, [trace, otherTrace]);

  if (eventId === undefined) {
    return (
      <p className="empty-state">
        This trace was not made by replaying a library event, so there is no other trace of the same event to compare.
      </p>
    );
  }

  const selectedId =
    other.phase === 'ready' ? other.trace.summary.traceId : other.phase === 'loading' ? other.traceId : '';
  return (
    <section className="trace-compare" aria-label="Compare traces">
      <div className="trace-compare-header">
        <h3>
          Compare traces of <code>{eventId}</code>
        </h3>
        {others.phase === 'loading' && <span role="status">Looking for other traces of {eventId}…</span>}
        {others.phase === 'ready' && others.traces.length > 0 && (
          <label className="inline-label">
            Compare with
            <select value={selectedId} onChange={(event) => load(event.target.value)}>
              {others.traces.map((summary) => (
                <option key={summary.traceId} value={summary.traceId}>
                  {describe(summary)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {others.phase === 'error' && <ErrorMessage message={`Other traces could not be listed: ${others.message}`} />}
      {others.phase === 'ready' && others.traces.length === 0 && (
        <p className="empty-state">
          {eventId} has no other trace yet. Change a script and replay the event again (Events view), then compare here.
        </p>
      )}
      {other.phase === 'error' && <ErrorMessage message={other.message} />}
      {other.phase === 'loading' && <p role="status">Loading the other trace…</p>}
      {pair && (
        <>
          <p className="trace-compare-summary" data-testid="compare-summary">
            {pair.comparison.totalDeltaMs === 0
              ? 'Same duration'
              : `Later trace ${pair.comparison.totalDeltaMs > 0 ? 'slower' : 'faster'} by ${formatDuration(Math.abs(pair.comparison.totalDeltaMs))}`}{' '}
            ({formatDuration(pair.earlier.summary.durationMs)} → {formatDuration(pair.later.summary.durationMs)}) ·{' '}
            {pair.comparison.statusChanges} status change{pair.comparison.statusChanges === 1 ? '' : 's'} ·{' '}
            {pair.comparison.onlyLeft + pair.comparison.onlyRight} span
            {pair.comparison.onlyLeft + pair.comparison.onlyRight === 1 ? '' : 's'} in one trace only
            {outcomeOf(pair.earlier) !== outcomeOf(pair.later) && (
              <>
                {' '}
                ·{' '}
                <strong>
                  outcome: {outcomeOf(pair.earlier)} → {outcomeOf(pair.later)}
                </strong>
              </>
            )}
          </p>
          <table className="trace-compare-table">
            <thead>
              <tr>
                <th scope="col">Span</th>
                {[pair.earlier, pair.later].map((side, index) => (
                  <th scope="col" key={side.summary.traceId}>
                    {index === 0 ? 'Earlier' : 'Later'}
                    {side === trace ? ' (this trace)' : ''}
                    <br />
                    <span className="muted">{formatStart(nanosToEpochMs(side.summary.startTimeUnixNano))}</span>{' '}
                    <StatusBadge status={side.summary.status} />
                    {side !== trace && (
                      <>
                        {' '}
                        <button type="button" className="link-button" onClick={() => onOpenTrace(side.summary.traceId)}>
                          Open
                        </button>
                      </>
                    )}
                  </th>
                ))}
                <th scope="col">Δ</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {pair.comparison.rows.map((row) => (
                <tr
                  key={row.key}
                  data-key={row.key}
                  className={
                    row.left === null || row.right === null
                      ? 'compare-only'
                      : row.statusChanged
                        ? 'compare-changed'
                        : ''
                  }
                >
                  <th scope="row" style={{ paddingLeft: 8 + row.depth * 14 }}>
                    <span className="wf-kind-tag">{row.kind}</span> {row.label.replace(/^script /, '')}
                  </th>
                  <td className="numeric">
                    <Side side={row.left} />
                  </td>
                  <td className="numeric">
                    <Side side={row.right} />
                  </td>
                  <td
                    className={`numeric ${row.deltaMs === null ? '' : row.deltaMs > 0 ? 'delta-slower' : 'delta-faster'}`}
                  >
                    {row.deltaMs === null ? '—' : formatDelta(row.deltaMs)}
                  </td>
                  <td>
                    {row.left === null
                      ? 'only in the later trace'
                      : row.right === null
                        ? 'only in the earlier trace'
                        : row.statusChanged
                          ? `${row.left.status} → ${row.right.status}`
                          : row.left.status}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Side({ side }: { side: ComparedSide | null }) {
  if (!side) return <span className="muted">absent</span>;
  return (
    <span title={side.statusMessage}>
      {side.status === 'ERROR' && (
        <span className="wf-error-icon" aria-label="failed">
          ✕{' '}
        </span>
      )}
      {formatDuration(side.durationMs)}
    </span>
  );
}
