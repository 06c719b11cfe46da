import { useDroppable } from '@dnd-kit/core';
import type { HookId } from '@shared/hooks/definitions';
import { limits, type DragSource } from './layer-moves';
import { ScriptCard, type KeyboardMove } from './ScriptCard';

interface Props {
  hook: HookId;
  index: number;
  scripts: string[];
  descriptions: Map<string, string | undefined>;
  blocked: string | null;
  dragging: boolean;
  onMove(source: DragSource, move: KeyboardMove): void;
  onOpen(scriptId: string): void;
  onDetach(source: DragSource): void;
}

/** One layer: its scripts run in parallel; dropping on the row joins the group. */
export function LayerRow({ hook, index, scripts, descriptions, blocked, dragging, onMove, onOpen, onDetach }: Props) {
  const { setNodeRef, isOver } = useDroppable({
    id: `layer:${hook}:${index}`,
    data: { kind: 'layer', hook, layer: index },
    disabled: blocked !== null,
  });
  const state = dragging ? (blocked ? 'blocked' : isOver ? 'over' : 'open') : 'idle';
  const full = scripts.length >= limits.perLayer;
  return (
    <div
      ref={setNodeRef}
      role="group"
      aria-label={`Layer ${index + 1} of ${hook}`}
      className={`layer-row layer-${state}`}
    >
      <div className="layer-meta">
        <span className="layer-name">Layer {index + 1}</span>
        <span className={`layer-count${full ? ' at-limit' : ''}`} title={full ? 'This layer is full' : undefined}>
          {scripts.length}/{limits.perLayer}
          {scripts.length > 1 ? ' · parallel' : ''}
        </span>
      </div>
      <div className="layer-cards">
        {scripts.map((scriptId, position) => (
          <ScriptCard
            key={scriptId}
            source={{ kind: 'card', hook, layer: index, index: position, scriptId }}
            layerSize={scripts.length}
            description={descriptions.get(scriptId)}
            onMove={onMove}
            onOpen={onOpen}
            onDetach={onDetach}
          />
        ))}
        {dragging && blocked && <span className="limit-reason">{blocked}</span>}
      </div>
    </div>
  );
}
