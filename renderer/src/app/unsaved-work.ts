import { createContext, useContext, useEffect, useRef } from 'react';
import type { LeaveGuard } from './leave-guard';

export const LeaveGuardContext = createContext<LeaveGuard | null>(null);

/**
 * The editor's side of the leave guard (app/leave-guard.ts): while `dirty`, leaving the script asks
 * first, and reloading or closing the tab gets the browser's own prompt.
 */
export function useUnsavedWork(
  scriptId: string,
  dirty: boolean,
  save: () => Promise<boolean>,
  discard: () => void,
): void {
  const guard = useContext(LeaveGuardContext);
  // The latest save (it closes over the draft and the version message) without re-registering on
  // every keystroke.
  const saveRef = useRef(save);
  const discardRef = useRef(discard);
  useEffect(() => {
    saveRef.current = save;
    discardRef.current = discard;
  });
  useEffect(() => {
    if (!dirty) return;
    guard?.setWork({ scriptId, save: () => saveRef.current(), discard: () => discardRef.current() });
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older Chromium (Electron included) prompts only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      guard?.setWork(null);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [guard, scriptId, dirty]);
}
