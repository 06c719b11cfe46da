import { lazy, Suspense, useState } from 'react';
import { changedOnly, changeWord, diffSummary, layersText, type BundleDiff, type Change } from './publish-text';

// Monaco is a lazy chunk (as for the script editor): loaded when a diff is first expanded.
const ScriptDiff = lazy(() => import('./ScriptDiff').then((module) => ({ default: module.ScriptDiff })));

function ChangeTag({ change }: { change: Change }) {
  return <span className={`tag publish-change publish-change-${change}`}>{changeWord(change)}</span>;
}

/** What publishing would change on the runtime: scripts, hooks' layers, env and secret names. */
export function BundleDiffView({ diff }: { diff: BundleDiff }) {
  const [open, setOpen] = useState<string | null>(null);
  const scripts = changedOnly(diff.scripts);
  const hooks = changedOnly(diff.hooks);
  const env = changedOnly(diff.env);
  const secrets = changedOnly(diff.secrets);

  return (
    <section className="publish-section" aria-labelledby="publish-diff-title">
      <h4 id="publish-diff-title">Changes</h4>
      <p className={diff.identical ? 'empty-state' : 'muted'} data-testid="diff-summary">
        {diffSummary(diff)}
      </p>
      {scripts.length > 0 && (
        <>
          <h5>Scripts</h5>
          <ul className="publish-diff-list" aria-label="Changed scripts">
            {scripts.map((script) => {
              const expanded = open === script.id;
              return (
                <li key={script.id} aria-label={`${script.id} ${changeWord(script.change)}`}>
                  <div className="publish-diff-row">
                    <ChangeTag change={script.change} />
                    <code>{script.id}</code>
                    <button
                      type="button"
                      aria-expanded={expanded}
                      aria-controls={`publish-diff-${script.id}`}
                      onClick={() => setOpen(expanded ? null : script.id)}
                    >
                      {expanded ? 'Hide the diff' : 'Show the diff'}
                      <span className="visually-hidden"> of {script.id}</span>
                    </button>
                  </div>
                  {expanded && (
                    <div id={`publish-diff-${script.id}`}>
                      <Suspense fallback={<p role="status">Loading the diff…</p>}>
                        <ScriptDiff
                          title={`${script.id}: runtime ↔ this workspace`}
                          original={script.before ?? ''}
                          modified={script.after ?? ''}
                        />
                      </Suspense>
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
      <ChangeTable
        label="Changed hooks"
        caption="Hooks"
        keyHeader="Hook"
        rows={hooks.map((hook) => ({
          key: hook.hook,
          change: hook.change,
          before: layersText(hook.before),
          after: layersText(hook.after),
        }))}
      />
      <ChangeTable
        label="Changed env"
        caption="Env"
        keyHeader="Key"
        rows={env.map((entry) => ({
          key: entry.key,
          change: entry.change,
          before: entry.before ?? '—',
          after: entry.after ?? '—',
        }))}
      />
      {secrets.length > 0 && (
        <>
          <h5>Secret names</h5>
          <ul className="publish-diff-list" aria-label="Changed secret names">
            {secrets.map((secret) => (
              <li key={secret.name} className="publish-diff-row">
                <ChangeTag change={secret.change} />
                <code>{secret.name}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** Before and after of named entries (a hook's layers, a pipeline variable); nothing when empty. */
function ChangeTable(props: {
  label: string;
  caption: string;
  keyHeader: string;
  rows: { key: string; change: Change; before: string; after: string }[];
}) {
  if (props.rows.length === 0) return null;
  return (
    <table className="publish-table" aria-label={props.label}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{props.keyHeader}</th>
          <th scope="col">Change</th>
          <th scope="col">On the runtime</th>
          <th scope="col">To publish</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">
              <code>{row.key}</code>
            </th>
            <td>
              <ChangeTag change={row.change} />
            </td>
            <td>
              <code>{row.before}</code>
            </td>
            <td>
              <code>{row.after}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
