import { Dialog } from './Dialog';

interface Props {
  title: string;
  message: string;
  confirmLabel: string;
  open: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/** Asks before a destructive action; Cancel has the focus first so Enter does no harm. */
export function ConfirmDialog({ title, message, confirmLabel, open, onConfirm, onCancel }: Props) {
  return (
    <Dialog title={title} open={open} onClose={onCancel}>
      <p>{message}</p>
      <div className="dialog-actions">
        <button type="button" autoFocus onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
