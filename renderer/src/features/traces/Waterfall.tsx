import { useLayoutEffect, useMemo, type KeyboardEvent } from 'react';
import { VirtualGrid } from '../../components/VirtualGrid';
import { formatDuration, timeTicks } from './time';
import type { TimeWindow, WaterfallRow } from './waterfall-layout';

interface Props {
  rows: WaterfallRow[];
  durationMs: number;
  window: TimeWindow;
  activeIndex: number;
  selectedSpanId: string | null;
  /** Nodes (by tree index) that match the find box: highlighted. */
  matches?: ReadonlySet<number>;
  onActiveIndexChange(index: number): void;
  /** Enter or a click: show this row's span in the details panel. */
  onSelect(index: number): void;
  /** Left/Right or the row's toggle: collapse (false) or expand (true) a span's children. */
  onToggle(index: number, expand: boolean): void;
  /** Left on a row that cannot collapse: go to its parent row. */
  onParent(index: number): void;
  scrollerRef(element: HTMLDivElement | null): void;
  /** Told once, after the first paint of these rows (the benchmark's `waterfall` measure). */
  onFirstPaint?(): void;
}

export const waterfallRowHeight = 26;

/** What a row calls its span: the script's id, `layer 2`, the fetch's method and URL. */
export function spanLabel(row: WaterfallRow): string {
  const { span } = row.node;
  const scriptId = span.attributes['script.id'];
  if (span.kind === 'script' && typeof scriptId === 'string') return scriptId;
  if (span.kind === 'fetch') return span.name.replace(/^fetch /, '');
  if (span.kind === 'hook') return span.name.replace(/^hook /, '');
  return span.name;
}

/** `script geo`, `layer 1`, `hook signup.before`, `fetch GET https://…`: kind and label, said once. */
export function spanName(row: WaterfallRow): string {
  const label = spanLabel(row);
  const { kind } = row.node.span;
  return label.startsWith(`${kind} `) ? label : `${kind} ${label}`;
}

/**
 * The trace's spans as indented rows on a time axis (Jaeger's waterfall): bars by start and end,
 * parallel scripts overlapping, the critical path underlined, errors marked with an icon. Rows are
 * virtualized, so a trace of thousands of spans draws as fast as a small one.
 */
