import { Background, Controls, Position, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import type { Layers } from './layer-moves';

const columnWidth = 200;
const rowHeight = 64;
const sides = { sourcePosition: Position.Right, targetPosition: Position.Left };

/** Layers as columns, an edge from every script of a layer to every script of the next. */
function toGraph(hook: string, layers: Layers): { nodes: Node[]; edges: Edge[] } {
  const nodes: Node[] = [
    {
      id: 'start',
      position: { x: 0, y: 0 },
      data: { label: hook },
      type: 'input',
      className: 'graph-node graph-hook',
      ...sides,
    },
  ];
  const edges: Edge[] = [];
  let previous = ['start'];
  layers.forEach((layer, column) => {
    const top = -((layer.length - 1) * rowHeight) / 2;
    const ids = layer.map((scriptId, row) => {
      const id = `${column}:${scriptId}`;
      nodes.push({
        id,
        position: { x: (column + 1) * columnWidth, y: top + row * rowHeight },
        data: { label: scriptId },
        className: 'graph-node',
        ...sides,
      });
      return id;
    });
    for (const from of previous) for (const to of ids) edges.push({ id: `${from}->${to}`, source: from, target: to });
    previous = ids;
  });
  return { nodes, edges };
}

export default function PipelineGraph({ hook, layers }: { hook: string; layers: Layers }) {
  const { nodes, edges } = useMemo(() => toGraph(hook, layers), [hook, layers]);
  return (
    <figure className="pipeline-graph" aria-label={`Graph of the ${hook} pipeline`}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        fitView
        fitViewOptions={{ maxZoom: 1.1 }}
        nodesDraggable={false}
        nodesConnectable={false}
        colorMode="system"
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
      <figcaption className="visually-hidden">
        {layers.length === 0
          ? 'No layers yet.'
          : layers.map((layer, index) => `Layer ${index + 1}: ${layer.join(', ')}`).join('. ')}
      </figcaption>
    </figure>
  );
}
