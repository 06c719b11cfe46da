import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import { studio } from '../client/studio-client';
import { PipelineView } from '../features/pipeline/PipelineView';
import { EventDropTarget } from '../features/events/EventDropTarget';
import { createLeaveGuard } from './leave-guard';
import { ShortcutsDialog } from './ShortcutsDialog';
import { SideNav } from './SideNav';
import {
  StudioDataContext,
  type HookList,
  type PipelineState,
  type ScriptSummary,
  type StudioData,
} from './studio-data';
import { UnsavedChangesDialog } from './UnsavedChangesDialog';
import { LeaveGuardContext } from './unsaved-work';
import { views, type ViewId } from './views';

// The first screen is the pipeline; every other screen is a chunk of its own, loaded when it is
// first opened, so the page becomes interactive without the code of screens nobody opened yet
// (bench/studio-startup.bench.mjs measures it).
const ScriptsView = lazy(() => import('../features/scripts/ScriptsView').then((m) => ({ default: m.ScriptsView })));
const EventsView = lazy(() => import('../features/events/EventsView').then((m) => ({ default: m.EventsView })));
const RunsView = lazy(() => import('../features/runs/RunsView').then((m) => ({ default: m.RunsView })));
const TracesView = lazy(() => import('../features/traces/TracesView').then((m) => ({ default: m.TracesView })));
const SecretsView = lazy(() => import('../features/secrets/SecretsView').then((m) => ({ default: m.SecretsView })));
const PublishView = lazy(() => import('../features/publish/PublishView').then((m) => ({ default: m.PublishView })));
const TailView = lazy(() => import('../features/tail/TailView').then((m) => ({ default: m.TailView })));

type Info = ChannelOutput<'app.info'>;

type State =
  { phase: 'loading' } | { phase: 'ready'; info: Info; hooks: HookList } | { phase: 'error'; message: string };

/** The pipeline and the scripts: several views show them, and changes reload them. */
function loadWorkspaceData() {
  return Promise.all([studio.pipeline.get(), studio.scripts.list()]);
}
type WorkspaceData = Awaited<ReturnType<typeof loadWorkspaceData>>;

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
  );
}

