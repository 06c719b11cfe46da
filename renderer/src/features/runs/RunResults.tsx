import { useState } from 'react';
import { useStudioData } from '../../app/studio-data';
import { ErrorMessage } from '../../components/ErrorMessage';
import { HeaderRow, LoadingCell } from '../../components/grid-parts';
import { VirtualGrid } from '../../components/VirtualGrid';
import { decisionOf, errorLocation } from './decision-text';
import { formatMs } from './progress-text';
import type { ReplayRun } from './run-label';
import { useRunResults } from './use-runs';
import { scriptErrorText } from '../scripts/script-error-text';

type Only = 'all' | 'mismatches' | 'errors';

const columns = ['#', 'Event', 'Hook', 'Decision', 'Duration', 'Difference from the recorded outcome'];
const n = (count: number) => count.toLocaleString('en-US');

/** A run's results in input order, mismatches highlighted; a row opens its trace. */
export function RunResults({ run }: { run: ReplayRun }) {
  const { openTrace, openScript } = useStudioData();
  const [only, setOnly] = useState<Only>('all');
  const [active, setActive] = useState({ only, index: -1 });
  const activeIndex = active.only === only ? active.index : -1;

  const rows = useRunResults(run.id, only);
  const summary = run.summary;
  const counts: Record<Only, number | undefined> = {
    all: summary?.events ?? run.total,
    mismatches: summary?.mismatches,
    errors: summary?.errors,
  };

  const openRow = (index: number) => {
    const row = rows.rowAt(index);
    setActive({ only, index });
    if (row?.line.traceId) openTrace(row.line.traceId);
  };

  const renderRow = (index: number) => {
    const row = rows.rowAt(index);
    if (!row) return <LoadingCell />;
    const { line } = row;
    const decision = decisionOf(line);
    const where = errorLocation(line);
    const click = () => openRow(index);
    return (
      <>
        <span role="gridcell" className="result-position" onClick={click}>
          {row.position + 1}
        </span>
        <span role="gridcell" onClick={click} title={line.id}>
          <code>{line.id}</code>
        </span>
        <span role="gridcell" onClick={click}>
          {line.hook}
        </span>
        <span role="gridcell" onClick={click} className={`outcome outcome-${decision.kind}`} title={decision.text}>
          {decision.text}
        </span>
        <span role="gridcell" onClick={click} className="result-duration">
          {formatMs(line.durationMs)}
        </span>
        <span
          role="gridcell"
          onClick={click}
          className="result-difference"
          title={line.error?.message ?? line.mismatch?.summary}
        >
          {line.error ? (
            <>
              <span className="error">{scriptErrorText(line.error)}</span>
              {where && (
                <button
                  type="button"
                  className="run-link-button"
                  // The grid is one tab stop; the active row's link is the next, so the keyboard
                  // reaches it (arrows to the row, then Tab) without a stop per row.
                  tabIndex={index === activeIndex ? 0 : -1}
                  onClick={(event) => {
                    event.stopPropagation();
                    openScript(where.scriptId, line.hook, where.line);
                  }}
                >
                  open {where.scriptId} at line {where.line}
                </button>
              )}
            </>
          ) : line.mismatch ? (
            <span className="mismatch-summary">{line.mismatch.summary}</span>
          ) : (
            <span className="muted">no difference</span>
          )}
        </span>
      </>
    );
  };

  const header = <HeaderRow className="result-row result-row-header" columns={columns} />;

  const activeRow = activeIndex >= 0 ? rows.rowAt(activeIndex) : undefined;
  const activeWhere = activeRow ? errorLocation(activeRow.line) : null;
  return (
    <section className="run-results" aria-label={`Results of run ${run.id}`}>
      <div className="result-filter" role="radiogroup" aria-label="Show results">
        {(['all', 'mismatches', 'errors'] as const).map((value) => (
          <label key={value} className={`radio chip ${only === value ? 'chip-on' : ''}`}>
            <input type="radio" name={`only-${run.id}`} checked={only === value} onChange={() => setOnly(value)} />
            {value === 'all' ? 'All' : value === 'mismatches' ? 'Mismatches' : 'Errors'}
            {counts[value] !== undefined && <span className="chip-count">{n(counts[value])}</span>}
          </label>
        ))}
      </div>
      <ErrorMessage message={rows.error} />
      {rows.total === 0 ? (
        <p className="empty-state">
          {only === 'all'
            ? 'This run has no results: it ended before replaying any event.'
            : only === 'mismatches'
              ? 'No mismatches: every replayed event matches its recorded outcome (or none was recorded).'
              : 'No errors: every event ran through the pipeline without an error.'}
        </p>
      ) : (
        <VirtualGrid
          className="result-list"
          label="Replay results"
          count={rows.total ?? 0}
          rowHeight={34}
          columnCount={columns.length}
          header={header}
          renderRow={renderRow}
          rowClassName={(index) => {
            const line = rows.rowAt(index)?.line;
            if (!line) return 'result-row';
            return `result-row ${line.error ? 'result-row-error' : ''} ${line.mismatch ? 'result-row-mismatch' : ''}`;
          }}
          onRangeChange={rows.setRange}
          activeIndex={activeIndex}
          onActiveIndexChange={(index) => setActive({ only, index })}
          onActivate={openRow}
        />
      )}
      {activeRow && (activeRow.line.error || activeRow.line.mismatch) && (
        <div className="result-detail" aria-label={`Result of ${activeRow.line.id}`} role="region">
          {activeRow.line.error && (
            <p className="error">
              {scriptErrorText(activeRow.line.error)}
              {activeWhere && (
                <>
                  {' '}
                  <button
                    type="button"
                    className="run-link-button"
                    onClick={() => openScript(activeWhere.scriptId, activeRow.line.hook, activeWhere.line)}
                  >
                    open {activeWhere.scriptId} at line {activeWhere.line}
                  </button>
                </>
              )}
            </p>
          )}
          {activeRow.line.mismatch && (
            <>
              <p className="mismatch-summary">{activeRow.line.mismatch.summary}</p>
              <pre className="run-json">{JSON.stringify(activeRow.line.mismatch.differences, null, 2)}</pre>
            </>
          )}
        </div>
      )}
    </section>
  );
}
