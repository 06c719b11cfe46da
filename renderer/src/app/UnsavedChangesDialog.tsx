import { Dialog } from '../components/Dialog';
import type { LeaveChoice } from './leave-guard';

/**
 * Save / Discard / Cancel before leaving a script with unsaved changes. The native dialog keeps
 * the focus inside, and Escape and × are Cancel, so a stray key loses nothing.
 */
export function UnsavedChangesDialog({
  scriptId,
  open,
  onChoose,
}: {
  scriptId: string;
  open: boolean;
  onChoose(choice: LeaveChoice): void;
}) {
  return (
    <Dialog title="Unsaved changes" open={open} onClose={() => onChoose('cancel')}>
      <p>
        <code>{scriptId}</code> has changes that are not saved as a version. Save them before leaving?
      </p>
      <div className="dialog-actions">
        <button type="button" onClick={() => onChoose('cancel')}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => onChoose('discard')}>
          Discard
        </button>
        <button type="button" className="primary" onClick={() => onChoose('save')}>
          Save
        </button>
      </div>
    </Dialog>
  );
}
