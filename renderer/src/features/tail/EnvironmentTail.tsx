import { useEffect, useRef, useState } from 'react';
import { useStudioData } from '../../app/studio-data';
import { ErrorNotice } from '../publish/ErrorNotice';
import { RuntimeTrace } from '../rollout/RuntimeTrace';
import { emptyTailFilter, sameTailFilter, toTailFilter, type TailFilter, type TailFilterForm } from './tail-filter';
import { TailFilters } from './TailFilters';
import { TailList } from './TailList';
import { newRowsText, samplingText, type TailRow } from './tail-rows';
import { useLiveTail } from './use-live-tail';

interface Props {
  environment: string;
  onOpenSettings(): void;
}

/** One environment's live tail: filters, Start/Stop, Pause/Resume, the rows, a row's trace. */
export function EnvironmentTail({ environment, onOpenSettings }: Props) {
  const { hooks } = useStudioData();
  const tail = useLiveTail(environment);
  const [form, setForm] = useState<TailFilterForm>(emptyTailFilter);
  const [applied, setApplied] = useState<TailFilter | null>(null);
  const [activeKey, setActiveKey] = useState<number | null>(null);
  const [opened, setOpened] = useState<TailRow | null>(null);
  const traceSection = useRef<HTMLElement>(null);
  // The trace opens below the list: brought into view, while the focus stays on the list.
  useEffect(() => {
    if (opened) traceSection.current?.scrollIntoView({ block: 'nearest' });
  }, [opened]);
  const checked = toTailFilter(
    form,
    hooks.hooks.map((hook) => hook.id),
  );
  const problem = 'problem' in checked ? checked.problem : null;
  const { phase } = tail.status;
  const running = phase === 'live' || phase === 'starting';
  const changed = 'filter' in checked && applied !== null && !sameTailFilter(checked.filter, applied);
  const { rows } = tail;
  const sampling = running ? samplingText(rows.sampleRate) : null;

  const start = () => {
    if (!('filter' in checked)) return;
    setApplied(checked.filter);
    void tail.start(checked.filter);
  };

  return (
    <div
      className="tail-environment"
      data-tail-state={phase}
      onKeyDown={(event) => {
        // Escape closes the trace, from the list as from the trace; a field keeps its own Escape.
        const inField = event.target instanceof HTMLElement && /^(INPUT|SELECT|TEXTAREA)$/.test(event.target.tagName);
        if (event.key === 'Escape' && opened && !inField) setOpened(null);
      }}
    >
      <form
        className="tail-controls"
        aria-label="Tail filters"
        onSubmit={(event) => {
          event.preventDefault();
          start();
        }}
      >
        <TailFilters hooks={hooks} form={form} onChange={setForm} />
        <div className="tail-buttons">
          {!running || changed ? (
            <button type="submit" className="primary" disabled={problem !== null || phase === 'starting'}>
              {running ? 'Apply filters' : 'Start'}
            </button>
          ) : null}
          {running && (
            <button type="button" onClick={tail.stop}>
              Stop
            </button>
          )}
          <button
            type="button"
            aria-pressed={rows.paused}
            onClick={rows.paused ? tail.resume : tail.pause}
            disabled={!running && !rows.paused}
          >
            {rows.paused ? 'Resume' : 'Pause'}
          </button>
        </div>
        {problem && (
          <p role="alert" className="field-problem">
            {problem}
          </p>
        )}
      </form>
      {phase === 'failed' && (
        <ErrorNotice error={tail.status.error} environment={environment} onOpenSettings={onOpenSettings} />
      )}
      <p role="status" className="tail-status">
        <span data-testid="tail-phase">{phaseText(tail.status, environment)}</span>
        {' · '}
        {rows.rows.length.toLocaleString('en')} shown
        {rows.paused && (
          <>
            {' · paused, '}
            <strong data-testid="tail-new">{newRowsText(rows)}</strong>
          </>
        )}
        {sampling && (
          <>
            {' · '}
            <span className="tail-sampling">{sampling}</span>
          </>
        )}
      </p>
      <TailList
        rows={rows.rows}
        activeKey={activeKey}
        onActiveKeyChange={setActiveKey}
        onOpen={(row) => setOpened(row)}
      />
      {opened && (
        <section ref={traceSection} className="tail-trace" aria-label="Trace of the chosen invocation">
          <div className="tail-trace-header">
            <button type="button" onClick={() => setOpened(null)} aria-keyshortcuts="Escape">
              Close the trace
            </button>
          </div>
          <RuntimeTrace
            key={opened.traceId}
            environment={environment}
            traceId={opened.traceId}
            title={`${opened.hook}: ${opened.outcome}${opened.version === null ? '' : ` (v${opened.version})`}`}
          />
        </section>
      )}
    </div>
  );
}

function phaseText(status: ReturnType<typeof useLiveTail>['status'], environment: string): string {
  switch (status.phase) {
    case 'stopped':
      return 'Stopped';
    case 'starting':
      return `Connecting to ${environment}…`;
    case 'live':
      return `Live on ${environment}`;
    case 'ended':
      return status.message ? `Ended: ${status.message}` : 'Ended';
    case 'failed':
      return 'Stopped: the tail failed';
  }
}
