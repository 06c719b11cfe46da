import { useMemo, useState } from 'react';
import { Waterfall, waterfallRowHeight } from '../traces/Waterfall';
import { buildSpanTree, criticalPath, fullWindow, parentRow, waterfallRows } from '../traces/waterfall-layout';
import type { RunResult } from './run-outcome';

/** Rows shown before the run's waterfall scrolls (a draft with many fetches). */
const traceRowsShown = 8;

/** The run's spans in the trace views' waterfall: the hook, its one layer, the script, its fetches. */
export function RunTrace({ trace }: { trace: NonNullable<RunResult['trace']> }) {
  const tree = useMemo(() => buildSpanTree(trace.spans), [trace]);
  const critical = useMemo(() => criticalPath(tree), [tree]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const rows = useMemo(() => waterfallRows(tree, collapsed, critical), [tree, collapsed, critical]);
  const [activeIndex, setActiveIndex] = useState(0);
  const [selectedSpanId, setSelectedSpanId] = useState<string | null>(null);
  const selected = tree.nodes.find((node) => node.span.spanId === selectedSpanId)?.span;
  const toggle = (index: number, expand: boolean) => {
    const id = rows[index]?.node.span.spanId;
    if (!id) return;
    setCollapsed((current) => {
      const next = new Set(current);
      if (expand) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  // The header row and the rows, up to traceRowsShown of them, plus the grid's border.
  const height = (Math.min(rows.length, traceRowsShown) + 1) * waterfallRowHeight + 8;
  return (
    <section className="run-trace" aria-labelledby="run-trace-heading">
      <div className="run-trace-waterfall" style={{ height }}>
        <Waterfall
          rows={rows}
          durationMs={tree.durationMs}
          window={fullWindow}
          activeIndex={Math.min(activeIndex, rows.length - 1)}
          selectedSpanId={selectedSpanId}
          onActiveIndexChange={setActiveIndex}
          onSelect={(index) => setSelectedSpanId(rows[index]?.node.span.spanId ?? null)}
          onToggle={toggle}
          onParent={(index) => setActiveIndex(parentRow(rows, index))}
          scrollerRef={() => undefined}
        />
      </div>
      {selected?.status.message && (
        <p className="run-trace-status" role="status">
          {selected.name}: {selected.status.message}
        </p>
      )}
    </section>
  );
}
