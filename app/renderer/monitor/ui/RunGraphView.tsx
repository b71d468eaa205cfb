import { Background, Controls, Handle, MiniMap, Position, ReactFlow, ReactFlowProvider, type Edge, type Node, type NodeProps } from '@xyflow/react';
import { memo, useMemo, useState } from 'react';
import type { TaskRun } from '../../../core/runs.js';
import type { FlowRunView } from '../../shared/flow-run-live.js';
import { buildRunGraph, layoutRunGraph, type TaskGroup, type TaskRunNode } from '../model/run-graph.js';
import { routeHash } from '../../app/routes.js';
import { navigate } from '../../app/use-route.js';
import { debugMark, debugMarkClass } from '../../shared/node-states.js';
import { stoppedHereLabel } from '../model/breakpoints.js';

/** The small mark of a run that completed without running. */
const DEBUG_MARKS = {
  skipped: { text: 'skipped', title: 'Skipped at a breakpoint: it did not run' },
  pinned: { text: 'pinned', title: 'Pinned: its result is its pin' },
};

type TaskNodeData = { run: TaskRunNode; selected: boolean };
type GroupNodeData = { group: TaskGroup; onToggle: (key: string) => void };
type TaskNodeType = Node<TaskNodeData, 'taskRun'>;
type GroupNodeType = Node<GroupNodeData, 'taskGroup'>;

const TaskRunNodeView = memo(function TaskRunNodeView({ data }: NodeProps<TaskNodeType>) {
  const { run } = data;
  const mark = debugMark(run.state);
  return (
    <div
      className={`fd-node fd-run-node state-${run.state.type}${debugMarkClass(run.state)}${run.reusedFrom ? ' is-reused' : ''}${data.selected ? ' is-selected' : ''}`}
      data-task-run={run.id}
      data-reused={run.reusedFrom ? 'true' : undefined}
      data-state={run.state.type}
      data-debug={mark ?? undefined}
      title={run.state.message ?? run.state.name}
    >
      <Handle type="target" position={Position.Left} className="fd-handle fd-handle-order" isConnectable={false} />
      <div className="fd-node-head">
        <span className="fd-node-state">{run.state.name}</span>
        {mark === 'skipped' || mark === 'pinned' ? (
          <span className="fd-debug-mark" title={DEBUG_MARKS[mark].title}>
            {DEBUG_MARKS[mark].text}
          </span>
        ) : null}
        {run.reusedFrom ? (
          <span className="fd-reused-mark" title="It did not run: it reused the recorded result of an earlier task run">
            reused
          </span>
        ) : null}
        {run.runCount > 1 ? (
          <span className="fd-attempt-badge" title={`${run.runCount} attempts`}>
            ×{run.runCount}
          </span>
        ) : null}
      </div>
      <div className="fd-node-name">{run.name}</div>
      {run.childFlowRunIds.map((child) => (
        <a
          key={child}
          className="fd-link nodrag"
          href={routeHash({ page: 'run', flowRunId: child })}
          data-subflow-run={child}
          onClick={(e) => e.stopPropagation()}
        >
          open subflow ›
        </a>
      ))}
      <Handle type="source" position={Position.Right} className="fd-handle fd-handle-order" isConnectable={false} />
    </div>
  );
});

const TaskGroupNodeView = memo(function TaskGroupNodeView({ data }: NodeProps<GroupNodeType>) {
  const { group } = data;
  const shown = (['FAILED', 'CRASHED', 'RUNNING', 'COMPLETED', 'PENDING'] as const).filter((type) => group.counts[type] > 0);
  return (
    <div
      className={`fd-node fd-run-group state-${group.state.type}${group.stopped > 0 ? ' is-breakpoint' : ''}`}
      data-group={group.key}
      data-state={group.state.type}
      data-stopped={group.stopped}
    >
      <Handle type="target" position={Position.Left} className="fd-handle fd-handle-order" isConnectable={false} />
      <div className="fd-node-head">
        <span className="fd-node-state">{group.state.name}</span>
        <span className="fd-muted">
          {group.finished}/{group.total}
        </span>
        {group.retried ? <span className="fd-attempt-badge">{group.retried} retried</span> : null}
      </div>
      <div className="fd-node-name">
        {group.label} <span className="fd-muted">× {group.total}</span>
      </div>
      {group.stopped > 0 ? <div className="fd-group-stopped">{stoppedHereLabel(group.stopped)}</div> : null}
      {group.subflows > 0 ? (
        <div className="fd-muted">{group.subflows === group.total ? 'subflow runs' : `${group.subflows} started subflows`}: expand to open them</div>
      ) : null}
      <div className="fd-group-counts">
        {shown.map((type) => (
          <span key={type} className={`fd-count state-${type}`}>
            {group.counts[type]} {type.toLowerCase()}
          </span>
        ))}
      </div>
      <button type="button" className="fd-link nodrag" onClick={() => data.onToggle(group.key)}>
        {group.expanded ? 'collapse' : 'expand'}
      </button>
      <Handle type="source" position={Position.Right} className="fd-handle fd-handle-order" isConnectable={false} />
    </div>
  );
});

