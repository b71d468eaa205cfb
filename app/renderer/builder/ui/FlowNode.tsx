import { Handle, Position, useStore, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { HandleLook } from '../model/connections.js';
import type { GraphNode, Problem } from '../model/document-model.js';
import type { NodeRunState } from '../../shared/node-states.js';
import { isAtBreakpoint, PINNED, SKIPPED } from '../../../core/debugging.js';
import { useBuilderServices } from './builder-context.js';
import { kindGlyph, kindLabel } from './kind-look.js';

interface FlowNodeData extends Record<string, unknown> {
  node: GraphNode;
  /** The inputs drawn as handles on the left. */
  inputs: string[];
  /** Each input's type, which its handle is coloured by. */
  inputLooks: Record<string, HandleLook>;
  /** The result's type. */
  resultLook: HandleLook;
  /** Inputs fed by another node, drawn filled. */
  bound: string[];
  problems: Problem[];
  run?: NodeRunState;
  /** A search hit, outlined. */
  match?: boolean;
  /** It runs as a task, so it can have a breakpoint and a pinned output. */
  breakable?: boolean;
  /** A debug run stops before it. */
  breakpoint?: boolean;
  /** A debug run takes its pinned output instead of running it. */
  pinned?: boolean;
}

export type FlowNodeType = Node<FlowNodeData, 'flowdeck'>;

/** Vertical place of each input handle: spread along the node's left side. */
function handleTop(index: number, count: number): string {
  return `${((index + 1) / (count + 1)) * 100}%`;
}

function handleClass(look: HandleLook | undefined, extra = ''): string {
  return `fd-handle fd-type-${look?.colour ?? 'any'}${extra}`;
}

function runLabel(run: NodeRunState): string {
  return run.runs > 1 ? `${run.name} ${run.finished}/${run.runs}` : run.name;
}

/** Whether a debug run completed the node without running its task (pinned, or skipped at a breakpoint). */
function notRun(run: NodeRunState | undefined): boolean {
  return run?.name === PINNED || run?.name === SKIPPED;
}

/** The dot that sets or clears the node's breakpoint, red when set. */
function BreakpointDot({ id, set }: { id: string; set: boolean }) {
  const { store } = useBuilderServices();
  return (
    <button
      type="button"
      className={`fd-breakpoint-dot nodrag nopan${set ? ' is-set' : ''}`}
      aria-pressed={set}
      aria-label={set ? `Clear the breakpoint of ${id}` : `Set a breakpoint on ${id}`}
      title={set ? 'A debug run stops before this step (click or F9 to clear)' : 'Set a breakpoint: a debug run stops before this step (F9)'}
      data-testid="breakpoint-dot"
      onClick={(event) => {
        event.stopPropagation();
        store.getState().toggleBreakpoint(id);
      }}
    />
  );
}

/** One step of the flow on the canvas: its kind, name, run state and problems. */
/** Below this zoom a node's small print cannot be read anyway. */
const COMPACT_ZOOM = 0.45;

export const FlowNode = memo(function FlowNode({ data, selected }: NodeProps<FlowNodeType>) {
  const { node, inputs, inputLooks, resultLook, bound, problems, run, match, breakable, breakpoint, pinned } = data;
  // Zoomed far out, a node is drawn as a coloured box with its id: a big graph stays light to pan.
  const compact = useStore((s) => s.transform[2] < COMPACT_ZOOM);
  const errors = problems.filter((p) => p.severity === 'error');
  const classes = ['fd-node', `fd-kind-${node.kind}`];
  if (selected) classes.push('is-selected');
  if (match) classes.push('is-match');
  if (run) classes.push(`state-${run.type}`);
  if (isAtBreakpoint(run)) classes.push('is-at-breakpoint');
  if (breakpoint) classes.push('has-breakpoint');
  if (errors.length) classes.push('has-errors');
  else if (problems.length) classes.push('has-warnings');
  if (node.uncalled) classes.push('is-uncalled');
  if (compact) {
    classes.push('is-compact');
    return (
      <div className={classes.join(' ')} data-node-id={node.id} data-state={run?.type ?? ''}>
        {inputs.map((input, index) => (
          <Handle
            key={input}
            id={input}
            type="target"
            position={Position.Left}
            style={{ top: handleTop(index, inputs.length) }}
            className={handleClass(inputLooks[input])}
          />
        ))}
        {node.id}
        <Handle type="source" position={Position.Right} id="result" className={handleClass(resultLook, ' fd-handle-out')} />
      </div>
    );
  }
  return (
    <div
      className={classes.join(' ')}
      data-node-id={node.id}
      data-state={run?.type ?? ''}
      data-run-name={run?.name ?? ''}
      title={run?.message ?? undefined}
    >
      {breakable ? <BreakpointDot id={node.id} set={breakpoint === true} /> : null}
      {inputs.map((input, index) => (
        <Handle
          key={input}
          id={input}
          type="target"
          position={Position.Left}
          style={{ top: handleTop(index, inputs.length) }}
          className={handleClass(inputLooks[input], bound.includes(input) ? ' is-bound' : '')}
          data-input={input}
          data-type={inputLooks[input]?.name}
          title={`${input}: ${inputLooks[input]?.name ?? 'any'}`}
        >
          <span className="fd-handle-label">{input}</span>
        </Handle>
      ))}
      <div className="fd-node-head">
        <span className="fd-node-glyph" aria-hidden="true">
          {kindGlyph(node.kind)}
        </span>
        <span className="fd-node-kind">{kindLabel(node.kind)}</span>
        {pinned ? (
          <span className="fd-node-pin" data-testid="node-pin" title="Its output is pinned: a debug run does not run it">
            pin
          </span>
        ) : null}
        {run ? (
          <span className="fd-node-state" data-testid="node-state">
            {runLabel(run)}
            {notRun(run) ? <span className="fd-node-debug-mark" title="Completed without running the task" aria-label="not run" /> : null}
          </span>
        ) : null}
      </div>
      <div className="fd-node-name" title={`${node.id} (runs as '${node.name}')`}>
        {node.id}
      </div>
      {node.scope ? (
        <div className="fd-node-scope">
          in {node.scope.branch} · {node.scope.arm}
        </div>
      ) : null}
      {run?.preview !== undefined ? (
        <div className="fd-node-output" data-testid="node-output" title="What this step gave in the last run; select it to see all">
          → {run.preview}
        </div>
      ) : null}
      {problems.length ? (
        <ul className="fd-node-problems" role="list" aria-label="problems">
          {problems.slice(0, 3).map((problem, index) => (
            <li key={index} className={`is-${problem.severity}`}>
              {problem.message}
            </li>
          ))}
          {problems.length > 3 ? <li>and {problems.length - 3} more</li> : null}
        </ul>
      ) : null}
      <Handle
        type="source"
        position={Position.Right}
        id="result"
        className={handleClass(resultLook, ' fd-handle-out')}
        data-type={resultLook.name}
        title={resultLook.name === 'none' ? 'no result' : `result: ${resultLook.name}`}
      />
    </div>
  );
});
