/** The part of sessionStorage the kept drafts use (a plain object in tests). */
export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** An unsaved draft kept across a reload, and the version it was written on. */
export interface KeptDraft {
  version: number;
  source: string;
}

// sessionStorage is per tab and per origin, and in web mode each studio (so each workspace) has
// an origin of its own: the script's id is enough of a key.
const keyOf = (scriptId: string) => `pipeline-studio.unsaved-draft:${scriptId}`;

/** Keeps the draft (or forgets it with null); a full or disabled storage only loses the offer. */
export function keepDraft(storage: DraftStorage, scriptId: string, draft: KeptDraft | null): void {
  try {
    if (draft) storage.setItem(keyOf(scriptId), JSON.stringify(draft));
    else storage.removeItem(keyOf(scriptId));
  } catch {
    // Nothing to do: the guard and the beforeunload prompt still protect the draft.
  }
}

/** The kept draft worth offering back: none when absent, unreadable or equal to the saved text. */
export function keptDraft(storage: DraftStorage, scriptId: string, saved: string): KeptDraft | null {
  try {
    const raw = storage.getItem(keyOf(scriptId));
    if (raw === null) return null;
    const parsed = JSON.parse(raw) as Partial<KeptDraft>;
    if (typeof parsed.source !== 'string' || typeof parsed.version !== 'number') return null;
    return parsed.source === saved ? null : { version: parsed.version, source: parsed.source };
  } catch {
    return null;
  }
}