/** A node's look on the minimap: its state, and a stop at a breakpoint over it. */
function miniClass(data: { run?: TaskRunNode; group?: TaskGroup }): string {
  const type = data.run?.state.type ?? data.group?.state.type ?? 'none';
  const stopped = data.run ? debugMark(data.run.state) === 'breakpoint' : (data.group?.stopped ?? 0) > 0;
  return `fd-mini state-${type}${stopped ? ' is-breakpoint' : ''}`;
}

const NODE_TYPES = { taskRun: TaskRunNodeView, taskGroup: TaskGroupNodeView };

/** The run's task runs as a graph, live: coloured by state, many runs of one task as a group. */
export function RunGraphView({ view, taskRuns, selected }: { view: FlowRunView; taskRuns?: readonly TaskRun[]; selected?: string }) {
  return (
    <ReactFlowProvider>
      <RunGraphCanvas view={view} taskRuns={taskRuns ?? view.taskRuns} selected={selected} />
    </ReactFlowProvider>
  );
}

/** The graph of the task runs given: those of one attempt of the run, or all of them. */
function RunGraphCanvas({ view, taskRuns, selected }: { view: FlowRunView; taskRuns: readonly TaskRun[]; selected?: string }) {
  const flowRunId = view.flowRun?.id ?? '';
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the view changes in place; its version says when
  const childFlowRuns = useMemo(() => [...view.subflows.values()], [view.subflows, view.version]);
  const graph = useMemo(() => buildRunGraph(taskRuns, { expandedGroups: expanded, childFlowRuns }), [taskRuns, expanded, childFlowRuns]);
  // Places depend on the graph's shape only, not on states: a run's progress does not move its nodes.
  const shape = useMemo(() => `${graph.nodes.map((n) => n.id).join('|')}#${graph.edges.length}`, [graph]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on the graph's shape, so states alone do not lay it out again
  const layout = useMemo(() => layoutRunGraph(graph), [shape]);
  const toggle = (key: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });

  const nodes = useMemo<(TaskNodeType | GroupNodeType)[]>(
    () =>
      graph.nodes.map((node) => {
        const box = layout.positions.get(node.id) ?? { x: 0, y: 0, width: 200, height: 56 };
        const position = { x: box.x, y: box.y };
        // The laid-out size stands until the node is measured; the minimap draws only nodes with a size.
        const size = { initialWidth: box.width, initialHeight: box.height };
        return node.kind === 'group'
          ? { id: node.id, type: 'taskGroup', position, ...size, data: { group: node.group, onToggle: toggle }, draggable: false, selectable: false }
          : { id: node.id, type: 'taskRun', position, ...size, data: { run: node, selected: node.id === selected }, draggable: false };
      }),
    [graph, layout, selected],
  );
  const edges = useMemo<Edge[]>(() => graph.edges.map((edge) => ({ ...edge, className: 'fd-edge', focusable: false })), [graph]);

  if (taskRuns.length === 0) {
    return (
      <div className="fd-canvas-empty">
        No task runs yet{view.flowRun && view.flowRun.state.type === 'RUNNING' ? ': they appear here as they start.' : '.'}
      </div>
    );
  }
  return (
    <div className="fd-run-graph" data-testid="run-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        nodesConnectable={false}
        nodesDraggable={false}
        onNodeClick={(_event, node) => {
          if (node.type === 'taskRun') navigate({ page: 'run', flowRunId, taskRunId: node.id });
        }}
        onlyRenderVisibleElements={nodes.length > 200}
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
        minZoom={0.02}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} />
        <MiniMap pannable zoomable className="fd-minimap" nodeClassName={(n) => miniClass(n.data)} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
