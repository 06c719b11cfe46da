import { useCallback, useEffect, useLayoutEffect, useRef, useState, type MouseEvent } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import type { PagedRows } from '../../components/use-paged-query';
import { VirtualGrid } from '../../components/VirtualGrid';
import { clickRow, type RowSelection } from './row-selection';
import { StatusBadge } from './StatusBadge';
import { formatDuration, formatStart, nanosToEpochMs } from './time';
import type { TraceSummary } from './types';

interface Props {
  pages: PagedRows<unknown, TraceSummary>;
  filtered: boolean;
  onClearFilters(): void;
  selection: RowSelection;
  onSelectionChange(next: RowSelection): void;
  activeIndex: number;
  onActiveIndexChange(index: number): void;
  onOpen(traceId: string): void;
  /** Where the list was scrolled when it was last shown (restored on return from a trace). */
  scrollTop: { current: number };
}

const rowHeight = 32;
const columns = ['Select', 'Status', 'Hook', 'Duration', 'Started', 'Event', 'Message'];

/** The stored traces, latest first: a virtualized grid that fetches pages as it scrolls. */
export function TraceList(props: Props) {
  const { pages, selection, onSelectionChange, onOpen, scrollTop } = props;
  const scroller = useRef<HTMLDivElement | null>(null);
  const setScroller = useCallback((element: HTMLDivElement | null) => {
    scroller.current = element;
  }, []);
  const total = pages.total ?? 0;
  const ready = pages.total !== null;

  // Back from a trace: the list comes back where it was.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    element.scrollTop = scrollTop.current;
    const remember = () => {
      scrollTop.current = element.scrollTop;
    };
    element.addEventListener('scroll', remember, { passive: true });
    return () => element.removeEventListener('scroll', remember);
  }, [scrollTop, ready]);

  // Enter on a row whose page is still on its way opens it once the page arrives.
  const [pendingOpen, setPendingOpen] = useState<number | null>(null);
  const pendingTrace = pendingOpen === null ? undefined : pages.rowAt(pendingOpen)?.traceId;
  useEffect(() => {
    if (pendingTrace !== undefined) onOpen(pendingTrace);
  }, [pendingTrace, onOpen]);

  const idAt = (index: number) => pages.rowAt(index)?.traceId;
  const check = (index: number, event: MouseEvent) => {
    event.stopPropagation();
    onSelectionChange(clickRow(selection, index, event.shiftKey, idAt));
  };

  const renderRow = (index: number) => {
    const trace = pages.rowAt(index);
    if (!trace) {
      return (
        <div role="gridcell" aria-colspan={columns.length} className="trace-row-placeholder">
          <span className="visually-hidden">Loading…</span>
        </div>
      );
    }
    const checked = selection.selected.has(trace.traceId);
    return (
      <div
        className="trace-row"
        data-trace-id={trace.traceId}
        onClick={() => {
          props.onActiveIndexChange(index);
          onOpen(trace.traceId);
        }}
      >
        <div role="gridcell" className="trace-cell-check">
          <input
            type="checkbox"
            tabIndex={-1}
            checked={checked}
            aria-label={`Select trace ${trace.traceId}`}
            onClick={(event) => check(index, event)}
            onChange={() => undefined}
          />
        </div>
        <div role="gridcell">
          <StatusBadge status={trace.status} />
        </div>
        <div role="gridcell">
          <code>{trace.hook}</code>
        </div>
        <div role="gridcell" className="numeric">
          {formatDuration(trace.durationMs)}
        </div>
        <div role="gridcell" className="trace-cell-time">
          {formatStart(nanosToEpochMs(trace.startTimeUnixNano))}
        </div>
        <div role="gridcell" className="trace-cell-event">
          {trace.eventId ? <code>{trace.eventId}</code> : <span className="muted">—</span>}
        </div>
        <div role="gridcell" className="trace-cell-message" title={trace.statusMessage}>
          {trace.statusMessage ?? ''}
        </div>
      </div>
    );
  };

  if (pages.total === 0 && !pages.error) {
    return props.filtered ? (
      <div className="empty-state">
        <p>No traces match these filters.</p>
        <button type="button" onClick={props.onClearFilters}>
          Clear filters
        </button>
      </div>
    ) : (
      <p className="empty-state">
        No traces yet: replay events from the Events view (Alt+3), and each replayed event leaves a trace here.
      </p>
    );
  }

  return (
    <div
      className="trace-list"
      data-list-state={ready ? 'ready' : 'loading'}
      onKeyDown={(event) => {
        // Space ticks the active row, as a click on its box would.
        if (event.key !== ' ' || event.target !== scroller.current) return;
        event.preventDefault();
        if (props.activeIndex >= 0) onSelectionChange(clickRow(selection, props.activeIndex, event.shiftKey, idAt));
      }}
    >
      <ErrorMessage message={pages.error} />
      <VirtualGrid
        label="Traces"
        count={total}
        rowHeight={rowHeight}
        renderRow={renderRow}
        onRangeChange={pages.setRange}
        activeIndex={props.activeIndex}
        onActiveIndexChange={(index) => {
          setPendingOpen(null);
          props.onActiveIndexChange(index);
        }}
        onActivate={(index) => {
          const trace = pages.rowAt(index);
          if (trace) onOpen(trace.traceId);
          else setPendingOpen(index);
        }}
        columnCount={columns.length}
        scrollerRef={setScroller}
        className="trace-grid"
        header={
          <div role="row" className="trace-row trace-header-row">
            {columns.map((column) => (
              <div role="columnheader" key={column} className={column === 'Select' ? 'trace-cell-check' : undefined}>
                {column === 'Select' ? <span className="visually-hidden">Selected</span> : column}
              </div>
            ))}
          </div>
        }
      />
    </div>
  );
}
