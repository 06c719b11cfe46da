import { useCallback, useEffect, useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import { studio } from '../../client/studio-client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SecretForm } from './SecretForm';

type SecretList = ChannelOutput<'secrets.list'>;

/** The secrets of one environment: names and state only, never values. */
export function SecretTable({ environment, keychainReady }: { environment: string; keychainReady: boolean }) {
  const [list, setList] = useState<SecretList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [undeclaring, setUndeclaring] = useState<SecretList['secrets'][number] | null>(null);

  const apply = useCallback((result: Awaited<ReturnType<typeof studio.secrets.list>>) => {
    if (result.ok) setList(result.value);
    setError(result.ok ? null : result.error.message);
  }, []);
  const load = useCallback(() => studio.secrets.list({ environment }).then(apply), [environment, apply]);

  useEffect(() => {
    let current = true;
    void studio.secrets.list({ environment }).then((result) => current && apply(result));
    return () => {
      current = false;
    };
  }, [environment, apply]);

  const remove = async (name: string) => {
    setDeleting(null);
    const result = await studio.secrets.delete({ environment, name });
    if (!result.ok) return setError(result.error.message);
    await load();
  };

  const undeclare = async (name: string) => {
    setUndeclaring(null);
    const result = await studio.secrets.undeclare({ name });
    if (!result.ok) return setError(result.error.message);
    await load();
  };

  const missing = list?.secrets.filter((s) => !s.isSet && s.usedBy.length > 0) ?? [];
  return (
    <section
      className="secret-table"
      aria-label={`Secrets of ${environment}`}
      data-secrets-state={list ? 'ready' : 'loading'}
    >
      <div className="section-header">
        <h3>Secrets</h3>
        {list && <span className="muted">Stored in {list.store}</span>}
      </div>
      {/* Without a keychain the screen already says what to install (SecretsView); the list's own
          error would only repeat it with the platform's raw text. */}
      <ErrorMessage message={keychainReady ? error : null} />
      {missing.length > 0 && (
        <p role="alert" className="warning-message">
          Used but not set in {environment}: {missing.map((s) => s.name).join(', ')}. Scripts reading them fail with
          SECRET_NOT_FOUND.
        </p>
      )}
      {list && list.secrets.length === 0 && (
        <p className="empty-state">No secrets yet. Add one below; scripts read it with helpers.secret("NAME").</p>
      )}
      {list && list.secrets.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">Used by</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.secrets.map((secret) => (
              <tr key={secret.name} aria-label={secret.name}>
                <th scope="row">
                  <code>{secret.name}</code>
                </th>
                <td>
                  <span className={`tag ${secret.isSet ? 'tag-ok' : 'tag-missing'}`}>
                    {secret.isSet ? 'set' : 'missing'}
                  </span>
                  {!secret.declared && <span className="muted"> not declared</span>}
                </td>
                <td>{secret.usedBy.length ? secret.usedBy.join(', ') : <span className="muted">no script</span>}</td>
                <td className="row-actions">
                  {editing === secret.name ? (
                    <SecretForm
                      environment={environment}
                      name={secret.name}
                      disabled={!keychainReady}
                      onDone={() => {
                        setEditing(null);
                        void load();
                      }}
                    />
                  ) : (
                    <button
                      type="button"
                      disabled={!keychainReady}
                      onClick={() => setEditing(secret.name)}
                      aria-label={`${secret.isSet ? 'Replace' : 'Set'} ${secret.name}`}
                    >
                      {secret.isSet ? 'Replace' : 'Set'}
                    </button>
                  )}
                  {secret.isSet && (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => setDeleting(secret.name)}
                      aria-label={`Delete ${secret.name}`}
                    >
                      Delete
                    </button>
                  )}
                  {secret.declared && (
                    <button
                      type="button"
                      className="danger"
                      disabled={!keychainReady}
                      onClick={() => setUndeclaring(secret)}
                      aria-label={`Remove ${secret.name}`}
                    >
                      Remove name
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h4>Add a secret</h4>
      <SecretForm environment={environment} disabled={!keychainReady} onDone={() => void load()} />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting ?? ''}?`}
        message={`The value of ${deleting ?? ''} is removed from the keychain for ${environment}. Scripts reading it will fail until it is set again.`}
        confirmLabel="Delete"
        onConfirm={() => deleting && void remove(deleting)}
        onCancel={() => setDeleting(null)}
      />
      <ConfirmDialog
        open={undeclaring !== null}
        title={`Remove ${undeclaring?.name ?? ''}?`}
        message={
          `${undeclaring?.name ?? ''} is no longer declared by the pipeline, and its values are removed from the ` +
          'keychain in every environment, not only this one.' +
          (undeclaring?.usedBy.length
            ? ` ${undeclaring.usedBy.join(', ')} still read${undeclaring.usedBy.length === 1 ? 's' : ''} it and will fail with SECRET_NOT_FOUND.`
            : '')
        }
        confirmLabel="Remove name and values"
        onConfirm={() => undeclaring && void undeclare(undeclaring.name)}
        onCancel={() => setUndeclaring(null)}
      />
    </section>
  );
}
