interface Props {
  selectedTraceId: string | null;
  onSelectTrace(traceId: string | null): void;
}

/** The trace list and the waterfall of the selected trace (issue 6). */
export function TracesView({ selectedTraceId }: Props) {
  return (
    <div className="traces-view">
      <div className="view-header">
        <h2>Traces</h2>
      </div>
      {selectedTraceId !== null && <p>Trace {selectedTraceId}</p>}
    </div>
  );
}
