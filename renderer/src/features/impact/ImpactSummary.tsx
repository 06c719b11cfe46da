import { LatencyTable } from '../../components/LatencyTable';
import type { ChangeKind } from './impact-queries';
import { isFlip, kindCounts, type ImpactSummary as Summary } from './impact-text';

interface Props {
  summary: Summary;
  /** The kind the list shows, or undefined for all. */
  kind: ChangeKind | undefined;
  onKind(kind: ChangeKind | undefined): void;
}

const n = (count: number) => count.toLocaleString('en-US');

/** Counts per kind of change (each a filter of the list) and latency, baseline against candidate. */
export function ImpactSummary({ summary, kind, onKind }: Props) {
  return (
    <div className="impact-summary">
      <div role="group" aria-label="Changes by kind" className="impact-kinds">
        <button type="button" aria-pressed={kind === undefined} onClick={() => onKind(undefined)}>
          All changes
        </button>
        {kindCounts(summary).map((entry) => (
          <button
            key={entry.kind}
            type="button"
            className={`impact-kind ${isFlip(entry.kind) ? 'impact-kind-flip' : ''} ${entry.count ? 'nonzero' : ''}`}
            aria-pressed={kind === entry.kind}
            data-kind={entry.kind}
            disabled={entry.count === 0 && kind !== entry.kind}
            onClick={() => onKind(kind === entry.kind ? undefined : entry.kind)}
          >
            {entry.label}: <strong>{n(entry.count)}</strong>
          </button>
        ))}
        <span className="muted">
          {n(summary.unchanged)} of {n(summary.events)} unchanged
        </span>
      </div>
      <LatencyTable
        label="Latency, baseline and candidate"
        before={{ name: 'Runtime’s active bundle', latency: summary.latencyMs.baseline }}
        after={{ name: 'Candidate', latency: summary.latencyMs.candidate }}
      />
    </div>
  );
}
