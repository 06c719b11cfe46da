import { errorMessage } from '../../app/studio-error';
import { ErrorMessage } from '../../components/ErrorMessage';
import { kindLabel, flipKinds } from './impact-text';
import { useScriptCounts } from './use-impact';

interface Props {
  impactId: string;
  /** The workspace's scripts: the candidates for having changed a decision. */
  scripts: readonly string[];
  /** The script the list shows, or undefined for all. */
  script: string | undefined;
  onScript(script: string | undefined): void;
}

/** Which script's output changed the decision: flips per script and kind, each a filter of the list. */
export function ScriptFlips({ impactId, scripts, script, onScript }: Props) {
  const counts = useScriptCounts(impactId, scripts, flipKinds);
  const rows = scripts
    .map((id) => ({ id, counts: flipKinds.map((kind) => counts.count(kind, id)) }))
    .filter((row) => row.counts.some((count) => count > 0));
  return (
    <section className="impact-scripts" aria-labelledby={`impact-scripts-${impactId}`}>
      <h5 id={`impact-scripts-${impactId}`}>Flips by script</h5>
      <ErrorMessage message={errorMessage(counts.error)} />
      {!counts.ready && !counts.error && <p role="status">Counting flips per script…</p>}
      {counts.ready && rows.length === 0 && <p className="muted">No script flipped a decision.</p>}
      {rows.length > 0 && (
        <table className="impact-script-table" aria-label="Flips by script">
          <thead>
            <tr>
              <th scope="col">Script</th>
              {flipKinds.map((kind) => (
                <th scope="col" key={kind}>
                  {kindLabel(kind)}
                </th>
              ))}
              <th scope="col">List</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-script={row.id}>
                <th scope="row">
                  <code>{row.id}</code>
                </th>
                {row.counts.map((count, index) => (
                  <td key={flipKinds[index]} className="numeric">
                    {count}
                  </td>
                ))}
                <td>
                  <button
                    type="button"
                    className="link-button"
                    aria-pressed={script === row.id}
                    onClick={() => onScript(script === row.id ? undefined : row.id)}
                  >
                    {script === row.id ? 'Show every script' : `Only ${row.id}`}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
