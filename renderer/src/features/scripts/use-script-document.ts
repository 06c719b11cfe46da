import { useCallback, useEffect, useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import { studio } from '../../client/studio-client';
import { useStudioData } from '../../app/studio-data';
import { keepDraft, keptDraft, type KeptDraft } from './kept-draft';

type Script = ChannelOutput<'scripts.get'>;
type Version = ChannelOutput<'scripts.versions'>[number];

function loadScript(id: string) {
  return Promise.all([studio.scripts.get({ id }), studio.scripts.versions({ id })]);
}
type Loaded = Awaited<ReturnType<typeof loadScript>>;

/** One script as the editor sees it: the latest saved text, the draft, the versions; save and restore. */
export function useScriptDocument(id: string) {
  const { reload } = useStudioData();
  const [script, setScript] = useState<Script | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const [versions, setVersions] = useState<Version[]>([]);
  const [revision, setRevision] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  // A draft left unsaved by a reload (or a closed tab), offered back when the script opens.
  const [offer, setOffer] = useState<KeptDraft | null>(null);

  const apply = useCallback(([got, listed]: Loaded) => {
    if (!got.ok) return setError(got.error.message);
    setScript(got.value);
    setDraft(got.value.source);
    setRevision((r) => r + 1);
    if (listed.ok) setVersions(listed.value);
    setError(listed.ok ? null : listed.error.message);
  }, []);
  const load = useCallback(() => loadScript(id).then(apply), [id, apply]);

  useEffect(() => {
    let current = true;
    void loadScript(id).then((loaded) => {
      if (!current) return;
      apply(loaded);
      const [got] = loaded;
      if (got.ok) setOffer(keptDraft(sessionStorage, id, got.value.source));
    });
    return () => {
      current = false;
    };
  }, [id, apply]);

  // The draft is kept while it differs from the latest version, forgotten once it does not; not
  // while a kept draft is being offered, which it would overwrite.
  const dirty = script !== null && draft !== null && draft !== script.source;
  useEffect(() => {
    if (script === null || draft === null || offer) return;
    keepDraft(sessionStorage, id, dirty ? { version: script.version, source: draft } : null);
  }, [id, script, draft, dirty, offer]);

  const restoreKept = () => {
    if (!offer) return;
    setDraft(offer.source);
    setRevision((r) => r + 1);
    setOffer(null);
  };
  /** Discards the draft: the latest version again, and nothing kept for a reload. */
  const discard = () => {
    keepDraft(sessionStorage, id, null);
    setOffer(null);
  };

  const save = async (message: string) => {
    if (draft === null) return false;
    const result = await studio.scripts.save({
      id,
      source: draft,
      ...(message.trim() ? { message: message.trim() } : {}),
    });
    if (!result.ok) {
      setError(result.error.message);
      return false;
    }
    setError(null);
    setStatus(
      result.value.created ? `Saved as v${result.value.version.version}.` : 'No changes since the latest version.',
    );
    setScript((current) =>
      current
        ? { ...current, source: draft, version: result.value.version.version, latest: result.value.version }
        : current,
    );
    const listed = await studio.scripts.versions({ id });
    if (listed.ok) setVersions(listed.value);
    void reload();
    return result.value.created;
  };

  const restore = async (version: number) => {
    const result = await studio.scripts.restore({ id, version });
    if (!result.ok) return setError(result.error.message);
    setStatus(`Restored v${version} as v${result.value.version.version}.`);
    await load();
    void reload();
  };

  const sourceOf = async (version: number): Promise<string | null> => {
    const result = await studio.scripts.get({ id, version });
    if (!result.ok) {
      setError(result.error.message);
      return null;
    }
    return result.value.source;
  };

  return {
    script,
    draft,
    setDraft,
    dirty,
    versions,
    revision,
    error,
    setError,
    status,
    save,
    restore,
    sourceOf,
    offer,
    restoreKept,
    discard,
  };
}
