/** What the open script editor has that leaving would lose: its unsaved draft, and how to save it. */
export interface UnsavedWork {
  scriptId: string;
  /** Saves the draft as a new version; false when it could not (the editor shows why). */
  save(): Promise<boolean>;
  /** Forgets the draft (it is also kept for a reload: features/scripts/kept-draft.ts). */
  discard(): void;
}

export type LeaveChoice = 'save' | 'discard' | 'cancel';

/**
 * Guards every way out of the script editor (another script, another screen by the side nav or
 * Alt+1…8): while the editor has unsaved work, leaving waits for Save / Discard / Cancel instead of
 * throwing the draft away. The editor registers its work while its draft differs from the latest
 * version; App asks the guard before it changes what is shown;
 * `onAsk` gets the script to ask about, then null once answered.
 */
export function createLeaveGuard(onAsk: (asking: string | null) => void) {
  let work: UnsavedWork | null = null;
  let pending: (() => void) | null = null;

  /** Runs `go` now when nothing would be lost; otherwise keeps it until the user chooses. */
  function leave(go: () => void) {
    if (!work) return go();
    pending = go;
    onAsk(work.scriptId);
  }

  return {
    /** The editor: its unsaved work, or null once the draft is saved, discarded or the editor closed. */
    setWork(next: UnsavedWork | null) {
      work = next;
    },
    hasUnsavedWork(): boolean {
      return work !== null;
    },
    leave,
    /** Shows `scriptId`: staying on the open script (e.g. to reveal a line) loses nothing. */
    openScript(scriptId: string, open: () => void) {
      if (work?.scriptId === scriptId) return open();
      leave(open);
    },
    /** The user's answer; saving leaves only once the version is saved, a failed save stays. */
    async choose(choice: LeaveChoice): Promise<void> {
      const go = pending;
      pending = null;
      onAsk(null);
      if (!go || choice === 'cancel') return;
      if (choice === 'save' && work && !(await work.save())) return;
      if (choice === 'discard') work?.discard();
      work = null;
      go();
    },
  };
}

export type LeaveGuard = ReturnType<typeof createLeaveGuard>;
