import { useState } from 'react';
import { flushSync } from 'react-dom';
import type { HookId } from '@shared/hooks/definitions';
import { studio } from '../../client/studio-client';
import { useStudioData } from '../../app/studio-data';
import type { Layers } from './layer-moves';

/**
 * Sends layer changes to the core (pipeline.setLayers), shows them at once and rolls back when the
 * core refuses; what happened is announced through the view's live region.
 */
export function useLayerCommit() {
  const { pipeline, setPipeline, reload } = useStudioData();
  const [errors, setErrors] = useState<Partial<Record<HookId, string>>>({});
  const [announcement, setAnnouncement] = useState('');

  const commit = async (changes: { hook: HookId; layers: Layers }[], message: string, focusId?: string) => {
    if (changes.length === 0 || !pipeline) {
      setAnnouncement(message);
      return;
    }
    const before = pipeline;
    const hooks = { ...pipeline.hooks };
    for (const change of changes) hooks[change.hook] = change.layers;
    // Rendered before focusing: the moved card is a new element with the old one's id, and a focus
    // sent before React commits (a frame callback can run first when the move came from a native
    // listener, as the drag sensors' are) lands on the old element, which then leaves the page.
    flushSync(() => setPipeline({ ...pipeline, hooks }));
    if (focusId) document.getElementById(focusId)?.focus();
    let latest = before;
    for (const change of changes) {
      const result = await studio.pipeline.setLayers(change);
      if (!result.ok) {
        setPipeline(before);
        setErrors((current) => ({ ...current, [change.hook]: result.error.message }));
        setAnnouncement(`Not changed: ${result.error.message}`);
        // An earlier change of the same batch may have gone through: show what the core holds.
        void reload();
        return;
      }
      latest = result.value;
    }
    setPipeline(latest);
    setErrors((current) => {
      const next = { ...current };
      for (const change of changes) delete next[change.hook];
      return next;
    });
    setAnnouncement(message);
    void reload();
  };

  const dismissError = (hook: HookId) =>
    setErrors((current) => {
      const next = { ...current };
      delete next[hook];
      return next;
    });

  return { commit, errors, dismissError, announcement };
}