export function Waterfall(props: Props) {
  const { rows, durationMs, window, activeIndex, onFirstPaint } = props;
  const span = Math.max(window.to - window.from, 1e-9);
  const { ticks } = useMemo(
    () => timeTicks(window.from * durationMs, window.to * durationMs, 6),
    [window.from, window.to, durationMs],
  );

  useLayoutEffect(() => {
    if (!onFirstPaint) return;
    // Registered before the browser paints this commit: requestAnimationFrame runs just before
    // that paint, and the message posted from it is handled just after.
    let cancelled = false;
    const frame = requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        if (!cancelled) onFirstPaint();
        channel.port1.close();
      };
      channel.port2.postMessage(null);
    });
    return () => {
      cancelled = true;
      cancelAnimationFrame(frame);
    };
  }, [onFirstPaint]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const row = rows[activeIndex];
    if (!row || (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight')) return;
    event.preventDefault();
    if (event.key === 'ArrowRight') {
      if (row.hasChildren && row.collapsed) props.onToggle(activeIndex, true);
      else if (row.hasChildren) props.onActiveIndexChange(activeIndex + 1);
    } else if (row.hasChildren && !row.collapsed) props.onToggle(activeIndex, false);
    else props.onParent(activeIndex);
  };

  const position = (fraction: number) => (fraction - window.from) / span;

  const renderRow = (index: number) => {
    const row = rows[index];
    if (!row) return null;
    const { node } = row;
    const failed = node.span.status.code === 'ERROR';
    const left = position(row.left);
    const width = row.width / span;
    const right = left + width;
    const duration = node.endMs - node.startMs;
    // The duration goes after the bar, else before it, else (a bar across the view) inside it.
    const labelPlace = right < 0.82 ? 'after' : left > 0.18 ? 'before' : 'inside';
    return (
      <div
        className={`wf-row wf-kind-${node.span.kind}${failed ? ' wf-failed' : ''}${row.critical ? ' wf-critical' : ''}${
          node.span.spanId === props.selectedSpanId ? ' wf-selected' : ''
        }${props.matches?.has(node.index) ? ' wf-match' : ''}`}
        data-span-id={node.span.spanId}
        onClick={() => {
          props.onActiveIndexChange(index);
          props.onSelect(index);
        }}
      >
        <div role="gridcell" className="wf-name" style={{ paddingLeft: 6 + node.depth * 14 }}>
          {row.hasChildren ? (
            <span
              className="wf-toggle"
              aria-hidden="true"
              title={row.collapsed ? `Expand (${node.descendants} hidden)` : 'Collapse'}
              onClick={(event) => {
                event.stopPropagation();
                props.onToggle(index, row.collapsed);
              }}
            >
              {row.collapsed ? '▸' : '▾'}
            </span>
          ) : (
            <span className="wf-toggle" aria-hidden="true" />
          )}
          <span className="wf-kind-tag">{node.span.kind}</span>
          <span className="wf-label" title={node.span.name}>
            {spanLabel(row)}
          </span>
          {row.collapsed && <span className="wf-hidden-count">+{node.descendants}</span>}
          {failed && (
            <span className="wf-error-icon" title="Failed">
              <span aria-hidden="true">✕</span>
              <span className="visually-hidden">failed</span>
            </span>
          )}
        </div>
        <div role="gridcell" className="wf-timeline">
          {ticks.map((tick) => (
            <span key={tick.ms} className="wf-gridline" style={{ left: `${tick.fraction * 100}%` }} />
          ))}
          <span
            className="wf-bar"
            title={`${node.span.name}: ${formatDuration(duration)} from ${formatDuration(node.startMs)}`}
            style={{ left: `${left * 100}%`, width: `max(2px, ${width * 100}%)` }}
          >
            {node.span.events.slice(0, 24).map((event, k) => (
              <span
                key={k}
                className="wf-log-tick"
                style={{
                  left: `${duration > 0 ? ((offsetOf(event.timeUnixNano, node.span.startTimeUnixNano) / duration) * 100).toFixed(2) : 0}%`,
                }}
              />
            ))}
          </span>
          <span
            className={`wf-duration${labelPlace === 'inside' ? ' wf-duration-inside' : ''}`}
            style={
              labelPlace === 'after'
                ? { left: `calc(${Math.max(0, right) * 100}% + 4px)` }
                : labelPlace === 'before'
                  ? { right: `calc(${Math.max(0, 1 - left) * 100}% + 4px)` }
                  : { right: `calc(${Math.max(0, 1 - Math.min(1, right)) * 100}% + 4px)` }
            }
          >
            {formatDuration(duration)}
          </span>
        </div>
      </div>
    );
  };

  return (
    <div className="waterfall" onKeyDown={onKeyDown}>
      <VirtualGrid
        label="Spans"
        role="treegrid"
        count={rows.length}
        rowHeight={waterfallRowHeight}
        renderRow={renderRow}
        activeIndex={activeIndex}
        onActiveIndexChange={props.onActiveIndexChange}
        onActivate={props.onSelect}
        columnCount={2}
        overscan={12}
        scrollerRef={props.scrollerRef}
        className="wf-grid"
        rowProps={(index) => {
          const row = rows[index];
          if (!row) return {};
          const { node } = row;
          const failed = node.span.status.code === 'ERROR';
          return {
            'aria-level': node.depth + 1,
            ...(row.hasChildren ? { 'aria-expanded': !row.collapsed } : {}),
            'aria-label': `${spanName(row)}, ${formatDuration(node.endMs - node.startMs)}${
              failed ? ', failed' : ''
            }${row.critical ? ', on the critical path' : ''}${props.matches?.has(node.index) ? ', matches the search' : ''}`,
          };
        }}
        header={
          <div role="row" className="wf-row wf-header-row">
            <div role="columnheader" className="wf-name">
              Span
            </div>
            <div role="columnheader" className="wf-timeline wf-axis">
              {ticks.map((tick) => (
                <span
                  key={tick.ms}
                  className={`wf-tick${tick.fraction > 0.9 ? ' wf-tick-end' : ''}`}
                  style={{ left: `${tick.fraction * 100}%` }}
                >
                  {tick.ms === 0 ? '0 ms' : formatDuration(tick.ms)}
                </span>
              ))}
            </div>
          </div>
        }
      />
    </div>
  );
}

function offsetOf(time: string, start: string): number {
  return /^\d+$/.test(time) && /^\d+$/.test(start) ? Number(BigInt(time) - BigInt(start)) / 1e6 : 0;
}
