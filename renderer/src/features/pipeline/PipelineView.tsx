import {
  DndContext,
  DragOverlay,
  PointerSensor,
  useSensor,
  useSensors,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { useMemo, useState } from 'react';
import type { HookId } from '@shared/hooks/definitions';
import { useStudioData, type HookSummary } from '../../app/studio-data';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { HookLane } from './HookLane';
import {
  applyDrop,
  blockReason,
  detach,
  reorder,
  verticalTarget,
  type DragSource,
  type DropTarget,
  type Layers,
} from './layer-moves';
import {
  collision,
  dragAnnouncements,
  dragInstructions,
  LibraryKeyboardSensor,
  placeCoordinates,
} from './drag-keyboard';
import { cardDomId, type KeyboardMove } from './ScriptCard';
import { ScriptLibrary } from './ScriptLibrary';
import { ScriptPickerDialog } from './ScriptPickerDialog';
import { useLayerCommit } from './use-layer-commit';

/** The swimlane editor: the 16 hooks as a stepper grouped by lifecycle, each an accordion lane. */
export function PipelineView() {
  const { hooks, pipeline, scripts, loadError, openScript } = useStudioData();
  const { commit, errors, dismissError, announcement } = useLayerCommit();
  const [expanded, setExpanded] = useState<Set<HookId>>(() => new Set());
  const [graphs, setGraphs] = useState<Set<HookId>>(() => new Set());
  const [active, setActive] = useState<DragSource | null>(null);
  const [picker, setPicker] = useState<{ hook: HookSummary; target: DropTarget } | null>(null);
  const [detaching, setDetaching] = useState<Extract<DragSource, { kind: 'card' }> | null>(null);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(LibraryKeyboardSensor, { coordinateGetter: placeCoordinates }),
  );
  const descriptions = useMemo(() => new Map(scripts.map((s) => [s.id, s.description])), [scripts]);

  const layersOf = (hook: HookId): Layers => pipeline?.hooks[hook] ?? [];
  const toggle = (set: Set<HookId>, hook: HookId) => {
    const next = new Set(set);
    if (!next.delete(hook)) next.add(hook);
    return next;
  };

  const drop = (source: DragSource, target: DropTarget, how: string) => {
    const layers = layersOf(target.hook);
    const reason = blockReason(layers, source, target);
    if (reason) return void commit([], reason);
    const changes = [{ hook: target.hook, layers: applyDrop(layers, source, target) }];
    if (source.kind === 'card' && source.hook !== target.hook) {
      changes.push({ hook: source.hook, layers: detach(layersOf(source.hook), source.scriptId) });
    }
    const where = target.kind === 'layer' ? `layer ${target.layer + 1}` : `a new layer ${target.at + 1}`;
    void commit(
      changes,
      `${how} ${source.scriptId} to ${where} of ${target.hook}.`,
      cardDomId(target.hook, source.scriptId),
    );
  };

  const onDragStart = (event: DragStartEvent) =>
    setActive((event.active.data.current as DragSource | undefined) ?? null);
  const onDragEnd = (event: DragEndEvent) => {
    setActive(null);
    const source = event.active.data.current as DragSource | undefined;
    const target = event.over?.data.current as DropTarget | undefined;
    if (!source || !target) return;
    if (
      target.kind === 'layer' &&
      source.kind === 'card' &&
      source.hook === target.hook &&
      source.layer === target.layer
    )
      return;
    drop(source, target, source.kind === 'library' ? 'Attached' : 'Moved');
  };

  const onMove = (source: DragSource, move: KeyboardMove) => {
    if (source.kind !== 'card') return;
    const layers = layersOf(source.hook);
    if (move === 'left' || move === 'right') {
      const next = reorder(layers, source.layer, source.index, move === 'left' ? -1 : 1);
      if (!next)
        return void commit(
          [],
          `${source.scriptId} is already at the ${move === 'left' ? 'start' : 'end'} of its layer.`,
        );
      const position = source.index + (move === 'left' ? 0 : 2);
      return void commit(
        [{ hook: source.hook, layers: next }],
        `${source.scriptId} is now ${position} of ${layers[source.layer]?.length} in layer ${source.layer + 1}.`,
        cardDomId(source.hook, source.scriptId),
      );
    }
    const target = verticalTarget(layers, source.hook, source.layer, move === 'up' ? -1 : 1);
    if (!target)
      return void commit([], `${source.scriptId} is already alone in the ${move === 'up' ? 'first' : 'last'} layer.`);
    drop(source, target, 'Moved');
  };

  const confirmDetach = () => {
    if (!detaching) return;
    const { hook, scriptId } = detaching;
    setDetaching(null);
    void commit([{ hook, layers: detach(layersOf(hook), scriptId) }], `Removed ${scriptId} from ${hook}.`);
  };

  return (
    <div className="pipeline-view" data-view-state={pipeline ? 'ready' : 'loading'}>
      <div className="view-header">
        <h2>Pipeline</h2>
        <p className="view-hint">
          Layers run top to bottom; the scripts of a layer run in parallel. Focus a card and use Alt+arrows to move it.
        </p>
      </div>
      <ErrorMessage message={loadError} />
      <DndContext
        sensors={sensors}
        collisionDetection={collision}
        accessibility={{ announcements: dragAnnouncements, screenReaderInstructions: dragInstructions }}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={() => setActive(null)}
      >
        <div className="pipeline-columns">
          <section aria-label="Auth hooks" className="hook-stepper">
            {hooks.groups.map((group, groupIndex) => {
              const members = hooks.hooks.filter((hook) => hook.group === group.id);
              const headingId = `group-${group.id}`;
              return (
                <section key={group.id} aria-labelledby={headingId} className="hook-group">
                  <h3 id={headingId}>
                    <span className="step-number" aria-hidden="true">
                      {groupIndex + 1}
                    </span>
                    {group.label}
                  </h3>
                  <ul aria-labelledby={headingId} className="lanes">
                    {members.map((hook) => (
                      <HookLane
                        key={hook.id}
                        hook={hook}
                        layers={layersOf(hook.id)}
                        expanded={expanded.has(hook.id)}
                        graph={graphs.has(hook.id)}
                        active={active}
                        error={errors[hook.id] ?? null}
                        descriptions={descriptions}
                        onToggle={() => setExpanded((set) => toggle(set, hook.id))}
                        onToggleGraph={() => {
                          setGraphs((set) => toggle(set, hook.id));
                          setExpanded((set) => new Set(set).add(hook.id));
                        }}
                        onAdd={(target) => setPicker({ hook, target })}
                        onMove={onMove}
                        onOpen={(id) => openScript(id, hook.id)}
                        onDetach={(source) => source.kind === 'card' && setDetaching(source)}
                        onDismissError={() => dismissError(hook.id)}
                      />
                    ))}
                  </ul>
                </section>
              );
            })}
          </section>
          <ScriptLibrary scripts={scripts} />
        </div>
        <DragOverlay>{active ? <div className="script-card drag-overlay">{active.scriptId}</div> : null}</DragOverlay>
      </DndContext>
      <div role="status" aria-live="polite" className="visually-hidden" data-testid="pipeline-announcer">
        {announcement}
      </div>
      {picker && (
        <ScriptPickerDialog
          hook={picker.hook}
          layers={layersOf(picker.hook.id)}
          onClose={() => setPicker(null)}
          onChosen={(scriptId) => {
            const { target } = picker;
            setPicker(null);
            drop({ kind: 'library', scriptId }, target, 'Attached');
          }}
        />
      )}
      <ConfirmDialog
        open={detaching !== null}
        title="Remove the script from this hook?"
        message={
          detaching
            ? `${detaching.scriptId} will no longer run on ${detaching.hook}. The script itself and its versions stay.`
            : ''
        }
        confirmLabel="Remove"
        onConfirm={confirmDetach}
        onCancel={() => setDetaching(null)}
      />
    </div>
  );
}
