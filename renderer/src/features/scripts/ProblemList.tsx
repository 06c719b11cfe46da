import type { Diagnostic } from './use-diagnostics';

interface Props {
  diagnostics: Diagnostic[];
  checking: boolean;
  bytes: number;
  limit: number;
}

/** The check's findings under the editor, readable without hovering the squiggles. */
export function ProblemList({ diagnostics, checking, bytes, limit }: Props) {
  const over = bytes > limit;
  return (
    <section className="problems" aria-label="Problems" data-check-state={checking ? 'checking' : 'done'}>
      <div className="problems-header">
        <span>
          {diagnostics.length === 0
            ? checking
              ? 'Checking…'
              : 'No problems'
            : `${diagnostics.length} problem${diagnostics.length > 1 ? 's' : ''}`}
        </span>
        <span className={over ? 'at-limit' : 'muted'} title="Scripts are limited to 5 KB of source">
          {(bytes / 1024).toFixed(1)} / {limit / 1024} KB
        </span>
      </div>
      {diagnostics.length > 0 && (
        <ul>
          {diagnostics.map((d, index) => (
            <li key={index} className={`problem problem-${d.severity}`}>
              <span className="problem-where">
                {d.line ? `Line ${d.line}${d.column ? `:${d.column}` : ''}` : 'Script'}
              </span>
              <span>
                {d.code}: {d.message}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
