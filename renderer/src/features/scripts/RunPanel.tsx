import { useMemo, useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import { isPlainObject } from '@shared/engine/merge';
import { compareOutcome, type Mismatch } from '@shared/engine/outcome';
import type { JsonObject, JsonValue, PipelineResult, ScriptError } from '@shared/engine/types';
import { hookIds, modeOf, type HookId } from '@shared/hooks/definitions';
import { Waterfall, waterfallRowHeight } from '../traces/Waterfall';
import { buildSpanTree, criticalPath, fullWindow, parentRow, waterfallRows } from '../traces/waterfall-layout';

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

/**
 * The draft's run as the one-layer pipeline it ran as, for the replay's own comparison
 * (compareOutcome): the decision as the pipeline took it (the trace's root span says, so a failed
 * script denies as its default onError would in a replay), the data, and the error.
 */
export function draftPipelineResult(run: RunResult): PipelineResult {
  const mode = modeOf(run.hook);
  const root = run.trace?.spans.find((span) => span.kind === 'hook')?.attributes ?? {};
  const value = (run.ok ? run.result : null) as JsonValue;
  const result: PipelineResult = {
    hook: run.hook,
    mode,
    ok: run.ok,
    results: { draft: value },
    warnings: [],
    durationMs: run.durationMs,
    traceId: run.trace?.traceId ?? '',
    scripts: [],
  };
  if (run.error) result.error = { ...(run.error as ScriptError), scriptId: 'draft' };
  if (mode === 'blocking') {
    const denied = run.trace ? root['pipeline.decision'] === 'deny' : run.decision.kind !== 'allow';
    result.allow = !denied;
    const reason = root['pipeline.reason'] ?? run.decision.reason;
    const code = root['pipeline.code'] ?? run.decision.code;
    if (denied && typeof reason === 'string') result.reason = reason;
    if (denied && typeof code === 'string') result.code = code;
  }
  if (mode === 'enrichment') result.data = isPlainObject(value) ? (value as JsonObject) : {};
  return result;
}

/**
 * The recorded outcome against the draft's run; null when nothing comparable was recorded. A lone
 * script's `results` cannot be compared with a whole pipeline's (keyed by its scripts), so an
 * async hook compares its error only.
 */
export function compareWithRecorded(run: RunResult, outcome: unknown): { mismatch: Mismatch | null } | null {
  if (!isPlainObject(outcome)) return null;
  const mode = modeOf(run.hook);
  const recorded: Record<string, unknown> = { ...outcome };
  if (mode === 'async') delete recorded.results;
  const comparable =
    'error' in recorded ||
    (mode === 'blocking' && typeof recorded.allow === 'boolean') ||
    (mode === 'enrichment' && isPlainObject(recorded.data));
  return comparable ? { mismatch: compareOutcome(draftPipelineResult(run), recorded) } : null;
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
            {props.resultRecorded && <RecordedOutcome recorded={props.resultRecorded} run={result} />}
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

function RecordedOutcome({ recorded, run }: { recorded: RunRecorded; run: RunResult }) {
  const compared = compareWithRecorded(run, recorded.outcome);
  const agrees = compared ? compared.mismatch === null : null;
  return (
    <p
      className="recorded-outcome"
      data-testid="run-recorded-outcome"
      data-agrees={agrees === null ? undefined : String(agrees)}
    >
      Recorded: {outcomeText(recorded.outcome)}
      {compared && (
        <span className={compared.mismatch ? 'recorded-differs' : 'recorded-agrees'}>
          {compared.mismatch ? ` · the draft differs (${compared.mismatch.summary})` : ' · the draft agrees'}
        </span>
      )}
      <span className="muted"> ({recorded.id})</span>
    </p>
  );
}

/** Rows shown before the run's waterfall scrolls (a draft with many fetches). */
const traceRowsShown = 8;

/** The run's spans in the trace views' waterfall: the hook, its one layer, the script, its fetches. */
function RunTrace({ trace }: { trace: NonNullable<RunResult['trace']> }) {
  const tree = useMemo(() => buildSpanTree(trace.spans), [trace]);
  const critical = useMemo(() => criticalPath(tree), [tree]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const rows = useMemo(() => waterfallRows(tree, collapsed, critical), [tree, collapsed, critical]);
  const [activeIndex, setActiveIndex] = useState(0);
  const [selectedSpanId, setSelectedSpanId] = useState<string | null>(null);
  const selected = tree.nodes.find((node) => node.span.spanId === selectedSpanId)?.span;
  const toggle = (index: number, expand: boolean) => {
    const id = rows[index]?.node.span.spanId;
    if (!id) return;
    setCollapsed((current) => {
      const next = new Set(current);
      if (expand) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  // The header row and the rows, up to traceRowsShown of them, plus the grid's border.
  const height = (Math.min(rows.length, traceRowsShown) + 1) * waterfallRowHeight + 8;
  return (
    <section className="run-trace" aria-labelledby="run-trace-heading">
      <div className="run-trace-waterfall" style={{ height }}>
        <Waterfall
          rows={rows}
          durationMs={tree.durationMs}
          window={fullWindow}
          activeIndex={Math.min(activeIndex, rows.length - 1)}
          selectedSpanId={selectedSpanId}
          onActiveIndexChange={setActiveIndex}
          onSelect={(index) => setSelectedSpanId(rows[index]?.node.span.spanId ?? null)}
          onToggle={toggle}
          onParent={(index) => setActiveIndex(parentRow(rows, index))}
          scrollerRef={() => undefined}
        />
      </div>
      {selected?.status.message && (
        <p className="run-trace-status" role="status">
          {selected.name}: {selected.status.message}
        </p>
      )}
    </section>
  );
}
