interface Props {
  message: string | null;
  onDismiss?: () => void;
}

/** A failure reported by the core, announced once by assistive technology. */
export function ErrorMessage({ message, onDismiss }: Props) {
  if (!message) return null;
  return (
    <div role="alert" className="error-message">
      <span>{message}</span>
      {onDismiss && (
        <button type="button" className="icon-button" aria-label="Dismiss the error" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}
