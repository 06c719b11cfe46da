import { lazy, Suspense } from 'react';
import type { HookSummary } from '../../app/studio-data';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ModeBadge } from '../hooks/ModeBadge';
import { GhostDropZone } from './GhostDropZone';
import { blockReason, limits, type DragSource, type DropTarget, type Layers } from './layer-moves';
import { LayerRow } from './LayerRow';
import type { KeyboardMove } from './ScriptCard';

// React Flow is only needed once someone opens a graph: keep it out of the first screen's bundle.
const PipelineGraph = lazy(() => import('./PipelineGraph'));

interface Props {
  hook: HookSummary;
  layers: Layers;
  expanded: boolean;
  graph: boolean;
  active: DragSource | null;
  error: string | null;
  descriptions: Map<string, string | undefined>;
  onToggle(): void;
  onToggleGraph(): void;
  onAdd(target: DropTarget): void;
  onMove(source: DragSource, move: KeyboardMove): void;
  onOpen(scriptId: string): void;
  onDetach(source: DragSource): void;
  onDismissError(): void;
}

/** One hook as an accordion lane: its layers top to bottom, the scripts of a layer side by side. */
export function HookLane(props: Props) {
  const { hook, layers, expanded, graph, active, error } = props;
  const count = layers.reduce((sum, layer) => sum + layer.length, 0);
  const bodyId = `lane-${hook.id.replace(/\./g, '_')}`;
  const reasonFor = (target: DropTarget) => (active ? blockReason(layers, active, target) : null);
  const addBlocked = layers.length >= limits.layers ? `${limits.layers} layers at most` : null;
  return (
    <li className={`lane lane-${hook.mode}${expanded ? ' expanded' : ''}`} aria-label={`${hook.id} (${hook.mode})`}>
      <div className="lane-header">
        <button
          type="button"
          className="lane-toggle"
          aria-expanded={expanded}
          aria-controls={bodyId}
          title={hook.description}
          onClick={props.onToggle}
        >
          <span aria-hidden="true" className="chevron" />
          <code className="hook-id">{hook.id}</code>
          <span className="hook-label">{hook.label}</span>
          <ModeBadge mode={hook.mode} />
          <span className={`script-count${count === 0 ? ' empty' : ''}`}>
            {count === 0 ? 'no scripts' : `${count} script${count === 1 ? '' : 's'}`}
            {layers.length > 1 ? ` · ${layers.length} layers` : ''}
          </span>
        </button>
        <button
          type="button"
          className="graph-toggle"
          aria-pressed={graph}
          aria-label={`Graph of ${hook.id}`}
          title="Show the pipeline as a graph"
          onClick={props.onToggleGraph}
        >
          Graph
        </button>
      </div>
      {expanded && (
        <div id={bodyId} className="lane-body" role="region" aria-label={`${hook.id} pipeline`}>
          <p className="lane-description">{hook.description}</p>
          <ErrorMessage message={error} onDismiss={props.onDismissError} />
          {layers.length === 0 && !active && (
            <p className="empty-state">No scripts run on this hook yet. Drag one from the library, or add one below.</p>
          )}
          <div className={`lane-layers${graph ? ' with-graph' : ''}`}>
            <div className="layer-stack">
              {layers.map((scripts, index) => (
                <div key={index}>
                  <GhostDropZone
                    target={{ kind: 'new-layer', hook: hook.id, at: index }}
                    blocked={reasonFor({ kind: 'new-layer', hook: hook.id, at: index })}
                    dragging={active !== null}
                  />
                  <LayerRow
                    hook={hook.id}
                    index={index}
                    scripts={scripts}
                    descriptions={props.descriptions}
                    blocked={reasonFor({ kind: 'layer', hook: hook.id, layer: index })}
                    dragging={active !== null}
                    onMove={props.onMove}
                    onOpen={props.onOpen}
                    onDetach={props.onDetach}
                  />
                </div>
              ))}
              <GhostDropZone
                target={{ kind: 'new-layer', hook: hook.id, at: layers.length }}
                blocked={reasonFor({ kind: 'new-layer', hook: hook.id, at: layers.length })}
                dragging={active !== null}
                onAdd={() => props.onAdd({ kind: 'new-layer', hook: hook.id, at: layers.length })}
                addBlocked={addBlocked}
              />
              <p className="lane-limits">
                {layers.length}/{limits.layers} layers · up to {limits.perLayer} scripts a layer · a script once per
                hook
              </p>
            </div>
            {graph && (
              <Suspense fallback={<p role="status">Loading the graph…</p>}>
                <PipelineGraph hook={hook.id} layers={layers} />
              </Suspense>
            )}
          </div>
        </div>
      )}
    </li>
  );
}
