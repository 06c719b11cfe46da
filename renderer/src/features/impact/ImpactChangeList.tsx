import { HeaderRow, LoadingCell } from '../../components/grid-parts';
import { VirtualGrid } from '../../components/VirtualGrid';
import { isFlip, kindLabel, outcomeText, type ImpactChange } from './impact-text';

interface Props {
  count: number;
  rowAt(index: number): ImpactChange | undefined;
  onRangeChange(start: number, end: number): void;
  active: number;
  onActive(index: number): void;
  /** Enter or a click on a row: its change opens below the list. */
  onOpen(index: number): void;
}

const columns = ['Event', 'Hook', 'Change', 'Scripts', 'Runtime → candidate', 'Reviewed'];

/** An impact's changed events, virtualized: one tab stop, arrows to move, Enter to open one. */
export function ImpactChangeList({ count, rowAt, onRangeChange, active, onActive, onOpen }: Props) {
  const renderRow = (index: number) => {
    const change = rowAt(index);
    if (!change) return <LoadingCell />;
    const open = () => onOpen(index);
    return (
      <>
        <span role="gridcell" onClick={open} title={change.id}>
          <code>{change.id}</code>
        </span>
        <span role="gridcell" onClick={open}>
          {change.hook}
        </span>
        <span role="gridcell" onClick={open}>
          <span className={`change ${isFlip(change.change) ? 'impact-flip' : ''}`} data-kind={change.change}>
            {kindLabel(change.change)}
          </span>
          {change.changes.length > 1 && <span className="muted"> +{change.changes.length - 1}</span>}
        </span>
        <span role="gridcell" onClick={open} title={change.scripts.join(', ')}>
          {change.scripts.length ? change.scripts.join(', ') : '—'}
        </span>
        <span role="gridcell" onClick={open}>
          {outcomeText(change.baseline)}
          <span aria-label="to" className="muted">
            {' → '}
          </span>
          {outcomeText(change.candidate)}
        </span>
        <span role="gridcell" onClick={open}>
          {change.acknowledged ? 'acknowledged' : isFlip(change.change) ? 'to acknowledge' : '—'}
        </span>
      </>
    );
  };
  return (
    <VirtualGrid
      className="impact-list"
      label="Changed events"
      count={count}
      rowHeight={34}
      columnCount={columns.length}
      header={<HeaderRow className="impact-row impact-row-header" columns={columns} />}
      renderRow={renderRow}
      rowClassName={(index) => `impact-row ${rowAt(index)?.acknowledged ? 'impact-row-acknowledged' : ''}`}
      rowProps={(index) => {
        const change = rowAt(index);
        return change ? { 'aria-label': `${change.id}: ${kindLabel(change.change)}` } : {};
      }}
      onRangeChange={onRangeChange}
      activeIndex={active}
      onActiveIndexChange={onActive}
      onActivate={onOpen}
    />
  );
}
