import type { MouseEvent } from 'react';
import { formatUtc } from '../../components/format-time';
import { HeaderRow, LoadingCell } from '../../components/grid-parts';
import { VirtualGrid } from '../../components/VirtualGrid';
import { outcomeSummary, type StoredEvent } from './event-record';
import { isSelected, selectedCount, type EventSelection } from './selection';

interface Props {
  /** The rows loaded so far, in order. */
  rows: readonly StoredEvent[];
  /** Every event matching the filter. */
  total: number;
  /** More rows follow the loaded ones. */
  hasMore: boolean;
  /** The list has come near its last loaded row. */
  onLoadMore(): void;
  selection: EventSelection;
  activeIndex: number;
  /** The event open in the editor. */
  openId: string | null;
  onActiveIndexChange(index: number): void;
  /** Enter or a click: show the event in the editor. */
  onOpen(index: number): void;
  /** A checkbox (or Space, or Ctrl/⌘-click): `range` when Shift was held. */
  onToggle(index: number, id: string, range: boolean): void;
  onSelectAll(selected: boolean): void;
}

export const eventRowHeight = 34;

const columns = ['Select', 'Id', 'Hook', 'Recorded at (UTC)', 'Source', 'Tags', 'Pinned', 'Recorded outcome'];

/** Rows left below the drawn ones when the next page is asked for. */
const loadAhead = 30;

/** The library's events, virtualized: pages load as the list nears its end; only drawn rows render. */
export function EventList(props: Props) {
  const { rows, total, hasMore, onLoadMore, selection } = props;
  const count = selectedCount(selection, total);
  const allChecked = total > 0 && count === total;

  const header = (
    <HeaderRow
      className="event-row event-row-header"
      columns={columns.slice(1)}
      leading={
        <span role="columnheader" className="event-cell-check">
          <input
            type="checkbox"
            aria-label="Select all matching events"
            checked={allChecked}
            ref={(input) => {
              if (input) input.indeterminate = count > 0 && !allChecked;
            }}
            disabled={total === 0}
            onChange={(event) => props.onSelectAll(event.target.checked)}
          />
        </span>
      }
    />
  );

  const renderRow = (index: number) => {
    const event = rows[index];
    if (!event) return <LoadingCell />;
    const checked = isSelected(selection, event.id);
    const outcome = outcomeSummary(event.outcome);
    const click = (mouse: MouseEvent) => {
      if (mouse.shiftKey || mouse.ctrlKey || mouse.metaKey) {
        mouse.preventDefault();
        props.onToggle(index, event.id, mouse.shiftKey);
      } else {
        props.onOpen(index);
      }
    };
    return (
      <>
        <span role="gridcell" className="event-cell-check">
          <input
            type="checkbox"
            // The list itself takes the focus (arrows, Space, Enter): one tab stop, not one a row.
            tabIndex={-1}
            aria-label={`Select ${event.id}`}
            checked={checked}
            onChange={() => undefined}
            onClick={(mouse) => {
              mouse.stopPropagation();
              props.onToggle(index, event.id, mouse.shiftKey);
            }}
          />
        </span>
        <span role="gridcell" className="event-cell-id" onClick={click} title={event.id}>
          <code>{event.id}</code>
        </span>
        <span role="gridcell" onClick={click}>
          {event.hook}
        </span>
        <span role="gridcell" onClick={click}>
          {event.at ? formatUtc(event.at, true, false) : <span className="muted">—</span>}
        </span>
        <span role="gridcell" onClick={click} title={event.source}>
          {event.source ?? <span className="muted">—</span>}
        </span>
        <span role="gridcell" onClick={click} title={event.tags.join(', ')}>
          {event.tags.map((tag) => (
            <span key={tag} className="tag">
              {tag}
            </span>
          ))}
        </span>
        <span role="gridcell" onClick={click}>
          {event.pinned ? (
            <span className="pin-mark" role="img" aria-label="pinned" title="Pinned">
              ●
            </span>
          ) : (
            <span className="visually-hidden">not pinned</span>
          )}
        </span>
        <span role="gridcell" onClick={click} className={`outcome outcome-${outcome.kind}`} title={outcome.text}>
          {outcome.text}
        </span>
      </>
    );
  };

  return (
    <VirtualGrid
      className="event-list"
      label="Events"
      count={rows.length + (hasMore ? 1 : 0)}
      rowCount={total}
      rowHeight={eventRowHeight}
      columnCount={columns.length}
      header={header}
      renderRow={renderRow}
      rowClassName={(index) => {
        const event = rows[index];
        const classes = ['event-row'];
        if (event && isSelected(selection, event.id)) classes.push('event-row-checked');
        if (event && event.id === props.openId) classes.push('event-row-open');
        return classes.join(' ');
      }}
      onRangeChange={(_start, end) => {
        if (hasMore && end + loadAhead >= rows.length) onLoadMore();
      }}
      activeIndex={props.activeIndex}
      onActiveIndexChange={props.onActiveIndexChange}
      onActivate={props.onOpen}
    />
  );
}
