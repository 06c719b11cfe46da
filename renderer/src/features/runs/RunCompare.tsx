import { useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import { useStudioData } from '../../app/studio-data';
import { ErrorMessage } from '../../components/ErrorMessage';
import { HeaderRow, LoadingCell } from '../../components/grid-parts';
import { VirtualGrid } from '../../components/VirtualGrid';
import { decisionOf } from './decision-text';
import { deltaClass, LatencyTable } from '../../components/LatencyTable';
import { formatDelta } from './progress-text';
import { previousRunId, runTitle, type ReplayRun } from './run-label';
import { useRunComparison } from './use-runs';

type Comparison = ChannelOutput<'runs.compare'>;

interface Props {
  runs: ReplayRun[];
  /** The selected run: the "after" side by default. */
  runId: number;
}

const n = (count: number) => count.toLocaleString('en-US');
const columns = ['Event', 'Change', 'Summary', 'Before → after', 'Duration change'];
const countLabels: [keyof Comparison['counts'], string][] = [
  ['decision', 'decision changed'],
  ['data', 'data changed'],
  ['error', 'error changed'],
  ['same', 'same'],
  ['added', 'added'],
  ['removed', 'removed'],
];

/** Two runs event by event: what changed decision or data, and how latency moved. */
export function RunCompare({ runs, runId }: Props) {
  const { openTrace } = useStudioData();
  const [picked, setPicked] = useState<{ before: number | null; after: number }>(() => ({
    before: previousRunId(runs, runId),
    after: runId,
  }));
  const [onlyChanged, setOnlyChanged] = useState(true);
  const [active, setActive] = useState(-1);
  const { before, after } = picked;
  const rows = useRunComparison(before, after, onlyChanged ? 'changed' : 'all');
  // The counts and latencies come with every page: the first page's are shown.
  const result: Comparison | null = before === null ? null : (rows.pageAt(0) ?? null);

  if (runs.length < 2)
    return (
      <p className="empty-state">
        Only one run so far. Change a script, then replay the same events again (“Replay again”) to compare the two
        runs.
      </p>
    );

  const choose = (side: 'before' | 'after', value: string) => {
    setActive(-1);
    setPicked({ ...picked, [side]: Number(value) });
  };
  const runOptions = runs.map((run) => (
    <option key={run.id} value={run.id}>
      {runTitle(run)}
    </option>
  ));

  const openRow = (index: number) => {
    setActive(index);
    const row = rows.rowAt(index);
    const traceId = row?.after?.traceId || row?.before?.traceId;
    if (traceId) openTrace(traceId);
  };

  const renderRow = (index: number) => {
    const row = rows.rowAt(index);
    if (!row) return <LoadingCell />;
    const beforeDecision = row.before ? decisionOf(row.before) : null;
    const afterDecision = row.after ? decisionOf(row.after) : null;
    const click = () => openRow(index);
    return (
      <>
        <span role="gridcell" onClick={click} title={row.eventId}>
          <code>{row.eventId}</code>
        </span>
        <span role="gridcell" onClick={click}>
          <span className={`change change-${row.change}`}>{row.change}</span>
        </span>
        <span role="gridcell" onClick={click} title={row.summary}>
          {row.summary}
        </span>
        <span role="gridcell" onClick={click}>
          <span className={`outcome outcome-${beforeDecision?.kind ?? 'none'}`}>{beforeDecision?.text ?? '—'}</span>
          <span aria-label="to" className="muted">
            {' → '}
          </span>
          <span className={`outcome outcome-${afterDecision?.kind ?? 'none'}`}>{afterDecision?.text ?? '—'}</span>
        </span>
        <span role="gridcell" onClick={click} className={deltaClass(row.durationDeltaMs)}>
          {formatDelta(row.durationDeltaMs)}
        </span>
      </>
    );
  };

  return (
    <section className="run-compare" aria-label="Compare runs">
      <div className="compare-pickers">
        <label>
          Before
          <select value={before ?? ''} onChange={(event) => choose('before', event.target.value)}>
            {before === null && <option value="">Pick a run</option>}
            {runOptions}
          </select>
        </label>
        <label>
          After
          <select value={after} onChange={(event) => choose('after', event.target.value)}>
            {runOptions}
          </select>
        </label>
        <label className="radio">
          <input type="checkbox" checked={!onlyChanged} onChange={(event) => setOnlyChanged(!event.target.checked)} />
          Show unchanged events too
        </label>
      </div>
      {before === after && <p className="warning-message">Before and after are the same run: pick two runs.</p>}
      <ErrorMessage message={rows.error} />
      {result && (
        <div className="compare-summary">
          <dl className="compare-counts" aria-label="Changes">
            {countLabels.map(([field, label]) => (
              <div
                key={field}
                className={`compare-count compare-count-${field} ${result.counts[field] ? 'nonzero' : ''}`}
              >
                <dt>{label}</dt>
                <dd>{n(result.counts[field])}</dd>
              </div>
            ))}
          </dl>
          <LatencyTable
            label="Latency"
            before={{ name: 'Before', latency: result.latency.before }}
            after={{ name: 'After', latency: result.latency.after }}
          />
        </div>
      )}
      {rows.total === 0 && before !== null ? (
        <p className="empty-state">
          {onlyChanged ? 'No event changed between these runs.' : 'These runs have no events in common.'}
        </p>
      ) : (
        <VirtualGrid
          className="compare-list"
          label="Changed events"
          count={rows.total ?? 0}
          rowHeight={34}
          columnCount={columns.length}
          header={<HeaderRow className="runs-compare-row runs-compare-row-header" columns={columns} />}
          renderRow={renderRow}
          rowClassName={(index) => `runs-compare-row runs-compare-row-${rows.rowAt(index)?.change ?? 'loading'}`}
          onRangeChange={rows.setRange}
          activeIndex={active}
          onActiveIndexChange={setActive}
          onActivate={openRow}
        />
      )}
    </section>
  );
}
