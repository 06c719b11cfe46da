import { useEffect, useSyncExternalStore } from 'react';
import { studio } from '../../client/studio-client';
import { eventImports } from './event-imports';
import { importSummary, unlistedProblems } from './import-summary';

/** What the last import kept and skipped, with the bad lines by number; dismissible. */
export function ImportReport() {
  const { files } = useSyncExternalStore(eventImports.subscribe, eventImports.getState);
  // The core pushes how far it has read the file being imported; the store keeps only its own imports'.
  useEffect(() => studio.listen('import.progress', (event) => eventImports.progress(event)), []);
  if (files.length === 0) return null;
  const importing = files.some((file) => file.status === 'importing');
  const failed = files.some((file) => file.status === 'failed' || (file.status === 'done' && file.result.problemCount));
  return (
    <section
      className={`import-report ${failed ? 'import-report-problems' : ''}`}
      role={importing ? 'status' : 'alert'}
      aria-label="Import result"
      aria-busy={importing}
    >
      <div className="import-report-files">
        {files.map((file, index) => (
          <div key={index} className="import-report-file">
            <p>
              <code>{file.fileName}</code>
              {': '}
              {file.status === 'importing' &&
                (file.progress && file.progress.total > 0
                  ? `importing… ${file.progress.read.toLocaleString('en-US')} / ${file.progress.total.toLocaleString('en-US')} lines`
                  : 'importing…')}
              {file.status === 'failed' && <span className="error">{file.message}</span>}
              {file.status === 'done' && <strong>{importSummary(file.result)}</strong>}
            </p>
            {file.status === 'done' && file.result.problems.length > 0 && (
              <>
                <p className="muted">
                  The other lines were kept. Fix these and import the file again (duplicates are skipped):
                </p>
                <ul className="import-problems" aria-label={`Bad lines of ${file.fileName}`}>
                  {file.result.problems.map((problem) => (
                    <li key={problem.line}>
                      <span className="import-problem-line">Line {problem.line}</span> {problem.message}
                    </li>
                  ))}
                  {unlistedProblems(file.result) > 0 && (
                    <li className="muted">
                      …and {unlistedProblems(file.result).toLocaleString('en-US')} more bad lines.
                    </li>
                  )}
                </ul>
              </>
            )}
          </div>
        ))}
      </div>
      {!importing && (
        <button
          type="button"
          className="icon-button"
          aria-label="Dismiss the import result"
          onClick={() => eventImports.dismiss()}
        >
          ×
        </button>
      )}
    </section>
  );
}
