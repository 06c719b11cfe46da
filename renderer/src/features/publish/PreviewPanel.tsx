import { formatUtc } from '../../components/format-time';
import { BundleDiffView } from './BundleDiffView';
import { GateList } from './GateList';
import { shortHash, type Preview } from './publish-text';

/** What publishing would do: this workspace against the runtime, drift, the diff and the gates. */
export function PreviewPanel({ preview }: { preview: Preview }) {
  const { local, remote, drift } = preview;
  return (
    <div className="publish-preview" data-testid="publish-preview">
      <dl className="publish-versions">
        <div>
          <dt>This workspace</dt>
          <dd>
            <code title={local.hash}>{shortHash(local.hash)}</code> · {local.scripts}{' '}
            {local.scripts === 1 ? 'script' : 'scripts'}
          </dd>
        </div>
        <div>
          <dt>On the runtime</dt>
          <dd>
            {remote ? (
              <>
                v{remote.version} · <code title={remote.hash}>{shortHash(remote.hash)}</code> ·{' '}
                {formatUtc(remote.publishedAt, false)} by {remote.publishedBy}
              </>
            ) : (
              'Nothing published yet'
            )}
          </dd>
        </div>
      </dl>
      {drift.detected && (
        <div role="alert" className="warning-message" data-testid="drift-warning">
          <span>
            <strong>Drift:</strong> the runtime’s active pipeline changed outside this workspace.{' '}
            {drift.message ?? 'Publishing replaces it; review the diff below first.'}
          </span>
        </div>
      )}
      <BundleDiffView diff={preview.diff} />
      <GateList gates={preview.gates} />
    </div>
  );
}
