import { VirtualGrid } from '../../components/VirtualGrid';
import { formatDuration } from '../traces/time';
import type { TailRow } from './tail-rows';

interface Props {
  rows: TailRow[];
  activeKey: number | null;
  onActiveKeyChange(key: number | null): void;
  /** Enter or a click: open the row's trace. */
  onOpen(row: TailRow): void;
}

const columns = ['Time (UTC)', 'Hook', 'Outcome', 'Version', 'Duration', 'Reason or error', 'Rollout'];

/** Time of day to the millisecond: rows a few milliseconds apart must still read apart. */
function timeOfDay(iso: string): string {
  const match = /T(\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)/.exec(iso);
  return match?.[1] ?? iso;
}

function detail(row: TailRow): string {
  if (row.error) return `${row.error.code}${row.error.script ? ` in ${row.error.script}` : ''}`;
  return row.reason ?? '';
}

/** The tail's rows, newest first, virtualized (up to the 5,000 the screen keeps). */
export function TailList({ rows, activeKey, onActiveKeyChange, onOpen }: Props) {
  const activeIndex = activeKey === null ? -1 : rows.findIndex((row) => row.key === activeKey);
  return (
    <VirtualGrid
      className="tail-list"
      label="Invocations"
      count={rows.length}
      rowHeight={28}
      columnCount={columns.length}
      activeIndex={activeIndex}
      onActiveIndexChange={(index) => onActiveKeyChange(rows[index]?.key ?? null)}
      onActivate={(index) => {
        const row = rows[index];
        if (row) onOpen(row);
      }}
      header={
        <div role="row" className="tail-row tail-header">
          {columns.map((column) => (
            <span key={column} role="columnheader">
              {column}
            </span>
          ))}
        </div>
      }
      rowProps={(index) => {
        const row = rows[index];
        return row ? { 'aria-label': `${timeOfDay(row.at)} ${row.hook}: ${row.outcome}` } : {};
      }}
      rowClassName={(index) => `tail-outcome-${rows[index]?.outcome ?? 'none'}`}
      renderRow={(index) => {
        const row = rows[index];
        if (!row) return null;
        return (
          <div
            className="tail-row"
            data-outcome={row.outcome}
            data-trace-id={row.traceId}
            onClick={() => {
              onActiveKeyChange(row.key);
              onOpen(row);
            }}
          >
            <span role="gridcell">{timeOfDay(row.at)}</span>
            <span role="gridcell">
              <code>{row.hook}</code>
            </span>
            <span role="gridcell" className="tail-outcome">
              {row.outcome}
            </span>
            <span role="gridcell">{row.version === null ? '—' : `v${row.version}`}</span>
            <span role="gridcell" className="numeric">
              {formatDuration(row.durationMs)}
            </span>
            <span role="gridcell" className="tail-detail" title={detail(row)}>
              {detail(row)}
            </span>
            <span role="gridcell">{row.rollout?.role ?? ''}</span>
          </div>
        );
      }}
    />
  );
}
