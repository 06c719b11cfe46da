import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { confirmationMatches, needsTypedConfirmation } from './publish-text';

interface Props {
  title: string;
  message: string;
  confirmLabel: string;
  environment: string;
  open: boolean;
  onConfirm(typed: string): void;
  onCancel(): void;
}

/** Asks before a change to a runtime; production also wants its name typed out. */
export function TypedConfirmDialog({ title, message, confirmLabel, environment, open, onConfirm, onCancel }: Props) {
  const [typed, setTyped] = useState('');
  const typing = needsTypedConfirmation(environment);
  const ready = confirmationMatches(environment, typed);
  const close = () => {
    setTyped('');
    onCancel();
  };
  return (
    <Dialog title={title} open={open} onClose={close}>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (!ready) return;
          setTyped('');
          onConfirm(typed.trim());
        }}
      >
        <p>{message}</p>
        {typing && (
          <label>
            Type {environment} to confirm
            <input
              autoFocus
              autoComplete="off"
              spellCheck={false}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
            />
          </label>
        )}
        <div className="dialog-actions">
          <button type="button" autoFocus={!typing} onClick={close}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={!ready}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
