import type { ChannelOutput } from '@shared/contract';
import { hookIds, type HookId } from '@shared/hooks/definitions';

type RunResult = ChannelOutput<'scripts.run'>;
export type RecordedEvent = ChannelOutput<'events.list'>['events'][number];

/** The recorded event a run used: its outcome is shown beside the draft's decision. */
export interface RunRecorded {
  id: string;
  outcome?: unknown;
}

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

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `evt-1 · 2026-11-20 10:00 UTC · prod-eu`: what tells recorded events apart. */
export function recordedLabel(event: RecordedEvent): string {
  const parts = [event.id];
  if (event.at) {
    const time = new Date(event.at);
    parts.push(Number.isNaN(time.getTime()) ? event.at : `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  }
  if (event.source) parts.push(event.source);
  return parts.join(' · ') + (event.pinned ? ' (pinned)' : '');
}

/** "denied — disposable email (DISPOSABLE)", from a recorded outcome (engine/outcome.ts fields). */
export function outcomeText(outcome: unknown): string {
  if (outcome === undefined) return 'no outcome was recorded';
  if (isObject(outcome)) {
    if (isObject(outcome.error) && typeof outcome.error.code === 'string') return `error ${outcome.error.code}`;
    if (typeof outcome.allow === 'boolean') {
      if (outcome.allow) return 'allowed';
      const reason = typeof outcome.reason === 'string' ? ` — ${outcome.reason}` : '';
      const code = typeof outcome.code === 'string' ? ` (${outcome.code})` : '';
      return `denied${reason}${code}`;
    }
    if ('data' in outcome) return `data ${short(outcome.data)}`;
    if ('results' in outcome) return `results ${short(outcome.results)}`;
  }
  return short(outcome);
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/** Whether a blocking decision agrees with the recorded one; null when they cannot be compared. */
export function agreesWithRecorded(decision: RunResult['decision'], outcome: unknown): boolean | null {
  if (!isObject(outcome) || typeof outcome.allow !== 'boolean') return null;
  if (decision.kind !== 'allow' && decision.kind !== 'deny') return null;
  if (outcome.allow || decision.kind === 'allow') return outcome.allow === (decision.kind === 'allow');
  if (typeof outcome.reason === 'string' && outcome.reason !== decision.reason) return false;
  if (typeof outcome.code === 'string' && outcome.code !== decision.code) return false;
  return true;
}

function RecordedPicker(props: Props) {
  const hooks = props.recordedHooks;
  if (props.recordedError) return <p className="error-message">{props.recordedError}</p>;
  if (props.recordedEvents === null) return <p className="muted">Loading recorded events…</p>;
  if (props.recordedEvents.length === 0)
    return (
      <p className="muted recorded-empty">
        No recorded events for {hooks.join(' or ')} yet — import some with{' '}
        <code>pipeline-studio events import &lt;file&gt;</code>
      </p>
    );
  const options = (events: RecordedEvent[]) =>
    events.map((event) => (
      <option key={event.id} value={event.id}>
        {recordedLabel(event)}
      </option>
    ));
  const events = props.recordedEvents;
  return (
    <label className="recorded-label">
      Recorded event
      <select value={props.recordedId} onChange={(event) => props.onPickRecorded(event.target.value)}>
        <option value="">None (the sample or the JSON below)</option>
        {hooks.length > 1
          ? hooks.map((hook) => {
              const ofHook = events.filter((event) => event.hook === hook);
              return ofHook.length === 0 ? null : (
                <optgroup key={hook} label={hook}>
                  {options(ofHook)}
                </optgroup>
              );
            })
          : options(events)}
      </select>
    </label>
  );
}

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
            {props.resultRecorded && <RecordedOutcome recorded={props.resultRecorded} decision={result.decision} />}
            <p className="muted">
              {result.durationMs.toFixed(1)} ms · {result.instructions.toLocaleString()} instructions
            </p>
            {result.error && (
              <p className="error-message">
                {result.error.code}: {result.error.message}
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
          </>
        )}
      </section>
    </div>
  );
}

function RecordedOutcome({ recorded, decision }: { recorded: RunRecorded; decision: RunResult['decision'] }) {
  const agrees = agreesWithRecorded(decision, recorded.outcome);
  return (
    <p
      className="recorded-outcome"
      data-testid="run-recorded-outcome"
      data-agrees={agrees === null ? undefined : String(agrees)}
    >
      Recorded: {outcomeText(recorded.outcome)}
      {agrees !== null && (
        <span className={agrees ? 'recorded-agrees' : 'recorded-differs'}>
          {agrees ? ' · the draft agrees' : ' · the draft differs'}
        </span>
      )}
      <span className="muted"> ({recorded.id})</span>
    </p>
  );
}
