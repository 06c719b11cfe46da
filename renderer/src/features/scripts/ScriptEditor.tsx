import { useMemo, useState } from 'react';
import { useUnsavedWork } from '../../app/unsaved-work';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { DraftImpact } from '../impact/DraftImpact';
import { CodeEditor, type EditorMarker } from './CodeEditor';
import { DiffView } from './DiffView';
import { shownDiff, type DiffChoice } from './draft-diff';
import { scriptErrorText } from './script-error-text';
import { GeneratePanel } from './GeneratePanel';
import { ProblemList } from './ProblemList';
import { RunPanel } from './RunPanel';
import { useDiagnostics } from './use-diagnostics';
import { useScriptDocument } from './use-script-document';
import { useScriptRun } from './use-script-run';
import { VersionHistory } from './VersionHistory';

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
  const [diff, setDiff] = useState<DiffChoice | null>(null);
  const [restoring, setRestoring] = useState<number | null>(null);
  // "Impact of my draft": the draft as it was when asked, compared on an environment's traffic.
  const [impactDraft, setImpactDraft] = useState<string | null>(null);
  const [generating, setGenerating] = useState(false);
  const attached = useMemo(() => script?.hooks ?? [], [script]);
  const runner = useScriptRun({ attached, hookHint });
  const { hook, run } = runner;

  const bytes = useMemo(() => new TextEncoder().encode(draft ?? '').length, [draft]);
  const { dirty } = doc;
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
        message: scriptErrorText(run.result.error),
        line: runLine,
      });
    return list;
  }, [diagnostics, run.result, runLine]);

  const save = async () => {
    const created = await doc.save(message);
    if (created) setMessage('');
    return created;
  };
  // Opening another script or screen asks Save / Discard / Cancel first; reloading gets the
  // browser's prompt.
  useUnsavedWork(id, dirty, save, doc.discard);
  const runNow = async () => {
    setTab('run');
    if (draft !== null) await runner.runNow(draft);
  };
  const compare = async (from: number, to: number) => {
    const [original, modified] = await Promise.all([doc.sourceOf(from), doc.sourceOf(to)]);
    if (original !== null && modified !== null)
      setDiff({ kind: 'versions', title: `Changes from v${from} to v${to}`, original, modified });
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
      {doc.offer && (
        <div role="alert" className="kept-draft">
          <p>
            Restore unsaved changes? This script had changes on v{doc.offer.version} that were not saved before the page
            was reloaded or closed.
          </p>
          <button type="button" className="primary" onClick={doc.restoreKept}>
            Restore
          </button>
          <button type="button" onClick={doc.discard}>
            Discard them
          </button>
        </div>
      )}
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
            <DiffView {...shownDiff(diff, script, draft)} onClose={() => setDiff(null)} />
          ) : (
            <CodeEditor
              scriptId={id}
              initial={draft}
              revision={doc.revision}
              markers={markers}
              schemas={runner.editorSchemas}
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
                event={runner.event}
                eventError={runner.eventError}
                recordedHooks={runner.wanted}
                recordedEvents={runner.recordedEvents}
                recordedError={runner.recordedError}
                recordedId={runner.recordedId}
                result={run.result}
                resultRecorded={run.recorded}
                runError={run.error}
                running={run.running}
                onHook={runner.chooseHook}
                onEvent={runner.editEvent}
                onResetEvent={runner.resetEvent}
                onPickRecorded={runner.pickRecorded}
                onRun={() => void runNow()}
              />
            ) : (
              <VersionHistory
                versions={doc.versions}
                dirty={dirty}
                onCompare={(from, to) => void compare(from, to)}
                onCompareDraft={() => setDiff({ kind: 'draft' })}
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
