import {
  Background,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type OnSelectionChangeParams,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { nodeInputs, type FlowGraph, type GraphEdit, type Problem } from '../model/document-model.js';
import type { Positions } from '../model/history.js';
import { NODE_WIDTH } from '../model/layout.js';
import { keepMeasurements } from '../model/measurements.js';
import { canvasRegions, isRegionId } from '../model/code-regions.js';
import { connectionProblem, inputLooks, resultLook } from '../model/connections.js';
import type { NodeRunState } from '../../shared/node-states.js';
import { useBuilder, useBuilderServices } from './builder-context.js';
import { FlowNode, type FlowNodeType } from './FlowNode.js';
import { CodeRegionNode, type CodeRegionNodeType } from './CodeRegionNode.js';
import { typingIn } from '../../shared/dom.js';
import { handleShortcut } from '../../shared/shortcuts.js';
import { useRunView } from './run-context.js';
import { uiStore } from '../../app/ui-store.js';
import { isTaskNode, type DebugMarks } from '../model/debug-marks.js';
import { webStorage } from '../../shared/web-storage.js';

/** The MIME type a palette entry is dragged as. */
export const KIND_DRAG_TYPE = 'application/x-flowdeck-kind';

const NODE_TYPES = { flowdeck: FlowNode, codeRegion: CodeRegionNode };

type CanvasNode = FlowNodeType | CodeRegionNodeType;
const EMPTY_RUN: Record<string, NodeRunState> = {};

function buildNodes(
  graph: FlowGraph,
  positions: Positions,
  selection: readonly string[],
  problems: readonly Problem[],
  runStates: Record<string, NodeRunState>,
  matches: readonly string[],
  marks: DebugMarks,
): CanvasNode[] {
  const selected = new Set(selection);
  const breakpoints = new Set(marks.breakpoints);
  const hits = new Set(matches);
  const byNode = new Map<string, Problem[]>();
  for (const problem of problems) {
    if (!problem.nodeId) continue;
    const list = byNode.get(problem.nodeId);
    if (list) list.push(problem);
    else byNode.set(problem.nodeId, [problem]);
  }
  const steps = graph.nodes.map((node, index): FlowNodeType => {
    const inputs = nodeInputs(node);
    return {
      id: node.id,
      type: 'flowdeck',
      position: positions[node.id] ?? { x: index * (NODE_WIDTH + 60), y: 0 },
      selected: selected.has(node.id),
      data: {
        node,
        inputs,
        inputLooks: inputLooks(node, inputs),
        resultLook: resultLook(node),
        bound: Object.keys(node.inputs).filter((input) => node.inputs[input].from === 'node'),
        problems: byNode.get(node.id) ?? [],
        ...(runStates[node.id] ? { run: runStates[node.id] } : {}),
        match: hits.has(node.id),
        breakable: isTaskNode(node),
        breakpoint: breakpoints.has(node.id),
        pinned: node.id in marks.pins,
      },
    };
  });
  const regions = canvasRegions(graph).map((region, index): CodeRegionNodeType => ({
    id: region.id,
    type: 'codeRegion',
    position: positions[region.id] ?? { x: index * (NODE_WIDTH + 60), y: NODE_WIDTH },
    selected: selected.has(region.id),
    connectable: false,
    data: { region },
  }));
  return [...steps, ...regions];
}

function buildEdges(graph: FlowGraph, runStates: Record<string, NodeRunState>): Edge[] {
  const edges: Edge[] = graph.edges.map((edge) => ({
    id: edge.id,
    source: edge.source,
    target: edge.target,
    sourceHandle: 'result',
    targetHandle: edge.input,
    animated: runStates[edge.source]?.type === 'RUNNING' || runStates[edge.target]?.type === 'RUNNING',
    className: 'fd-edge',
  }));
  // Code regions follow the step before them: order, not data.
  for (const region of canvasRegions(graph)) {
    if (region.after === null) continue;
    edges.push({
      id: `order:${region.after}->${region.id}`,
      source: region.after,
      target: region.id,
      className: 'fd-edge-order',
      selectable: false,
      deletable: false,
      focusable: false,
    });
  }
  // Steps inside a branch arm hang off the branch, drawn dashed: they are order, not data.
  for (const node of graph.nodes) {
    if (!node.scope) continue;
    edges.push({
      id: `scope:${node.scope.branch}->${node.id}`,
      source: node.scope.branch,
      target: node.id,
      sourceHandle: 'result',
      label: node.scope.arm,
      className: `fd-edge-scope is-${node.scope.arm}`,
      selectable: false,
      deletable: false,
      focusable: false,
    });
  }
  return edges;
}

export function Canvas() {
  const { store } = useBuilderServices();
  const graph = useBuilder((s) => s.graph);
  const positions = useBuilder((s) => s.positions);
  const selection = useBuilder((s) => s.selection);
  const problems = useBuilder((s) => s.problems);
  const marks = useBuilder((s) => s.marks);
  const matches = useBuilder((s) => (s.search.open ? s.search.matches : EMPTY_MATCHES));
  const docKey = useBuilder((s) => `${s.doc.path ?? ''}#${s.doc.modifiedAt ?? ''}#${s.doc.name}`);
  const runStates = useRunView((r) => r.nodeStates) ?? EMPTY_RUN;
  const flow = useReactFlow();
  const [minimap, setMinimap] = useStoredFlag(MINIMAP_KEY, true);

  const derivedNodes = useMemo(
    () => buildNodes(graph, positions, selection, problems, runStates, matches, marks),
    [graph, positions, selection, problems, runStates, matches, marks],
  );
  const derivedEdges = useMemo(() => buildEdges(graph, runStates), [graph, runStates]);
  const [nodes, setNodes] = useState(derivedNodes);
  const [edges, setEdges] = useState(derivedEdges);
  useEffect(() => {
    setNodes((current) => keepMeasurements(current, derivedNodes));
  }, [derivedNodes]);
  useEffect(() => {
    setEdges((current) => {
      // Keep which edges are selected across changes of the graph.
      const selected = new Set(current.filter((e) => e.selected).map((e) => e.id));
      return derivedEdges.map((e) => (selected.has(e.id) ? { ...e, selected: true } : e));
    });
  }, [derivedEdges]);

  // A newly opened document is framed whole. An empty one is not: React Flow keeps a fit asked for
  // before there are nodes until the first one appears, and would move a dropped node from under the pointer.
  useEffect(() => {
    const timer = setTimeout(() => {
      if (flow.getNodes().length > 0) void flow.fitView({ padding: 0.2, maxZoom: 1 });
    }, 120);
    return () => clearTimeout(timer);
  }, [docKey, flow]);

  // The current search match is brought into view.
  const currentMatch = useBuilder((s) => (s.search.open ? s.search.matches[s.search.index] : undefined));
  useEffect(() => {
    if (currentMatch) void flow.fitView({ nodes: [{ id: currentMatch }], maxZoom: 1, duration: 200 });
  }, [currentMatch, flow]);

  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    // Removal goes through the code (Delete key); the canvas only moves and selects locally.
    setNodes((current) =>
      applyNodeChanges(
        changes.filter((c) => c.type !== 'remove'),
        current,
      ),
    );
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    setEdges((current) =>
      applyEdgeChanges(
        changes.filter((c) => c.type !== 'remove'),
        current,
      ),
    );
  }, []);

  const onNodeDragStop = useCallback(
    (_event: unknown, _node: CanvasNode, dragged: CanvasNode[]) => {
      const moves: Record<string, { x: number; y: number }> = {};
      for (const node of dragged) moves[node.id] = { x: Math.round(node.position.x), y: Math.round(node.position.y) };
      store.getState().moveNodes(moves);
    },
    [store],
  );

  const onSelectionChange = useCallback(
    ({ nodes: picked }: OnSelectionChangeParams) => {
      store.getState().select(picked.map((n) => n.id));
    },
    [store],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      if (!connection.targetHandle) return;
      store.getState().connect(connection.source, connection.target, connection.targetHandle);
    },
    [store],
  );

  // Handles connect only where the types fit; a refused drop says why, where it was dropped.
  const isValidConnection = useCallback((connection: Connection | Edge) => connectionProblem(graph, connection) === null, [graph]);
  const [hint, setHint] = useState<{ text: string; x: number; y: number } | null>(null);
  useEffect(() => {
    if (!hint) return;
    const timer = setTimeout(() => setHint(null), 6000);
    return () => clearTimeout(timer);
  }, [hint]);
  const onConnectStart = useCallback(() => setHint(null), []);
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid !== false || !state.fromHandle || !state.toHandle || !state.fromNode || !state.toNode) return;
      const fromSource = state.fromHandle.type === 'source';
      const reason = connectionProblem(graph, {
        source: fromSource ? state.fromNode.id : state.toNode.id,
        target: fromSource ? state.toNode.id : state.fromNode.id,
        targetHandle: fromSource ? state.toHandle.id : state.fromHandle.id,
      });
      const point = 'changedTouches' in event ? event.changedTouches[0] : event;
      const box = canvasBox.current?.getBoundingClientRect();
      if (!reason || !point || !box) return;
      setHint({ text: reason, x: point.clientX - box.left, y: point.clientY - box.top });
    },
    [graph],
  );
  const canvasBox = useRef<HTMLDivElement>(null);

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(KIND_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(KIND_DRAG_TYPE);
      if (!kind) return;
      event.preventDefault();
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      store.getState().addNode(kind, { x: Math.round(at.x - NODE_WIDTH / 2), y: Math.round(at.y - 20) });
    },
    [flow, store],
  );

  const selectedEdges = useRef<string[]>([]);
  selectedEdges.current = edges.filter((e) => e.selected).map((e) => e.id);

  // Delete and Backspace remove the selected nodes and connections, through the code, as one step.
  useEffect(() => {
    const deleteSelection = (event: KeyboardEvent) => {
      const state = store.getState();
      // Code regions are changed in the code, never from the canvas.
      const nodeIds = new Set(state.selection.filter((id) => !isRegionId(state.graph, id)));
      const edits: GraphEdit[] = state.graph.edges
        .filter((edge) => selectedEdges.current.includes(edge.id) && !nodeIds.has(edge.target) && !nodeIds.has(edge.source))
        .map((edge) => ({ type: 'disconnect', target: edge.target, input: edge.input }));
      for (const id of nodeIds) edits.push({ type: 'removeNode', id });
      if (edits.length === 0) return;
      event.preventDefault();
      const positions = { ...state.positions };
      for (const id of nodeIds) delete positions[id];
      state.edit(edits, positions);
    };
    const onKey = (event: KeyboardEvent) =>
      handleShortcut(event, 'canvas', { 'canvas.delete': deleteSelection }, () => !(typingIn(event.target) || uiStore.getState().dialog));
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  return (
    <div className="fd-canvas" onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas" ref={canvasBox}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onNodeDragStop}
        onSelectionChange={onSelectionChange}
        onConnect={onConnect}
        onConnectStart={onConnectStart}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control']}
        onlyRenderVisibleElements={nodes.length > 200}
        minZoom={0.05}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} />
        {minimap ? (
          <MiniMap
            pannable
            zoomable
            className="fd-minimap"
            style={MINIMAP_SIZE}
            nodeClassName={(n) => `fd-mini state-${(n.data as { run?: NodeRunState }).run?.type ?? 'none'}`}
          />
        ) : null}
        <Controls showInteractive={false}>
          <ControlButton
            className={`fd-minimap-toggle${minimap ? ' is-on' : ''}`}
            onClick={() => setMinimap(!minimap)}
            aria-label={minimap ? 'Hide the minimap' : 'Show the minimap'}
            title={minimap ? 'Hide the minimap' : 'Show the minimap'}
            aria-pressed={minimap}
            data-testid="minimap-toggle"
          >
            ▣
          </ControlButton>
        </Controls>
      </ReactFlow>
      {graph.nodes.length === 0 ? <EmptyCanvas problems={problems} /> : null}
      {hint ? (
        <div className="fd-connect-hint" role="status" data-testid="connect-hint" style={{ left: hint.x, top: hint.y }}>
          {hint.text}
        </div>
      ) : null}
    </div>
  );
}