export function App() {
  const [state, setState] = useState<State>({ phase: 'loading' });
  const [view, setView] = useState<ViewId>('pipeline');
  const [pipeline, setPipeline] = useState<PipelineState | null>(null);
  const [scripts, setScripts] = useState<ScriptSummary[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [openScriptId, setOpenScriptId] = useState<{ id: string; hook?: string; line?: number } | null>(null);
  const [openTraceId, setOpenTraceId] = useState<string | null>(null);
  const [openRunId, setOpenRunId] = useState<number | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  // Leaving a script with unsaved changes asks first (app/leave-guard.ts); the script asked about.
  const [askingFor, setAskingFor] = useState<string | null>(null);
  const [guard] = useState(() => createLeaveGuard(setAskingFor));
  // Every change of screen goes through the guard; the Scripts screen itself keeps the editor.
  const goTo = useCallback(
    (next: ViewId) => (next === 'scripts' ? setView(next) : guard.leave(() => setView(next))),
    [guard],
  );

  const applyData = useCallback(([nextPipeline, nextScripts]: WorkspaceData) => {
    if (nextPipeline.ok) setPipeline(nextPipeline.value);
    if (nextScripts.ok) setScripts(nextScripts.value);
    const failed = [nextPipeline, nextScripts].find((result) => !result.ok);
    setLoadError(failed && !failed.ok ? failed.error.message : null);
  }, []);
  const reload = useCallback(() => loadWorkspaceData().then(applyData), [applyData]);

  useEffect(() => {
    let cancelled = false;
    void Promise.all([studio.app.info(), studio.hooks.list()]).then(([info, hooks]) => {
      if (cancelled) return;
      if (!info.ok) return setState({ phase: 'error', message: info.error.message });
      if (!hooks.ok) return setState({ phase: 'error', message: hooks.error.message });
      setState({ phase: 'ready', info: info.value, hooks: hooks.value });
    });
    void loadWorkspaceData().then((loaded) => !cancelled && applyData(loaded));
    return () => {
      cancelled = true;
    };
  }, [applyData]);

  // Tests and assistive tools wait for this attribute instead of sleeping.
  useEffect(() => {
    document.getElementById('root')?.setAttribute('data-app-state', state.phase);
  }, [state.phase]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const digit = /^Digit([1-8])$/.exec(event.code);
      if (event.altKey && !event.ctrlKey && !event.metaKey && digit?.[1]) {
        const target = views[Number(digit[1]) - 1];
        if (target) {
          event.preventDefault();
          goTo(target.id);
        }
      } else if (event.key === '?' && !isTyping(event.target)) {
        setHelpOpen(true);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [goTo]);

  const data = useMemo<StudioData | null>(
    () =>
      state.phase === 'ready'
        ? {
            hooks: state.hooks,
            pipeline,
            scripts,
            loadError,
            setPipeline,
            reload,
            openScript: (id, hook, line) =>
              guard.openScript(id, () => {
                setOpenScriptId({ id, ...(hook ? { hook } : {}), ...(line ? { line } : {}) });
                setView('scripts');
              }),
            openTrace: (traceId) =>
              guard.leave(() => {
                setOpenTraceId(traceId);
                setView('traces');
              }),
            openRun: (runId) =>
              guard.leave(() => {
                setOpenRunId(runId);
                setView('runs');
              }),
          }
        : null,
    [state, pipeline, scripts, loadError, reload, guard],
  );

  return (
    <div className="app">
      <header className="app-header">
        <h1>Pipeline Studio</h1>
        {state.phase === 'ready' && (
          <span className="app-meta">
            v{state.info.version} · {state.info.host === 'web' ? 'web mode' : 'desktop'}
          </span>
        )}
        <button
          type="button"
          className="icon-button header-help"
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
          onClick={() => setHelpOpen(true)}
        >
          ?
        </button>
      </header>
      <div className="app-body">
        <SideNav current={view} onSelect={goTo} />
        <main className="app-main">
          {state.phase === 'loading' && <p role="status">Loading the studio…</p>}
          {state.phase === 'error' && (
            <p role="alert" className="error">
              {state.message}
            </p>
          )}
          {data && (
            <StudioDataContext value={data}>
              <LeaveGuardContext value={guard}>
                <Suspense fallback={<p role="status">Loading the screen…</p>}>
                  {view === 'pipeline' && <PipelineView />}
                  {view === 'scripts' && (
                    <ScriptsView
                      selected={openScriptId}
                      onSelect={(id) => {
                        if (id === null) guard.leave(() => setOpenScriptId(null));
                        else guard.openScript(id, () => setOpenScriptId({ id }));
                      }}
                    />
                  )}
                  {view === 'events' && <EventsView />}
                  {view === 'runs' && <RunsView selectedRunId={openRunId} onSelectRun={setOpenRunId} />}
                  {view === 'traces' && <TracesView selectedTraceId={openTraceId} onSelectTrace={setOpenTraceId} />}
                  {view === 'secrets' && <SecretsView />}
                  {view === 'publish' && <PublishView onNavigate={goTo} />}
                  {view === 'tail' && <TailView onNavigate={goTo} />}
                </Suspense>
              </LeaveGuardContext>
            </StudioDataContext>
          )}
        </main>
      </div>
      <ShortcutsDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
      <UnsavedChangesDialog
        scriptId={askingFor ?? ''}
        open={askingFor !== null}
        onChoose={(choice) => void guard.choose(choice)}
      />
      {state.phase === 'ready' && <EventDropTarget onImport={() => goTo('events')} />}
    </div>
  );
}
