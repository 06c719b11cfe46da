import { errorAdvice } from './publish-text';

interface Props {
  error: { code: string; message: string } | null;
  environment: string;
  onOpenSettings(): void;
  /** Shown as "Review again" when the error says the preview is stale. */
  onReviewAgain?: () => void;
}

/** A core error said with what to do about it, and the button that does it. */
export function ErrorNotice({ error, environment, onOpenSettings, onReviewAgain }: Props) {
  if (!error) return null;
  const advice = errorAdvice(error, environment);
  return (
    <div role="alert" className="error-message publish-error" data-code={error.code}>
      <div>
        <p>{advice.message}</p>
        {advice.hint && <p className="publish-error-hint">{advice.hint}</p>}
      </div>
      <div className="publish-error-actions">
        {advice.settings && (
          <button type="button" onClick={onOpenSettings}>
            Open Secrets &amp; environments
          </button>
        )}
        {advice.reviewAgain && onReviewAgain && (
          <button type="button" className="primary" onClick={onReviewAgain}>
            Review again
          </button>
        )}
      </div>
    </div>
  );
}
