import { useRef, useState } from 'react';
import { errorMessage } from '../../app/studio-error';
import { downloadFile } from '../../components/download-file';
import { ErrorMessage } from '../../components/ErrorMessage';
import { noSelection, type RowSelection } from './row-selection';
import { TraceDetailView } from './TraceDetailView';
import { emptyFilter, isFiltered, queryKey, toTraceQuery, type TraceFilterForm, type TraceQuery } from './trace-filter';
import { TraceFilters } from './TraceFilters';
import { TraceList } from './TraceList';
import { useExportTraces, useRefreshTraces, useTraceList } from './use-traces';
import './traces.css';

interface Props {
  selectedTraceId: string | null;
  onSelectTrace(traceId: string | null): void;
}

const maxExport = 1000;

function countText(total: number, filtered: boolean): string {
  const traces = `${total.toLocaleString('en')} trace${total === 1 ? '' : 's'}`;
  return filtered ? `${traces} match${total === 1 ? 'es' : ''}` : traces;
}

/**
 * The trace list and, for the selected trace, its waterfall. The list's filters, selection and scroll
 * position live here (its pages in the query cache), so going into a trace and back finds the list
 * as it was.
 */
export function TracesView({ selectedTraceId, onSelectTrace }: Props) {
  const [form, setForm] = useState<TraceFilterForm>(emptyFilter);
  const [problem, setProblem] = useState<string | null>(null);
  const [query, setQuery] = useState<TraceQuery>({});
  const pages = useTraceList(query);
  const refresh = useRefreshTraces();
  const exporter = useExportTraces();
  const [selection, setSelection] = useState<RowSelection>(noSelection);
  const [activeIndex, setActiveIndex] = useState(-1);
  const [exportStatus, setExportStatus] = useState('');
  const scrollTop = useRef(0);

  const changeFilter = (next: TraceFilterForm) => {
    setForm(next);
    const parsed = toTraceQuery(next);
    if ('problem' in parsed) return setProblem(parsed.problem);
    setProblem(null);
    if (queryKey(parsed.query) !== queryKey(query)) {
      scrollTop.current = 0;
      setQuery(parsed.query);
      setActiveIndex(-1);
    }
  };

  const exportSelected = async () => {
    const traceIds = [...selection.selected];
    const file = await exporter.mutateAsync(traceIds).catch(() => null);
    if (!file) return;
    downloadFile(file);
    setExportStatus(`Exported ${traceIds.length} trace${traceIds.length === 1 ? '' : 's'} as ${file.fileName}.`);
  };

  if (selectedTraceId !== null) {
    return (
      <div className="traces-view">
        <TraceDetailView traceId={selectedTraceId} onClose={() => onSelectTrace(null)} onOpenTrace={onSelectTrace} />
      </div>
    );
  }

  const count = selection.selected.size;
  return (
    <div className="traces-view">
      <div className="view-header">
        <h2>Traces</h2>
        <p className="view-hint" role="status" data-testid="trace-count">
          {pages.total === null ? (pages.error ? '' : 'Loading traces…') : countText(pages.total, isFiltered(form))}
        </p>
        <button type="button" className="trace-refresh" onClick={refresh}>
          Refresh
        </button>
      </div>
      <TraceFilters value={form} onChange={changeFilter} problem={problem} />
      <ErrorMessage message={problem} />
      <div className="trace-selection-bar" aria-label="Selected traces" role="toolbar">
        <span className="muted">
          {count === 0
            ? 'Tick traces (Space, or shift-click for a range) to export them.'
            : `${count.toLocaleString('en')} selected`}
        </span>
        <button
          type="button"
          className="primary"
          disabled={count === 0 || count > maxExport || exporter.isPending}
          onClick={() => void exportSelected()}
        >
          {exporter.isPending ? 'Exporting…' : 'Export OTLP JSON'}
        </button>
        {count > 0 && (
          <button type="button" onClick={() => setSelection(noSelection)}>
            Clear selection
          </button>
        )}
        {count > maxExport && <span className="limit-reason">At most {maxExport} traces per export: untick some.</span>}
        <span role="status" className="save-status">
          {exportStatus}
        </span>
      </div>
      <ErrorMessage
        message={exporter.error ? `The traces could not be exported: ${errorMessage(exporter.error)}` : null}
        onDismiss={() => exporter.reset()}
      />
      <TraceList
        // A new filter is a new list: it starts at the top.
        key={queryKey(query)}
        pages={pages}
        filtered={isFiltered(form)}
        onClearFilters={() => changeFilter(emptyFilter)}
        selection={selection}
        onSelectionChange={setSelection}
        activeIndex={activeIndex}
        onActiveIndexChange={setActiveIndex}
        onOpen={onSelectTrace}
        scrollTop={scrollTop}
      />
    </div>
  );
}
