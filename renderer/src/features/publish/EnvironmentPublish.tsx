import { useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import { studio } from '../../client/studio-client';
import { ErrorNotice } from './ErrorNotice';
import { HistoryPanel } from './HistoryPanel';
import { ImpactStep } from './ImpactStep';
import { PreviewPanel } from './PreviewPanel';
import { ProgressPanel } from './ProgressPanel';
import { PublishForm, type PublishFormValues } from './PublishForm';
import { PullEvents } from './PullEvents';
import { RolloutPanel } from '../rollout/RolloutPanel';
import { defaultRolloutForm, toRolloutRequest } from '../rollout/rollout-text';
import type { Preview } from './publish-text';
import { usePublishProgress } from './use-publish-progress';

type Environment = ChannelOutput<'environments.list'>[number];
type CoreError = { code: string; message: string };

interface Props {
  environment: Environment;
  onOpenSettings(): void;
  onOpenEvents(): void;
  onOpenRun(runId: number): void;
  /** After a publish or a rollback: the environments' last published hashes changed. */
  onPublished(): void;
}

const emptyForm: PublishFormValues = {
  message: '',
  confirm: '',
  pushSecrets: false,
  action: 'publish',
  rollout: defaultRolloutForm,
};

/** Review, publish, history and captured events of one environment. */
export function EnvironmentPublish({ environment, onOpenSettings, onOpenEvents, onOpenRun, onPublished }: Props) {
  const name = environment.name;
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<CoreError | null>(null);
  const [reviewing, setReviewing] = useState(false);
  const [form, setForm] = useState<PublishFormValues>(emptyForm);
  const [jobId, setJobId] = useState<string | null>(null);
  const [startError, setStartError] = useState<CoreError | null>(null);
  const [starting, setStarting] = useState(false);
  const [historyKey, setHistoryKey] = useState(0);

  const { progress, error: progressError } = usePublishProgress(jobId, (ended) => {
    if (ended.status === 'done') {
      setPreview(null);
      setForm(emptyForm);
      onPublished();
    }
    setHistoryKey((key) => key + 1);
  });
  const running =
    starting || progress?.status === 'running' || (jobId !== null && progress === null && progressError === null);

  const review = async () => {
    setReviewing(true);
    setJobId(null);
    setStartError(null);
    const answer = await studio.publish.preview({ environment: name });
    setReviewing(false);
    // The runtime may have moved on since the history was loaded (a drift shows in both).
    setHistoryKey((key) => key + 1);
    if (!answer.ok) {
      setPreview(null);
      return setPreviewError(answer.error);
    }
    setPreviewError(null);
    setPreview(answer.value);
    setForm((values) => ({ ...values, pushSecrets: false }));
  };

  const publish = async () => {
    const checked = form.action === 'rollout' ? toRolloutRequest(form.rollout) : null;
    // The form's button is disabled while the settings have problems; this guards a stale click.
    if (checked && 'problems' in checked) return;
    setStarting(true);
    setStartError(null);
    const answer = await studio.publish.start({
      environment: name,
      message: form.message.trim(),
      ...(form.confirm ? { confirm: form.confirm.trim() } : {}),
      ...(form.pushSecrets ? { pushSecrets: true } : {}),
      ...(checked ? { rollout: checked.request } : {}),
      // Exactly what was reviewed: the runtime's bundle it replaces and the local pipeline sent.
      ...(preview ? { expectedHash: preview.remote?.hash ?? null, reviewedHash: preview.local.hash } : {}),
    });
    setStarting(false);
    if (!answer.ok) return setStartError(answer.error);
    setJobId(answer.value.jobId);
  };

  const configured = environment.runtimeUrl !== null && environment.hasToken;

  return (
    <div className="publish-environment">
      <section className="publish-section" aria-labelledby="publish-review-title">
        <div className="publish-section-header">
          <h3 id="publish-review-title">Review and publish to {name}</h3>
          <button type="button" className="primary" onClick={() => void review()} disabled={reviewing || running}>
            {reviewing ? 'Reviewing…' : preview ? 'Review again' : 'Review changes'}
          </button>
        </div>
        {!configured && !preview && !previewError && (
          <p className="empty-state">
            {name} needs a runtime URL and a token before it can be reviewed.{' '}
            <button type="button" className="link-button" onClick={onOpenSettings}>
              Set them on Secrets &amp; environments
            </button>
          </p>
        )}
        {configured && !preview && !previewError && !progress && (
          <p className="empty-state">Review the changes to see what publishing to {name} would do.</p>
        )}
        <ErrorNotice error={previewError} environment={name} onOpenSettings={onOpenSettings} />
        {preview && <PreviewPanel preview={preview} />}
        {preview && !preview.diff.identical && (
          <ImpactStep
            environment={name}
            reviewedHash={preview.local.hash}
            onOpenSettings={onOpenSettings}
            // The review's gates are asked again: the impact gate passes once every flip is acknowledged.
            onAcknowledged={() => void review()}
          />
        )}
        {preview && (
          <PublishForm
            preview={preview}
            values={form}
            busy={running}
            onChange={setForm}
            onPublish={() => void publish()}
          />
        )}
        <ErrorNotice
          error={startError}
          environment={name}
          onOpenSettings={onOpenSettings}
          onReviewAgain={() => void review()}
        />
        {progress && <ProgressPanel progress={progress} onOpenRun={onOpenRun} />}
        {progress?.error && (
          <ErrorNotice
            error={progress.error}
            environment={name}
            onOpenSettings={onOpenSettings}
            onReviewAgain={() => void review()}
          />
        )}
        {progressError && (
          <ErrorNotice
            error={{ code: 'UNAVAILABLE', message: progressError }}
            environment={name}
            onOpenSettings={onOpenSettings}
          />
        )}
      </section>
      {configured ? (
        <>
          <RolloutPanel environment={name} onOpenSettings={onOpenSettings} />
          <HistoryPanel
            environment={name}
            refreshKey={historyKey}
            onOpenSettings={onOpenSettings}
            onRolledBack={() => {
              // The last publish's result and the preview no longer say what is active.
              setJobId(null);
              setPreview(null);
              onPublished();
            }}
          />
          <PullEvents environment={name} onOpenSettings={onOpenSettings} onOpenEvents={onOpenEvents} />
        </>
      ) : null}
    </div>
  );
}
