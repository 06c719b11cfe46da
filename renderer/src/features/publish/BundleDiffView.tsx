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
      {hooks.length > 0 && (
        <table className="publish-table" aria-label="Changed hooks">
          <caption>Hooks</caption>
          <thead>
            <tr>
              <th scope="col">Hook</th>
              <th scope="col">Change</th>
              <th scope="col">On the runtime</th>
              <th scope="col">To publish</th>
            </tr>
          </thead>
          <tbody>
            {hooks.map((hook) => (
              <tr key={hook.hook}>
                <th scope="row">
                  <code>{hook.hook}</code>
                </th>
                <td>
                  <ChangeTag change={hook.change} />
                </td>
                <td>
                  <code>{layersText(hook.before)}</code>
                </td>
                <td>
                  <code>{layersText(hook.after)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {env.length > 0 && (
        <table className="publish-table" aria-label="Changed env">
          <caption>Env</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Change</th>
              <th scope="col">On the runtime</th>
              <th scope="col">To publish</th>
            </tr>
          </thead>
          <tbody>
            {env.map((entry) => (
              <tr key={entry.key}>
                <th scope="row">
                  <code>{entry.key}</code>
                </th>
                <td>
                  <ChangeTag change={entry.change} />
                </td>
                <td>
                  <code>{entry.before ?? '—'}</code>
                </td>
                <td>
                  <code>{entry.after ?? '—'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
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