const EMPTY_MATCHES: string[] = [];

/** Small, so it covers little of the canvas. */
const MINIMAP_SIZE = { width: 140, height: 96 };
const MINIMAP_KEY = 'flowdeck.builder.minimap';

/** A yes/no remembered in this browser's storage. */
function useStoredFlag(key: string, initial: boolean): [boolean, (value: boolean) => void] {
  const [value, setValue] = useState(() => {
    const saved = webStorage('local')?.getItem(key);
    return saved === null || saved === undefined ? initial : saved === 'true';
  });
  const set = useCallback(
    (next: boolean) => {
      setValue(next);
      try {
        webStorage('local')?.setItem(key, String(next));
      } catch {
        // Not remembered, still shown or hidden.
      }
    },
    [key],
  );
  return [value, set];
}

/** Says what to do on an empty canvas, or why it is empty when the code has problems. */
function EmptyCanvas({ problems }: { problems: readonly Problem[] }) {
  const errors = problems.filter((p) => p.severity === 'error');
  return (
    <div className="fd-canvas-empty" role="status">
      {errors.length ? (
        <>
          <strong>The code has {errors.length === 1 ? 'a problem' : `${errors.length} problems`}, so there is no graph to show.</strong>
          <span>Fix it in the editor on the right; the problems are listed below the canvas.</span>
        </>
      ) : (
        <>
          <strong>This flow has no steps yet.</strong>
          <span>Drag a node from the palette onto the canvas, or click one to add it.</span>
        </>
      )}
    </div>
  );
}
