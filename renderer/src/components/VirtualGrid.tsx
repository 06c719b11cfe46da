import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { nextActiveIndex, rowsPerPage } from './grid-keys';

// A list of fixed-height rows virtualized by TanStack Virtual: only the rows in view (plus
// `overscan` on each side) are in the DOM, so 100,000 rows scroll like 100. The owner of the data
// is told which rows are drawn (`onRangeChange`) so it can fetch their pages, and renders a
// placeholder for a row it does not have yet. The focus stays on the list (one tab stop):
// arrows, Page Up/Down and Home/End move the active row, Enter activates it. An owner may give the
// active row's own control (a cell's link) a tab stop, right after the list's.

export interface VirtualGridProps {
  count: number;
  rowHeight: number;
  renderRow(index: number): ReactNode;
  /** The drawn rows [start, end) changed (overscan included). */
  onRangeChange?(start: number, end: number): void;
  /** The row the keyboard is on (controlled), or -1. */
  activeIndex?: number;
  onActiveIndexChange?(index: number): void;
  /** Enter on the active row. */
  onActivate?(index: number): void;
  overscan?: number;
  /** Accessible name of the list. */
  label: string;
  /** `grid` for tables whose rows have cells; `treegrid` when rows nest (rowProps gives aria-level). */
  role?: 'grid' | 'treegrid' | 'listbox';
  /** aria-colcount for grids. */
  columnCount?: number;
  /** aria-rowcount when the list holds fewer rows than exist (rows still to be loaded). */
  rowCount?: number;
  /** Content shown above the rows, inside the scroller (a sticky header). */
  header?: ReactNode;
  className?: string;
  /** Extra class of one row (e.g. a highlighted mismatch). */
  rowClassName?(index: number): string | undefined;
  /** Tree and naming attributes of one row (a treegrid's aria-level and aria-expanded). */
  rowProps?(index: number): RowAria;
  /** Given the scrolling element (and null on unmount), for owners that follow or set the scroll position. */
  scrollerRef?(element: HTMLDivElement | null): void;
}

export interface RowAria {
  'aria-level'?: number;
  'aria-expanded'?: boolean;
  'aria-label'?: string;
}

const defaultViewport = 600;

export function VirtualGrid(props: VirtualGridProps) {
  const { count, rowHeight, overscan = 8, onRangeChange, activeIndex = -1, onActiveIndexChange, onActivate } = props;
  const scroller = useRef<HTMLDivElement | null>(null);
  const headerRef = useRef<HTMLDivElement>(null);
  const [headerHeight, setHeaderHeight] = useState(0);
  const rowIdPrefix = useId();
  const { scrollerRef } = props;
  const setScroller = useCallback(
    (element: HTMLDivElement | null) => {
      scroller.current = element;
      scrollerRef?.(element);
    },
    [scrollerRef],
  );

  // The sticky header sits above the rows inside the scroller: the rows start below it, and a row
  // scrolled into view must not end up under it.
  useLayoutEffect(() => {
    const header = headerRef.current;
    if (!header) return;
    const measure = () => setHeaderHeight(header.offsetHeight);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(header);
    return () => observer.disconnect();
  }, []);

  // The rule warns that the React Compiler cannot memoize around useVirtualizer's functions; the
  // renderer is not built with that compiler, so nothing here is memoized behind React's back.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: useCallback(() => rowHeight, [rowHeight]),
    overscan,
    scrollMargin: headerHeight,
    scrollPaddingStart: headerHeight,
    initialRect: { width: 0, height: defaultViewport },
    // Rows render in React's normal pass, not synchronously inside the scroll event.
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.length > 0 ? items[items.length - 1]!.index + 1 : 0;

  useEffect(() => {
    onRangeChange?.(first, last);
  }, [first, last, onRangeChange]);

  useEffect(() => {
    if (activeIndex >= 0 && activeIndex < count) virtualizer.scrollToIndex(activeIndex, { align: 'auto' });
  }, [activeIndex, count, virtualizer]);

  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    // Keys typed on a control inside a row (a cell's link) are that control's: Enter there must
    // press it, not activate the row.
    if (event.target !== event.currentTarget) return;
    const viewport = (virtualizer.scrollRect?.height ?? defaultViewport) - headerHeight;
    const target = nextActiveIndex(event.key, activeIndex, count, rowsPerPage(viewport, rowHeight));
    if (target !== null) {
      event.preventDefault();
      onActiveIndexChange?.(target);
    } else if (event.key === 'Enter' && activeIndex >= 0 && activeIndex < count) {
      event.preventDefault();
      onActivate?.(activeIndex);
    }
  };

  return (
    <div
      ref={setScroller}
      className={`virtual-rows ${props.className ?? ''}`}
      role={props.role ?? 'grid'}
      aria-label={props.label}
      aria-rowcount={props.rowCount ?? count}
      aria-colcount={props.columnCount}
      // Assistive technology follows the active row while it is drawn.
      aria-activedescendant={
        activeIndex >= first && activeIndex < last ? `${rowIdPrefix}-row-${activeIndex}` : undefined
      }
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      {props.header && (
        <div ref={headerRef} className="virtual-rows-header" role="rowgroup">
          {props.header}
        </div>
      )}
      <div
        className="virtual-rows-body"
        role="rowgroup"
        style={{ height: Math.max(0, virtualizer.getTotalSize() - headerHeight) }}
      >
        {items.map((item) => (
          <div
            key={item.key}
            id={`${rowIdPrefix}-row-${item.index}`}
            className={`virtual-row ${props.rowClassName?.(item.index) ?? ''}`}
            role="row"
            aria-rowindex={item.index + 1}
            aria-selected={item.index === activeIndex}
            data-index={item.index}
            {...props.rowProps?.(item.index)}
            style={{ transform: `translateY(${item.start - headerHeight}px)`, height: rowHeight }}
          >
            {props.renderRow(item.index)}
          </div>
        ))}
      </div>
    </div>
  );
}
