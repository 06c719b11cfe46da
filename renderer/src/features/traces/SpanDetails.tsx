import { useMemo } from 'react';
import { spanDetails } from './span-details';
import { SpanStatusBadge } from './StatusBadge';
import { formatDuration } from './time';
import type { StoredEvent, TraceSpan } from './types';

export type InputEventState =
  | { phase: 'none' }
  | { phase: 'loading'; eventId: string }
  | { phase: 'ready'; event: StoredEvent }
  | { phase: 'missing'; eventId: string; message: string };

interface Props {
  span: TraceSpan;
  traceStart: bigint;
  inputEvent: InputEventState;
  onOpenScript(scriptId: string, line: number): void;
}

/** Everything about the selected span: timing, status, error, output, logs, attributes, the input. */
export function SpanDetails({ span, traceStart, inputEvent, onOpenScript }: Props) {
  const details = useMemo(() => spanDetails(span, traceStart), [span, traceStart]);
  const { error } = details;
  return (
    <section className="span-details" aria-label="Span details" data-span-id={span.spanId}>
      <header className="span-details-header">
        <span className={`wf-kind-tag wf-kind-tag-${details.kind}`}>{details.kind}</span>
        <h3 title={details.name}>{details.name}</h3>
      </header>
      <dl className="span-facts">
        <dt>Duration</dt>
        <dd>{formatDuration(details.durationMs)}</dd>
        <dt>Starts at</dt>
        <dd>+{formatDuration(details.startOffsetMs)}</dd>
        <dt>Status</dt>
        <dd>
          <SpanStatusBadge code={details.status.code} />
          {details.status.message && <span className="span-status-message"> {details.status.message}</span>}
        </dd>
        <dt>Span id</dt>
        <dd>
          <code>{span.spanId}</code>
        </dd>
      </dl>

      {error && (
        <section className="span-section span-error" aria-label="Error">
          <h4>Error</h4>
          <p>
            <code>{error.code}</code>: {error.message}
            {error.line !== undefined && <span className="muted"> (line {error.line})</span>}
          </p>
          {error.line !== undefined && error.scriptId !== undefined && (
            <button type="button" onClick={() => onOpenScript(error.scriptId!, error.line!)}>
              Open {error.scriptId} at line {error.line}
            </button>
          )}
        </section>
      )}

      {details.output && (
        <section className="span-section" aria-label="Output">
          <h4>{details.output.label}</h4>
          <pre className="span-json">{details.output.text}</pre>
        </section>
      )}

      <section className="span-section" aria-label="Logs">
        <h4>Logs</h4>
        {details.logs.length === 0 ? (
          <p className="muted">No log lines.</p>
        ) : (
          <ol className="span-logs">
            {details.logs.map((log, index) => (
              <li key={index} className={`log-${log.level}`}>
                <span className="span-log-time">+{formatDuration(log.offsetMs)}</span>
                <span className="log-level">{log.level}</span>
                <span className="span-log-message">{log.message}</span>
              </li>
            ))}
          </ol>
        )}
      </section>

      {details.events.length > 0 && (
        <section className="span-section" aria-label="Events">
          <h4>Events</h4>
          <ol className="span-logs">
            {details.events.map((event, index) => (
              <li key={index}>
                <span className="span-log-time">+{formatDuration(event.offsetMs)}</span>
                <code>{event.name}</code>
                <span className="span-log-message">
                  {event.attributes.map((attribute) => `${attribute.key}=${attribute.value}`).join(' · ')}
                </span>
              </li>
            ))}
          </ol>
        </section>
      )}

      <section className="span-section" aria-label="Attributes">
        <h4>Attributes</h4>
        {details.attributes.length === 0 ? (
          <p className="muted">No attributes.</p>
        ) : (
          <table className="span-attributes">
            <tbody>
              {details.attributes.map((attribute) => (
                <tr key={attribute.key}>
                  <th scope="row">
                    <code>{attribute.key}</code>
                  </th>
                  <td>{attribute.json ? <pre className="span-json">{attribute.json}</pre> : attribute.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="span-section" aria-label="Input event">
        <h4>Input event</h4>
        <InputEvent state={inputEvent} />
      </section>
    </section>
  );
}

function InputEvent({ state }: { state: InputEventState }) {
  switch (state.phase) {
    case 'none':
      return (
        <p className="muted">
          Not available: this trace was not made by replaying a library event, so its input was not kept.
        </p>
      );
    case 'loading':
      return <p role="status">Loading event {state.eventId}…</p>;
    case 'missing':
      return <p className="muted">Not available: {state.message}</p>;
    case 'ready':
      return (
        <details>
          <summary>
            <code>{state.event.id}</code> <span className="muted">({state.event.hook})</span>
          </summary>
          <pre className="span-json">{JSON.stringify(state.event.event, null, 2)}</pre>
        </details>
      );
  }
}
