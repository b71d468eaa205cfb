import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { CanvasRegion } from '../model/code-regions.js';

interface CodeRegionData extends Record<string, unknown> {
  region: CanvasRegion;
}

export type CodeRegionNodeType = Node<CodeRegionData, 'codeRegion'>;

/** Code of the flow's body that is not a step, shown as written; it is edited in the code. */
export const CodeRegionNode = memo(function CodeRegionNode({ data, selected }: NodeProps<CodeRegionNodeType>) {
  const { region } = data;
  return (
    <div className={`fd-node fd-code-region${selected ? ' is-selected' : ''}`} data-node-id={region.id} title={region.code}>
      <Handle type="target" position={Position.Left} className="fd-handle fd-handle-order" isConnectable={false} />
      <div className="fd-node-head">
        <span className="fd-node-glyph" aria-hidden="true">
          {'{ }'}
        </span>
        <span className="fd-node-kind">Code as written</span>
      </div>
      <pre className="fd-code-region-preview">{region.preview}</pre>
      <Handle type="source" position={Position.Right} className="fd-handle fd-handle-order" isConnectable={false} />
    </div>
  );
});
