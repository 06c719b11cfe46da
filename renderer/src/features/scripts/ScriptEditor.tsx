import { useEffect, useMemo, useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import type { HookId } from '@shared/hooks/definitions';
import { studio } from '../../client/studio-client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { DraftImpact } from '../impact/DraftImpact';
import { CodeEditor, type EditorMarker } from './CodeEditor';
import { DiffView } from './DiffView';
import { GeneratePanel } from './GeneratePanel';
import type { HookSchema } from './lua-intellisense';
import { ProblemList } from './ProblemList';
import { RunPanel, type RecordedEvent, type RunRecorded } from './RunPanel';
import { useDiagnostics } from './use-diagnostics';
import { useScriptDocument } from './use-script-document';
import { VersionHistory } from './VersionHistory';

type HookInfo = ChannelOutput<'hooks.schema'>;
type RunResult = ChannelOutput<'scripts.run'>;
type SideTab = 'run' | 'history';

const sizeLimit = 5 * 1024;

/** The script editor: Monaco, diagnostics, save with a message, history and diffs, and runs. */
export default function ScriptEditor({
  id,
  hookHint,
  reveal,
}: {
  id: string;
  hookHint?: string;
  /** A line to show, put the cursor on and mark (a new object asks again). */
  reveal?: { line: number };
}) {
  const doc = useScriptDocument(id);
  const { script, draft } = doc;
  const { diagnostics, checking } = useDiagnostics(draft);
  const [message, setMessage] = useState('');
  const [tab, setTab] = useState<SideTab>('run');
  const [diff, setDiff] = useState<{ title: string; original: string; modified: string } | null>(null);
  const [restoring, setRestoring] = useState<number | null>(null);
  // "Impact of my draft": the draft as it was when asked, compared on an environment's traffic.
  const [impactDraft, setImpactDraft] = useState<string | null>(null);
  const [generating, setGenerating] = useState(false);
  const [schemas, setSchemas] = useState<Partial<Record<HookId, HookInfo>>>({});
  const [runHook, setRunHook] = useState<HookId | null>(null);
  const [eventText, setEventText] = useState<string | null>(null);
  const [recorded, setRecorded] = useState<Partial<Record<HookId, RecordedEvent[]>>>({});
  const [recordedError, setRecordedError] = useState<string | null>(null);
  const [recordedId, setRecordedId] = useState('');
  const [run, setRun] = useState<{
    result: RunResult | null;
    recorded: RunRecorded | null;
    error: string | null;
    running: boolean;
  }>({ result: null, recorded: null, error: null, running: false });

  const attached = useMemo(() => script?.hooks ?? [], [script]);
  const hook: HookId = runHook ?? attached[0] ?? ((hookHint as HookId | undefined) || 'signup.before');
  const wanted = useMemo(() => [...new Set<HookId>([...attached, hook])], [attached, hook]);

  useEffect(() => {
    const missing = wanted.filter((h) => !schemas[h]);
    if (missing.length === 0) return;
    void Promise.all(missing.map((h) => studio.hooks.schema({ hook: h }))).then((results) => {
      const loaded: Partial<Record<HookId, HookInfo>> = {};
      for (const result of results) if (result.ok) loaded[result.value.hook] = result.value;
      setSchemas((current) => ({ ...current, ...loaded }));
    });
  }, [wanted, schemas]);

  // The recorded events of the attached hooks and the run hook (events import), loaded once a hook.
  useEffect(() => {
    const missing = wanted.filter((h) => !recorded[h]);
    if (missing.length === 0) return;
    void Promise.all(missing.map((h) => studio.events.list({ hook: h }))).then((results) => {
      const loaded: Partial<Record<HookId, RecordedEvent[]>> = {};
      results.forEach((result, index) => {
        const h = missing[index];
        if (!h) return;
        if (result.ok) loaded[h] = result.value.events;
        else {
          loaded[h] = []; // Not asked again in a loop; the message says what is wrong.
          setRecordedError(`Recorded events could not be listed: ${result.error.message}`);
        }
      });
      setRecorded((current) => ({ ...current, ...loaded }));
    });
  }, [wanted, recorded]);
  const recordedEvents = useMemo(
    () => (wanted.every((h) => recorded[h]) ? wanted.flatMap((h) => recorded[h] ?? []) : null),
    [wanted, recorded],
  );
  const pickRecorded = (eventId: string) => {
    setRecordedId(eventId);
    const picked = recordedEvents?.find((e) => e.id === eventId);
    if (!picked) return;
    setRunHook(picked.hook);
    setEventText(JSON.stringify(picked.event, null, 2));
  };

  const editorSchemas = useMemo<HookSchema[]>(
    () =>
      (attached.length ? attached : [hook]).flatMap((h) =>
        schemas[h] ? [{ hook: h, schema: schemas[h].schema }] : [],
      ),
    [attached, hook, schemas],
  );
  const sample = schemas[hook]?.sample;
  const event = eventText ?? (sample ? JSON.stringify(sample, null, 2) : '{}');
  const eventError = useMemo(() => {
    try {
      const parsed: unknown = JSON.parse(event);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? null : 'The event must be a JSON object.';
    } catch (error) {
      return `Not JSON: ${(error as Error).message}`;
    }
  }, [event]);

  const bytes = useMemo(() => new TextEncoder().encode(draft ?? '').length, [draft]);
  const dirty = script !== null && draft !== null && draft !== script.source;
  const runLine = run.result?.error?.line;
  const markers = useMemo<EditorMarker[]>(() => {
    const list: EditorMarker[] = diagnostics
      .filter((d) => d.line !== undefined)
      .map((d) => ({
        owner: 'check',
        severity: d.severity,
        message: `${d.code}: ${d.message}`,
        line: d.line ?? 1,
        ...(d.column ? { column: d.column } : {}),
      }));
    if (run.result?.error && runLine)
      list.push({
        owner: 'run',
        severity: 'error',
        message: `${run.result.error.code}: ${run.result.error.message}`,
        line: runLine,
      });
    return list;
  }, [diagnostics, run.result, runLine]);

  const save = async () => {
    if (await doc.save(message)) setMessage('');
  };
  const runNow = async () => {
    if (draft === null || eventError) return setTab('run');
    setTab('run');
    setRun((r) => ({ ...r, running: true }));
    const picked = recordedEvents?.find((e) => e.id === recordedId);
    const ranOn: RunRecorded | null = picked
      ? { id: picked.id, ...(picked.outcome === undefined ? {} : { outcome: picked.outcome }) }
      : null;
    const result = await studio.scripts.run({
      source: draft,
      hook,
      event: JSON.parse(event) as Record<string, unknown>,
    });
    setRun(
      result.ok
        ? { result: result.value, recorded: ranOn, error: null, running: false }
        : { result: null, recorded: null, error: result.error.message, running: false },
    );
  };
  const compare = async (from: number, to: number) => {
    const [original, modified] = await Promise.all([doc.sourceOf(from), doc.sourceOf(to)]);
    if (original !== null && modified !== null)
      setDiff({ title: `Changes from v${from} to v${to}`, original, modified });
  };

  if (doc.error && !script) return <ErrorMessage message={doc.error} />;
  if (!script || draft === null) return <p role="status">Opening {id}…</p>;

  return (
    <div className="script-editor" data-script={id}>
      <div className="editor-toolbar">
        <div className="editor-title">
          <h3>
            <code>{id}</code>
          </h3>
          <span className="muted">
            v{script.version}
            {dirty ? ' · unsaved changes' : ''}
          </span>
          <span className="muted">{attached.length ? `on ${attached.join(', ')}` : 'not attached to a hook'}</span>
        </div>
        <form
          className="save-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <input
            aria-label="Version message"
            placeholder="What changed (optional)"
            value={message}
            maxLength={500}
            onChange={(e) => setMessage(e.target.value)}
          />
          <button type="submit" className="primary" aria-keyshortcuts="Control+S" title="Save a new version (Ctrl/⌘+S)">
            Save
          </button>
        </form>
        <button
          type="button"
          aria-pressed={impactDraft !== null}
          title="What this draft would have decided on an environment's captured traffic"
          onClick={() => {
            setGenerating(false);
            setImpactDraft(impactDraft === null ? draft : null);
          }}
        >
          Impact of my draft
        </button>
        <button
          type="button"
          aria-pressed={generating}
          title="Run the draft on events generated from its hook's schema, edge cases included"
          onClick={() => {
            setImpactDraft(null);
            setGenerating(!generating);
          }}
        >
          Generate events
        </button>
      </div>
      <ErrorMessage message={doc.error} onDismiss={() => doc.setError(null)} />
      <p role="status" className="save-status">
        {doc.status}
      </p>
      {/* The draft's impact takes the editor's whole width (its list and traces need it); the editor,
          the run panel and their state come back as they were. */}
      {impactDraft !== null && <DraftImpact scriptId={id} source={impactDraft} onClose={() => setImpactDraft(null)} />}
      {generating && impactDraft === null && (
        <GeneratePanel scriptId={id} hook={hook} source={draft} onClose={() => setGenerating(false)} />
      )}
      <div className="editor-split" hidden={impactDraft !== null || generating}>
        <div className="editor-main">
          {diff ? (
            <DiffView {...diff} onClose={() => setDiff(null)} />
          ) : (
            <CodeEditor
              scriptId={id}
              initial={draft}
              revision={doc.revision}
              markers={markers}
              schemas={editorSchemas}
              onChange={doc.setDraft}
              onSave={() => void save()}
              onRun={() => void runNow()}
              {...(reveal ? { reveal } : {})}
            />
          )}
          <ProblemList diagnostics={diagnostics} checking={checking} bytes={bytes} limit={sizeLimit} />
        </div>
        <aside className="editor-side" aria-label="Run and history">
          <div role="tablist" aria-label="Side panel" className="tabs">
            {(['run', 'history'] as const).map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                id={`side-tab-${t}`}
                aria-selected={tab === t}
                aria-controls={`side-panel-${t}`}
                onClick={() => setTab(t)}
              >
                {t === 'run' ? 'Run' : `History (${doc.versions.length})`}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`side-panel-${tab}`} aria-labelledby={`side-tab-${tab}`}>
            {tab === 'run' ? (
              <RunPanel
                hook={hook}
                attached={attached}
                event={event}
                eventError={eventError}
                recordedHooks={wanted}
                recordedEvents={recordedEvents}
                recordedError={recordedError}
                recordedId={recordedId}
                result={run.result}
                resultRecorded={run.recorded}
                runError={run.error}
                running={run.running}
                onHook={(h) => {
                  setRunHook(h);
                  setEventText(null);
                  setRecordedId('');
                }}
                onEvent={(text) => {
                  setEventText(text);
                  setRecordedId(''); // An edited event is no longer the recorded one.
                }}
                onResetEvent={() => {
                  setEventText(null);
                  setRecordedId('');
                }}
                onPickRecorded={pickRecorded}
                onRun={() => void runNow()}
              />
            ) : (
              <VersionHistory
                versions={doc.versions}
                dirty={dirty}
                onCompare={(from, to) => void compare(from, to)}
                onCompareDraft={() =>
                  setDiff({ title: `Draft compared with v${script.version}`, original: script.source, modified: draft })
                }
                onRestore={setRestoring}
              />
            )}
          </div>
        </aside>
      </div>
      <ConfirmDialog
        open={restoring !== null}
        title={`Restore v${restoring ?? ''}?`}
        message={`v${restoring ?? ''} becomes the latest version again (as a new version; nothing is deleted).${dirty ? ' Your unsaved changes will be replaced.' : ''}`}
        confirmLabel="Restore"
        onConfirm={() => {
          const version = restoring;
          setRestoring(null);
          if (version !== null) void doc.restore(version);
        }}
        onCancel={() => setRestoring(null)}
      />
    </div>
  );
}
