import { useStudioData } from '../../app/studio-data';
import { errorCode, errorMessage } from '../../app/studio-error';
import { ErrorMessage } from '../../components/ErrorMessage';
import { StatusBadge } from '../traces/StatusBadge';
import { formatDuration } from '../traces/time';
import { TraceTimeline } from '../traces/TraceTimeline';
import { useRuntimeTrace } from './use-rollout';
// The trace view's waterfall styles (the traces view itself may never have been opened).
import '../traces/traces.css';

interface Props {
  environment: string;
  traceId: string;
  /** What this trace is, e.g. "Active v3" or the tail row's hook. */
  title: string;
}

/**
 * One of the runtime's traces, fetched with runtime.trace and drawn with the trace view's
 * waterfall: runtime traces are not in the workspace's trace store, so the Traces screen (which
 * reads that store) cannot open them.
 */
export function RuntimeTrace({ environment, traceId, title }: Props) {
  const { openScript } = useStudioData();
  const trace = useRuntimeTrace(environment, traceId);
  const problem = trace.error
    ? errorCode(trace.error) === 'NOT_FOUND'
      ? `Trace ${traceId} is no longer kept by the runtime of ${environment}.`
      : `Trace ${traceId} could not be loaded: ${errorMessage(trace.error)}`
    : null;
  return (
    <section
      className="runtime-trace"
      aria-label={`Trace: ${title}`}
      data-trace-state={problem ? 'error' : trace.data ? 'ready' : 'loading'}
      data-trace-id={traceId}
    >
      <h5 className="runtime-trace-title">
        {title}{' '}
        {trace.data && (
          <>
            <StatusBadge status={trace.data.summary.status} />{' '}
            <span className="muted">{formatDuration(trace.data.summary.durationMs)}</span>
          </>
        )}
      </h5>
      <ErrorMessage message={problem} />
      {!trace.data && !problem && <p role="status">Loading trace {traceId}…</p>}
      {trace.data && (
        <TraceTimeline
          trace={trace.data}
          inputEvent={{ phase: 'none' }}
          onOpenScript={(scriptId, line) => openScript(scriptId, trace.data.summary.hook, line)}
        />
      )}
    </section>
  );
}
