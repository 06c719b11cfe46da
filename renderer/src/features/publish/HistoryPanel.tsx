import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { studio } from '../../client/studio-client';
import { errorCode, errorMessage } from '../../app/studio-error';
import { formatUtc } from '../../components/format-time';
import { ErrorNotice } from './ErrorNotice';
import { invalidatePublish, publishHistoryQuery } from './publish-queries';
import { newestFirst, shortHash, versionKindLabel, type VersionEntry } from './publish-text';
import { TypedConfirmDialog } from './TypedConfirmDialog';

interface Props {
  environment: string;
  /** Bumped by the view after a publish, to load the history again. */
  refreshKey: number;
  onOpenSettings(): void;
  onRolledBack(): void;
}

type CoreError = { code: string; message: string };

/** The runtime's versions, newest first, the active one marked; roll back to an earlier one. */
export function HistoryPanel({ environment, refreshKey, onOpenSettings, onRolledBack }: Props) {
  const client = useQueryClient();
  const query = useQuery(publishHistoryQuery(studio, environment));
  const history = query.data ?? null;
  const loading = query.isFetching;
  const [rollbackError, setRollbackError] = useState<CoreError | null>(null);
  const error: CoreError | null =
    rollbackError ??
    (query.error ? { code: errorCode(query.error) ?? 'INTERNAL', message: errorMessage(query.error) ?? '' } : null);
  const [target, setTarget] = useState<VersionEntry | null>(null);
  const [status, setStatus] = useState('');
  const load = () => invalidatePublish(client, environment);

  // A publish ended or a review looked at the runtime: what it holds may have moved on.
  const { refetch } = query;
  useEffect(() => {
    if (refreshKey > 0) void refetch();
  }, [refreshKey, refetch]);

  const rollBack = async (version: VersionEntry, confirm: string) => {
    setTarget(null);
    setStatus(`Rolling back to v${version.version}…`);
    const answer = await studio.publish.rollback({
      environment,
      version: version.version,
      ...(confirm ? { confirm } : {}),
    });
    if (!answer.ok) {
      setStatus('');
      return setRollbackError(answer.error);
    }
    setRollbackError(null);
    setStatus(
      `Rolled back to v${version.version}: v${answer.value.version} (${shortHash(answer.value.hash)}) is active.`,
    );
    onRolledBack();
    await load();
  };

  const versions = history ? newestFirst(history.versions) : [];
  const activeVersion = history?.active?.version ?? null;

  return (
    <section
      className="publish-section publish-history"
      aria-labelledby="publish-history-title"
      data-state={loading ? 'loading' : 'ready'}
    >
      <div className="publish-section-header">
        <h3 id="publish-history-title">History of {environment}</h3>
        <button type="button" onClick={() => void load()} disabled={loading}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={error} environment={environment} onOpenSettings={onOpenSettings} />
      <p role="status" className="save-status">
        {status}
      </p>
      {history && versions.length === 0 && <p className="empty-state">Nothing published to {environment} yet.</p>}
      {versions.length > 0 && (
        <table className="publish-table publish-history-table" aria-label={`Versions on ${environment}`}>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Hash</th>
              <th scope="col">Published (UTC)</th>
              <th scope="col">By</th>
              <th scope="col">Message</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.map((entry) => {
              const active = entry.version === activeVersion;
              return (
                <tr key={entry.version} aria-current={active ? 'true' : undefined} data-version={entry.version}>
                  <th scope="row">
                    v{entry.version} {active && <span className="tag tag-ok">active</span>}{' '}
                    {versionKindLabel(entry.kind) && (
                      <span className="tag" data-kind={entry.kind}>
                        {versionKindLabel(entry.kind)}
                      </span>
                    )}
                  </th>
                  <td>
                    <code title={entry.hash}>{shortHash(entry.hash)}</code>
                  </td>
                  <td>{formatUtc(entry.publishedAt, false, false)}</td>
                  <td>{entry.publishedBy}</td>
                  <td className="publish-history-message">{entry.message}</td>
                  <td>
                    {!active && (
                      <button type="button" className="danger" onClick={() => setTarget(entry)}>
                        Roll back to v{entry.version}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <TypedConfirmDialog
        open={target !== null}
        title={`Roll back ${environment}`}
        message={
          target
            ? `Make v${target.version} (${shortHash(target.hash)}, “${target.message}”) the active pipeline on ${environment} again? It is recorded as a new version.`
            : ''
        }
        confirmLabel={target ? `Roll back to v${target.version}` : 'Roll back'}
        environment={environment}
        onCancel={() => setTarget(null)}
        onConfirm={(typed) => target && void rollBack(target, typed)}
      />
    </section>
  );
}
