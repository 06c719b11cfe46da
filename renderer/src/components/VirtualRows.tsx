import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

// A virtualized list of fixed-height rows: only the rows in view (plus `overscan` on each side) are
// in the DOM, so 100,000 rows scroll like 100. Rows are positioned with a transform inside a spacer
// as tall as the whole list. The owner of the data is told which range is visible
// (`onRangeChange`) so it can fetch pages on demand, and renders a placeholder for a row it does
// not have yet. Keyboard: arrows, Page Up/Down, Home/End move the active row; Enter activates it.

export interface VirtualRowsProps {
  count: number;
  rowHeight: number;
  renderRow(index: number): ReactNode;
  /** The visible range [start, end) changed (overscan included). */
  onRangeChange?(start: number, end: number): void;
  /** The row the keyboard is on (controlled), or -1. */
  activeIndex?: number;
  onActiveIndexChange?(index: number): void;
  /** Enter (or a double click, left to rows) on the active row. */
  onActivate?(index: number): void;
  overscan?: number;
  /** Accessible name of the list. */
  label: string;
  /**
   * `grid` for tables whose rows have cells; `treegrid` when rows nest (rowProps gives aria-level);
   * `listbox` for simple lists.
   */
  role?: 'grid' | 'treegrid' | 'listbox';
  /** aria-colcount for grids. */
  columnCount?: number;
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

export function VirtualRows(props: VirtualRowsProps) {
  const { count, rowHeight, overscan = 8, onRangeChange, activeIndex = -1, onActiveIndexChange, onActivate } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const headerHeight = useRef(0);
  const headerRef = useRef<HTMLDivElement>(null);
  const rowIdPrefix = useId();
  const { scrollerRef } = props;
  const setScroller = useCallback(
    (element: HTMLDivElement | null) => {
      scroller.current = element;
      scrollerRef?.(element);
    },
    [scrollerRef],
  );

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => {
      setViewport(element.clientHeight || 600);
      headerHeight.current = headerRef.current?.offsetHeight ?? 0;
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);

  useEffect(() => {
    onRangeChange?.(first, last);
  }, [first, last, onRangeChange]);

  const scrollIntoView = useCallback(
    (index: number) => {
      const element = scroller.current;
      if (!element) return;
      const top = index * rowHeight;
      const visible = element.clientHeight - headerHeight.current;
      if (top < element.scrollTop) element.scrollTop = top;
      else if (top + rowHeight > element.scrollTop + visible) element.scrollTop = top + rowHeight - visible;
    },
    [rowHeight],
  );

  useEffect(() => {
    if (activeIndex >= 0) scrollIntoView(activeIndex);
  }, [activeIndex, scrollIntoView]);

  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    if (count === 0) return;
    const page = Math.max(1, Math.floor(viewport / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: activeIndex + 1,
      ArrowUp: activeIndex - 1,
      PageDown: activeIndex + page,
      PageUp: activeIndex - page,
      Home: 0,
      End: count - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      onActiveIndexChange?.(Math.min(count - 1, Math.max(0, moves[event.key]!)));
    } else if (event.key === 'Enter' && activeIndex >= 0) {
      event.preventDefault();
      onActivate?.(activeIndex);
    }
  };

  const rows: ReactNode[] = [];
  for (let index = first; index < last; index += 1) {
    rows.push(
      <div
        key={index}
        id={`${rowIdPrefix}-row-${index}`}
        className={`virtual-row ${props.rowClassName?.(index) ?? ''}`}
        role="row"
        aria-rowindex={index + 1}
        aria-selected={index === activeIndex}
        data-index={index}
        {...props.rowProps?.(index)}
        style={{ transform: `translateY(${index * rowHeight}px)`, height: rowHeight }}
      >
        {props.renderRow(index)}
      </div>,
    );
  }

  return (
    <div
      ref={setScroller}
      className={`virtual-rows ${props.className ?? ''}`}
      role={props.role ?? 'grid'}
      aria-label={props.label}
      aria-rowcount={count}
      aria-colcount={props.columnCount}
      // The focus stays on the list; assistive technology follows the active row when it is rendered.
      aria-activedescendant={
        activeIndex >= first && activeIndex < last ? `${rowIdPrefix}-row-${activeIndex}` : undefined
      }
      tabIndex={0}
      onKeyDown={onKeyDown}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
    >
      {props.header && (
        <div ref={headerRef} className="virtual-rows-header" role="rowgroup">
          {props.header}
        </div>
      )}
      <div className="virtual-rows-body" role="rowgroup" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
