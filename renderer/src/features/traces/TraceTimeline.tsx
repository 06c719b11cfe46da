import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Minimap } from './Minimap';
import { SpanDetails, type InputEventState } from './SpanDetails';
import { formatDuration } from './time';
import type { TraceDetail } from './types';
import { Waterfall, waterfallRowHeight } from './Waterfall';
import {
  ancestorIds,
  buildSpanTree,
  criticalPath,
  findSpans,
  fullWindow,
  parentRow,
  waterfallRows,
  zoomWindow,
  type SpanTree,
  type TimeWindow,
} from './waterfall-layout';

interface Props {
  trace: TraceDetail;
  inputEvent: InputEventState;
  onOpenScript(scriptId: string, line: number): void;
}

/** Traces with more spans than this get the overview above the waterfall. */
const minimapFrom = 24;

/** The span shown first: the first that failed with a line to open, else the first failure, else the root. */
function initialSpan(tree: SpanTree): string | null {
  const failed = tree.nodes.filter((node) => node.span.status.code === 'ERROR' && node.span.kind !== 'hook');
  const withLine = failed.find((node) => node.span.attributes['script.error.line'] !== undefined);
  return (withLine ?? failed[0] ?? tree.nodes[0])?.span.spanId ?? null;
}

/** The waterfall of one trace, its overview and the selected span's details. */
export function TraceTimeline({ trace, inputEvent, onOpenScript }: Props) {
  const tree = useMemo(() => buildSpanTree(trace.spans), [trace]);
  const critical = useMemo(() => criticalPath(tree), [tree]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const rows = useMemo(() => waterfallRows(tree, collapsed, critical), [tree, collapsed, critical]);
  const [selectedSpanId, setSelectedSpanId] = useState<string | null>(() => initialSpan(tree));
  const [activeIndex, setActiveIndex] = useState(() => {
    const first = initialSpan(tree);
    return Math.max(
      0,
      rows.findIndex((row) => row.node.span.spanId === first),
    );
  });
  const [window, setWindow] = useState<TimeWindow>(fullWindow);
  const [view, setView] = useState({ top: 0, height: 1 });
  const scroller = useRef<HTMLDivElement | null>(null);
  const setScroller = useCallback((element: HTMLDivElement | null) => {
    scroller.current = element;
  }, []);
  const scrollerId = useId();

  // Follow the waterfall's scrolling for the overview's frame (once a frame at most).
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    element.id = scrollerId;
    let frame = 0;
    const measure = () => {
      frame = 0;
      const body = Math.max(1, rows.length * waterfallRowHeight);
      const header = element.querySelector('.virtual-rows-header')?.clientHeight ?? 0;
      setView({
        top: Math.min(1, element.scrollTop / body),
        height: Math.min(1, Math.max(0, element.clientHeight - header) / body),
      });
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(measure);
    };
    measure();
    element.addEventListener('scroll', schedule, { passive: true });
    const observer = new ResizeObserver(schedule);
    observer.observe(element);
    return () => {
      element.removeEventListener('scroll', schedule);
      observer.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [rows.length, scrollerId]);

  const firstPaintDone = useRef(false);
  const onFirstPaint = useCallback(() => {
    if (firstPaintDone.current) return;
    firstPaintDone.current = true;
    performance.mark('waterfall:drawn', { detail: { spans: trace.spans.length } });
    try {
      performance.measure('waterfall', 'waterfall:start', 'waterfall:drawn');
    } catch {
      // No start mark (the trace came from elsewhere): nothing to measure.
    }
  }, [trace]);

  const toggle = (index: number, expand: boolean) => {
    const row = rows[index];
    if (!row) return;
    const id = row.node.span.spanId;
    setCollapsed((current) => {
      const next = new Set(current);
      if (expand) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  const setAll = (collapse: boolean) => {
    setCollapsed(
      collapse
        ? new Set(tree.nodes.filter((n) => n.depth >= 1 && n.children.length > 0).map((n) => n.span.spanId))
        : new Set(),
    );
    setActiveIndex(0);
  };

  const [find, setFind] = useState('');
  const [matchCursor, setMatchCursor] = useState(-1);
  const matches = useMemo(() => findSpans(tree, find), [tree, find]);
  const matchSet = useMemo(() => new Set(matches), [matches]);
  /** Shows the k-th match: its ancestors expanded, its row active and its details open. */
  const goToMatch = (k: number) => {
    if (matches.length === 0) return;
    const cursor = ((k % matches.length) + matches.length) % matches.length;
    const nodeIndex = matches[cursor]!;
    const hidden = ancestorIds(tree, nodeIndex).filter((id) => collapsed.has(id));
    const nextCollapsed = hidden.length ? new Set([...collapsed].filter((id) => !hidden.includes(id))) : collapsed;
    const nextRows = hidden.length ? waterfallRows(tree, nextCollapsed, critical) : rows;
    setCollapsed(nextCollapsed);
    setMatchCursor(cursor);
    setActiveIndex(
      Math.max(
        0,
        nextRows.findIndex((row) => row.node.index === nodeIndex),
      ),
    );
    setSelectedSpanId(tree.nodes[nodeIndex]!.span.spanId);
  };

  const selected = useMemo(
    () => (selectedSpanId === null ? undefined : tree.nodes[tree.byId.get(selectedSpanId) ?? -1]),
    [tree, selectedSpanId],
  );
  const zoomed = window.from > 0 || window.to < 1;
  const showMinimap = tree.nodes.length >= minimapFrom;

  return (
    <div className="trace-timeline">
      <div className="trace-main">
        <div className="waterfall-toolbar" role="toolbar" aria-label="Waterfall">
          <button type="button" onClick={() => setAll(false)}>
            Expand all
          </button>
          <button type="button" onClick={() => setAll(true)}>
            Collapse to layers
          </button>
          <span className="toolbar-gap" />
          <button
            type="button"
            aria-label="Zoom in"
            title="Zoom in (+ on the overview)"
            onClick={() => setWindow(zoomWindow(window, 0.5))}
          >
            +
          </button>
          <button
            type="button"
            aria-label="Zoom out"
            title="Zoom out (− on the overview)"
            disabled={!zoomed}
            onClick={() => setWindow(zoomWindow(window, 2))}
          >
            −
          </button>
          <button type="button" disabled={!zoomed} onClick={() => setWindow(fullWindow)}>
            Whole trace
          </button>
          <span className="muted waterfall-window" aria-live="polite">
            {zoomed
              ? `${formatDuration(window.from * tree.durationMs)} – ${formatDuration(window.to * tree.durationMs)}`
              : `${formatDuration(tree.durationMs)} total`}
          </span>
          <span className="waterfall-find">
            <input
              type="search"
              aria-label="Find spans"
              placeholder="Find spans (name, attribute)"
              value={find}
              maxLength={200}
              onChange={(event) => {
                setFind(event.target.value);
                setMatchCursor(-1);
              }}
              onKeyDown={(event) => {
                if (event.key !== 'Enter') return;
                event.preventDefault();
                goToMatch(event.shiftKey ? matchCursor - 1 : matchCursor + 1);
              }}
            />
            {find.trim() && (
              <>
                <span className="muted" role="status">
                  {matches.length === 0
                    ? 'no match'
                    : `${matchCursor >= 0 ? `${matchCursor + 1} of ` : ''}${matches.length} match${matches.length === 1 ? '' : 'es'}`}
                </span>
                <button
                  type="button"
                  aria-label="Previous match"
                  title="Previous match (Shift+Enter)"
                  disabled={matches.length === 0}
                  onClick={() => goToMatch(matchCursor - 1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  aria-label="Next match"
                  title="Next match (Enter)"
                  disabled={matches.length === 0}
                  onClick={() => goToMatch(matchCursor + 1)}
                >
                  ↓
                </button>
              </>
            )}
          </span>
          <span className="legend muted">
            <span className="legend-critical" aria-hidden="true" /> critical path
            <span className="wf-error-icon" aria-hidden="true">
              ✕
            </span>{' '}
            failed
          </span>
        </div>
        {showMinimap && (
          <Minimap
            rows={rows}
            durationMs={tree.durationMs}
            window={window}
            onWindowChange={setWindow}
            view={view}
            controls={scrollerId}
            onScrollTo={(top) => {
              const element = scroller.current;
              if (element) element.scrollTop = top * rows.length * waterfallRowHeight;
            }}
          />
        )}
        <Waterfall
          rows={rows}
          durationMs={tree.durationMs}
          window={window}
          activeIndex={Math.min(activeIndex, rows.length - 1)}
          selectedSpanId={selectedSpanId}
          matches={matchSet}
          onActiveIndexChange={setActiveIndex}
          onSelect={(index) => {
            const row = rows[index];
            if (row) setSelectedSpanId(row.node.span.spanId);
          }}
          onToggle={toggle}
          onParent={(index) => setActiveIndex(parentRow(rows, index))}
          scrollerRef={setScroller}
          onFirstPaint={onFirstPaint}
        />
      </div>
      <aside className="trace-side" aria-label="Selected span">
        {selected ? (
          <SpanDetails
            span={selected.span}
            traceStart={tree.startNanos}
            inputEvent={inputEvent}
            onOpenScript={onOpenScript}
          />
        ) : (
          <p className="empty-state">Select a span (click, or arrows and Enter) to see its details.</p>
        )}
      </aside>
    </div>
  );
}
