import { hookIds, type HookId } from '@shared/hooks/definitions';
import { RecordedOutcome } from './RecordedOutcome';
import { RecordedPicker } from './RecordedPicker';
import { RunTrace } from './RunTrace';
import type { RecordedEvent, RunRecorded, RunResult } from './run-outcome';
import { scriptErrorText } from './script-error-text';

export type { RecordedEvent, RunRecorded } from './run-outcome';

interface Props {
  hook: HookId;
  attached: string[];
  event: string;
  eventError: string | null;
  /** The hooks whose recorded events are offered (the attached ones and the run hook). */
  recordedHooks: HookId[];
  /** null while loading. */
  recordedEvents: RecordedEvent[] | null;
  recordedError: string | null;
  /** The recorded event in the event box, '' for the sample or hand-edited JSON. */
  recordedId: string;
  result: RunResult | null;
  /** The recorded event the shown result was run on. */
  resultRecorded: RunRecorded | null;
  runError: string | null;
  running: boolean;
  onHook(hook: HookId): void;
  onEvent(text: string): void;
  onResetEvent(): void;
  onPickRecorded(id: string): void;
  onRun(): void;
}

const decisionText: Record<RunResult['decision']['kind'], string> = {
  allow: 'Allowed',
  deny: 'Denied',
  data: 'Data returned',
  recorded: 'Recorded',
  error: 'Error',
};

/** Runs the draft on one event and shows the decision, the data, the logs and the error. */
export function RunPanel(props: Props) {
  const { result } = props;
  return (
    <div className="run-panel">
      <div className="run-controls">
        <label>
          Hook
          <select value={props.hook} onChange={(event) => props.onHook(event.target.value as HookId)}>
            {hookIds.map((id) => (
              <option key={id} value={id}>
                {id}
                {props.attached.includes(id) ? ' (attached)' : ''}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="primary"
          onClick={props.onRun}
          disabled={props.running}
          aria-keyshortcuts="Control+Enter"
        >
          {props.running ? 'Running…' : 'Run'}
        </button>
      </div>
      <RecordedPicker {...props} />
      <label className="event-label">
        Event (JSON)
        <textarea
          className="event-editor"
          spellCheck={false}
          rows={8}
          value={props.event}
          aria-invalid={props.eventError ? true : undefined}
          onChange={(event) => props.onEvent(event.target.value)}
        />
      </label>
      <div className="run-event-actions">
        <button type="button" onClick={props.onResetEvent}>
          Use the sample event
        </button>
        {props.eventError && <span className="limit-reason">{props.eventError}</span>}
      </div>
      {props.runError && (
        <p role="alert" className="error-message">
          {props.runError}
        </p>
      )}
      <section aria-label="Run result" aria-live="polite" className="run-result">
        {!result && !props.runError && (
          <p className="empty-state">Run the script (Ctrl/⌘+Enter) to see its decision here.</p>
        )}
        {result && (
          <>
            <p className={`decision decision-${result.decision.kind}`} data-testid="run-decision">
              {decisionText[result.decision.kind]}
              {result.decision.reason ? `: ${result.decision.reason}` : ''}
              {result.decision.code ? ` (${result.decision.code})` : ''}
            </p>
            {props.resultRecorded && <RecordedOutcome recorded={props.resultRecorded} run={result} />}
            <p className="muted">
              {result.durationMs.toFixed(1)} ms · {result.instructions.toLocaleString()} instructions
            </p>
            {result.error && (
              <p className="error-message">
                {scriptErrorText(result.error)}
                {result.error.line ? ` (line ${result.error.line})` : ''}
              </p>
            )}
            <h4>Result</h4>
            <pre className="run-json">{JSON.stringify(result.result, null, 2) ?? 'nil'}</pre>
            <h4>Logs</h4>
            {result.logs.length === 0 ? (
              <p className="muted">No log entries.</p>
            ) : (
              <ol className="run-logs" aria-label="Logs">
                {result.logs.map((entry, index) => (
                  <li key={index} className={`log-${entry.level}`}>
                    <span className="log-level">{entry.level}</span> {entry.message}
                  </li>
                ))}
              </ol>
            )}
            {result.logsDropped && result.logsDropped.entries > 0 && (
              <p className="muted">{result.logsDropped.entries} log entries dropped (limit reached).</p>
            )}
            <h4 id="run-trace-heading">Trace</h4>
            {result.trace ? (
              <RunTrace key={result.trace.traceId} trace={result.trace} />
            ) : (
              <p className="muted">No trace: the engine lost this run before it finished.</p>
            )}
          </>
        )}
      </section>
    </div>
  );
}
