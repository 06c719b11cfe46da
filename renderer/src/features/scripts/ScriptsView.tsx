import { lazy, Suspense, useMemo, useState } from 'react';
import { useStudioData } from '../../app/studio-data';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { NewScriptForm } from './NewScriptForm';

// Monaco is large: it loads only when a script is opened, never on the first screen.
const ScriptEditor = lazy(() => import('./ScriptEditor'));

interface Props {
  /** `line` (1-based): reveal and mark it, e.g. the line of an error in a trace. */
  selected: { id: string; hook?: string; line?: number } | null;
  onSelect(id: string | null): void;
}

/** Every script of the workspace, and the editor of the one that is open. */
export function ScriptsView({ selected, onSelect }: Props) {
  const { scripts, loadError } = useStudioData();
  const [creating, setCreating] = useState(false);
  // A new object for each openScript(), so asking again for the same line of the open script
  // reveals it again (the editor stays mounted: it is keyed by the script only).
  const reveal = useMemo(() => (selected?.line ? { line: selected.line } : undefined), [selected]);
  return (
    <div className="scripts-view">
      <div className="view-header">
        <h2>Scripts</h2>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New script
        </button>
      </div>
      <ErrorMessage message={loadError} />
      <div className="scripts-split">
        <nav aria-label="Scripts" className="script-list">
          {scripts.length === 0 ? (
            <p className="empty-state">No scripts yet. Choose “New script” to start from a template.</p>
          ) : (
            <ul>
              {scripts.map((script) => (
                <li key={script.id}>
                  <button
                    type="button"
                    aria-current={selected?.id === script.id ? 'page' : undefined}
                    onClick={() => onSelect(script.id)}
                  >
                    <code>{script.id}</code>
                    <span className="muted">
                      v{script.latest.version} · {script.hooks.length ? script.hooks.join(', ') : 'unused'}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </nav>
        <section className="script-detail" aria-label="Script editor">
          {selected ? (
            <Suspense fallback={<p role="status">Loading the editor…</p>}>
              <ScriptEditor
                key={selected.id}
                id={selected.id}
                {...(selected.hook ? { hookHint: selected.hook } : {})}
                {...(reveal ? { reveal } : {})}
              />
            </Suspense>
          ) : (
            <p className="empty-state">Pick a script on the left, or create one, to edit, run and version it.</p>
          )}
        </section>
      </div>
      <Dialog title="New script" open={creating} onClose={() => setCreating(false)}>
        <NewScriptForm
          defaultTemplate="blocking"
          onCreated={(script) => {
            setCreating(false);
            onSelect(script.id);
          }}
        />
      </Dialog>
    </div>
  );
}
