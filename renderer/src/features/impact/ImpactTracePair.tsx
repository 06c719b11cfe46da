import { useMemo } from 'react';
import { errorMessage } from '../../app/studio-error';
import { ErrorMessage } from '../../components/ErrorMessage';
import { compareTraces } from '../traces/trace-compare';
import { formatDelta, formatDuration } from '../traces/time';
import { useImpactTrace } from './use-impact';
// The trace view's comparison table styles (the traces view itself may never have been opened).
import '../traces/traces.css';

interface Props {
  baselineTraceId: string;
  candidateTraceId: string;
  onOpenTrace(traceId: string): void;
}

/**
 * The event's two runs side by side, span by span (aligned as the trace view's comparison aligns
 * them, features/traces/trace-compare.ts): the runtime's active bundle on the left, the candidate
 * on the right. Impact traces are not traces of a library event, so the trace view's own
 * comparison (which looks for other traces of the same library event) cannot pair them.
 */
export function ImpactTracePair({ baselineTraceId, candidateTraceId, onOpenTrace }: Props) {
  const baseline = useImpactTrace(baselineTraceId);
  const candidate = useImpactTrace(candidateTraceId);
  const comparison = useMemo(
    () => (baseline.data && candidate.data ? compareTraces(baseline.data.spans, candidate.data.spans) : null),
    [baseline.data, candidate.data],
  );
  const failed = baseline.error ?? candidate.error;
  return (
    <section className="trace-compare impact-traces" aria-label="Both traces">
      <div className="impact-trace-links">
        <button type="button" onClick={() => onOpenTrace(baselineTraceId)}>
          Open the runtime bundle’s trace
        </button>
        <button type="button" onClick={() => onOpenTrace(candidateTraceId)}>
          Open the candidate’s trace
        </button>
      </div>
      <ErrorMessage message={failed ? `A trace could not be loaded: ${errorMessage(failed)}` : null} />
      {!comparison && !failed && <p role="status">Loading both traces…</p>}
      {comparison && (
        <table className="trace-compare-table" aria-label="Spans of both runs">
          <thead>
            <tr>
              <th scope="col">Span</th>
              <th scope="col">Runtime’s bundle</th>
              <th scope="col">Candidate</th>
              <th scope="col">Δ</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {comparison.rows.map((row) => (
              <tr
                key={row.key}
                className={
                  row.left === null || row.right === null ? 'compare-only' : row.statusChanged ? 'compare-changed' : ''
                }
              >
                <th scope="row" style={{ paddingLeft: 8 + row.depth * 14 }}>
                  <span className="wf-kind-tag">{row.kind}</span> {row.label.replace(/^script /, '')}
                </th>
                <td className="numeric">{row.left ? formatDuration(row.left.durationMs) : 'absent'}</td>
                <td className="numeric">{row.right ? formatDuration(row.right.durationMs) : 'absent'}</td>
                <td className="numeric">{row.deltaMs === null ? '—' : formatDelta(row.deltaMs)}</td>
                <td>
                  {row.left === null
                    ? 'only in the candidate'
                    : row.right === null
                      ? 'only in the runtime’s bundle'
                      : row.statusChanged
                        ? `${row.left.status} → ${row.right.status}`
                        : row.left.status}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
