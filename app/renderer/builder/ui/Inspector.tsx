import { useEffect, useMemo, useState } from 'react';
import { COMMON_OPTION_FIELDS, NODE_KINDS, nodeKind, type FieldSpec } from '../../../core/flow-document/node-kinds.js';
import {
  nodeInputs,
  setFieldEdit,
  setNameEdit,
  setOptionEdit,
  type GraphEdit,
  type GraphNode,
  type InputBinding,
  type Problem,
} from '../model/document-model.js';
import { canvasRegions, type CanvasRegion } from '../model/code-regions.js';
import { nodeOfRun, nodeOutputs, type RunOutput } from '../../shared/node-states.js';
import { useBuilder, useBuilderServices } from './builder-context.js';
import { FieldEditor } from './FieldEditor.js';
import { CredentialField } from './CredentialField.js';
import { credentialLabel, isCredential } from '../../../core/flow-document/credentials.js';
import { kindGlyph, kindLabel } from './kind-look.js';
import { useRunView } from './run-context.js';
import { isAtBreakpoint } from '../../../core/debugging.js';
import { routeHash } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { errorMessage } from '../../../core/error-message.js';
import { isTaskNode, pinFromResult, readPinText, stoppedInputsText } from '../model/debug-marks.js';
import { runFromNode } from '../model/node-reruns.js';
import { useNodeRuns } from './node-run-context.js';

function bindingText(binding: InputBinding): string {
  if (isCredential(binding)) return credentialLabel(binding);
  const path = binding.from !== 'expression' && binding.path?.length ? `.${binding.path.join('.')}` : '';
  if (binding.from === 'node') return `result of ${binding.node}${path}`;
  if (binding.from === 'param') return `parameter ${binding.name}${path}`;
  return binding.code;
}

/** The side panel: everything about the selected node, or about the flow when none is selected. */
export function Inspector() {
  const selection = useBuilder((s) => s.selection);
  const graph = useBuilder((s) => s.graph);
  const problems = useBuilder((s) => s.problems);
  const node = selection.length === 1 ? graph.nodes.find((n) => n.id === selection[0]) : undefined;
  const region = selection.length === 1 && !node ? canvasRegions(graph).find((r) => r.id === selection[0]) : undefined;
  return (
    <aside className="fd-inspector" aria-label="Selected node">
      {node ? (
        <NodePanel key={node.id} node={node} problems={problems.filter((p) => p.nodeId === node.id)} />
      ) : region ? (
        <RegionPanel region={region} />
      ) : selection.length > 1 ? (
        <div className="fd-inspector-section">
          <h2>{selection.length} nodes selected</h2>
          <p className="fd-muted">Copy them with Ctrl+C, delete them with Delete, or pick one to edit it.</p>
        </div>
      ) : (
        <FlowPanel />
      )}
    </aside>
  );
}

/** The steps in each arm of a branch, and a way to add one to either arm. */
function BranchArms({ branch }: { branch: string }) {
  const { store } = useBuilderServices();
  const graph = useBuilder((s) => s.graph);
  const [kind, setKind] = useState('notify');
  const inArm = (arm: 'then' | 'else') => graph.nodes.filter((n) => n.scope?.branch === branch && n.scope.arm === arm).map((n) => n.id);
  return (
    <div className="fd-branch-arms" data-testid="branch-arms">
      <h3>Arms</h3>
      {(['then', 'else'] as const).map((arm) => (
        <p key={arm}>
          <strong>{arm === 'then' ? 'then (when true)' : 'else'}:</strong>{' '}
          {inArm(arm).length ? inArm(arm).map((id) => <code key={id}>{id} </code>) : <span className="fd-muted">no steps</span>}
        </p>
      ))}
      <div className="fd-branch-add">
        <label htmlFor="fd-branch-kind">New step</label>
        <select id="fd-branch-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          {NODE_KINDS.filter((k) => k.id !== 'branch').map((k) => (
            <option key={k.id} value={k.id}>
              {k.label}
            </option>
          ))}
        </select>
        <button type="button" className="fd-button" onClick={() => store.getState().addNode(kind, undefined, { scope: { branch, arm: 'then' } })}>
          Add to then
        </button>
        <button type="button" className="fd-button" onClick={() => store.getState().addNode(kind, undefined, { scope: { branch, arm: 'else' } })}>
          Add to else
        </button>
      </div>
    </div>
  );
}

/** Code of the flow that is not a step: shown whole, and changed in the code editor. */
function RegionPanel({ region }: { region: CanvasRegion }) {
  const { store } = useBuilderServices();
  return (
    <div className="fd-inspector-section" data-testid="region-panel">
      <h2>Code as written</h2>
      <p className="fd-muted">The graph cannot show this code as a step, so it is kept exactly as written. Change it in the code editor.</p>
      <pre className="fd-code-region-full">{region.code}</pre>
      <button type="button" className="fd-button" onClick={() => store.getState().reveal(region.span)}>
        Show in code
      </button>
    </div>
  );
}

function FlowPanel() {
  const graph = useBuilder((s) => s.graph);
  const problems = useBuilder((s) => s.problems);
  return (
    <div className="fd-inspector-section">
      <h2>Flow {graph.flowName ? <code>{graph.flowName}</code> : null}</h2>
      <p className="fd-muted">
        {graph.nodes.length} {graph.nodes.length === 1 ? 'step' : 'steps'}, {graph.edges.length}{' '}
        {graph.edges.length === 1 ? 'connection' : 'connections'}. Select a node to edit it.
      </p>
      {graph.parameters.length ? (
        <>
          <h3>Parameters</h3>
          <ul className="fd-plain-list">
            {graph.parameters.map((p) => (
              <li key={p.name}>
                <code>
                  {p.name}
                  {p.optional ? '?' : ''}: {p.type}
                </code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {problems.length ? <p className="fd-muted">{problems.length} problem(s) listed below the canvas.</p> : null}
      <h3>Keys</h3>
      <dl className="fd-keys">
        <dt>Ctrl+S</dt>
        <dd>save</dd>
        <dt>Ctrl+Enter / F5</dt>
        <dd>run / debug</dd>
        <dt>F9</dt>
        <dd>breakpoint on the selected node</dd>
        <dt>Ctrl+Z / Ctrl+Shift+Z</dt>
        <dd>undo / redo</dd>
        <dt>Ctrl+C / Ctrl+V</dt>
        <dd>copy / paste nodes</dd>
        <dt>Ctrl+A</dt>
        <dd>select all</dd>
        <dt>Delete</dt>
        <dd>delete selection</dd>
        <dt>F / L</dt>
        <dd>fit view / auto-layout</dd>
        <dt>Ctrl+F</dt>
        <dd>find a node</dd>
        <dt>Ctrl+B / Ctrl+I</dt>
        <dd>hide or show the palette / this panel</dd>
      </dl>
    </div>
  );
}

function NodePanel({ node, problems }: { node: GraphNode; problems: Problem[] }) {
  const { store } = useBuilderServices();
  const kind = nodeKind(node.kind);
  const run = useRunView((r) => r.nodeStates[node.id]);
  const edit = (edits: GraphEdit[]) => store.getState().edit(edits);
  const inputs = nodeInputs(node);
  const fieldNames = new Set(kind?.fields.map((f) => f.name) ?? []);
  const fieldProblem = (label: string) =>
    problems.find((p) => p.message.startsWith(`${label} is required`) || p.message.startsWith(`${label}:`))?.message;

  return (
    <div className="fd-inspector-section" data-testid="inspector">
      <div className="fd-inspector-title">
        <span className="fd-node-glyph">{kindGlyph(node.kind)}</span>
        <div>
          <div className="fd-muted">{kindLabel(node.kind)}</div>
          <h2>{node.id}</h2>
        </div>
      </div>
      {kind ? (
        <p className="fd-muted">{kind.description}</p>
      ) : (
        <p className="fd-field-error">This node's kind ({node.kind}) is unknown to this version.</p>
      )}
      {run ? (
        <p className={`fd-run-badge state-${run.type}`}>
          {run.name}
          {run.runs > 1 ? ` (${run.finished}/${run.runs} runs over)` : ''}
          {run.message ? `: ${run.message}` : ''}
        </p>
      ) : null}
      {isAtBreakpoint(run) ? <PausedNote node={node} /> : null}
      <NodeOutputs nodeId={node.id} />
      {problems.length ? (
        <ul className="fd-problem-list">
          {problems.map((p, i) => (
            <li key={i} className={`is-${p.severity}`}>
              {p.message}
            </li>
          ))}
        </ul>
      ) : null}

      <IdEditor id={node.id} />
      {node.kind !== 'branch' && node.kind !== 'pause' ? (
        <FieldEditor
          field={COMMON_OPTION_FIELDS.find((f) => f.name === 'name') as FieldSpec}
          value={node.name}
          onCommit={(value) => typeof value === 'string' && edit([setNameEdit(node.id, value)])}
        />
      ) : null}

      {node.kind === 'branch' ? <BranchArms branch={node.id} /> : null}

      {isTaskNode(node) ? <DebugSection nodeId={node.id} /> : null}
      {isTaskNode(node) ? <NodeRunsSection key={node.id} node={node} /> : null}

      {inputs.length ? (
        <>
          <h3>Inputs</h3>
          <ul className="fd-inputs">
            {inputs.map((input) => {
              const binding = node.inputs[input];
              return (
                <li key={input} data-input={input}>
                  <code>{input}</code>{' '}
                  {binding ? (
                    <>
                      <span className="fd-binding">{bindingText(binding)}</span>
                      {binding.from === 'node' ? (
                        <button type="button" className="fd-link" onClick={() => store.getState().disconnect(node.id, input)}>
                          disconnect
                        </button>
                      ) : null}
                    </>
                  ) : fieldNames.has(input) ? (
                    <span className="fd-muted">set below, or connect a node</span>
                  ) : (
                    <span className="fd-muted">not connected</span>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      ) : null}

      {kind && kind.fields.length ? (
        <>
          <h3>Settings</h3>
          {kind.fields.map((field) =>
            field.credentialTypes?.length && (!node.inputs[field.name] || isCredential(node.inputs[field.name])) ? (
              <CredentialField
                key={field.name}
                field={field}
                value={node.fields[field.name]}
                binding={node.inputs[field.name]}
                initial={kind.initialFields[field.name]}
                externalError={fieldProblem(field.label)}
                onValue={(value) => edit([setFieldEdit(node.id, field.name, value)])}
                onReference={(binding) => edit([{ type: 'setInput', id: node.id, input: field.name, binding }])}
              />
            ) : node.inputs[field.name] ? null : (
              <FieldEditor
                key={field.name}
                field={field}
                value={node.fields[field.name]}
                externalError={fieldProblem(field.label)}
                onCommit={(value) => edit([setFieldEdit(node.id, field.name, value)])}
              />
            ),
          )}
        </>
      ) : null}

      {kind?.taskOptions ? (
        <>
          <h3>Retries, timeout, cache</h3>
          {COMMON_OPTION_FIELDS.filter((f) => f.name !== 'name').map((field) => (
            <FieldEditor
              key={field.name}
              field={field}
              value={(node.options as Record<string, unknown>)[field.name]}
              onCommit={(value) => edit([setOptionEdit(node.id, field.name, value)])}
            />
          ))}
          {node.extraOptions?.length ? (
            <p className="fd-muted">
              Also set in code: <code>{node.extraOptions.join(', ')}</code>
            </p>
          ) : null}
        </>
      ) : null}

      {node.code !== undefined ? (
        <>
          <h3>Code</h3>
          <pre className="fd-code-preview">{node.code}</pre>
          <button type="button" className="fd-button" onClick={() => store.getState().reveal(node.span)}>
            Show in the editor
          </button>
        </>
      ) : null}

      <div className="fd-inspector-actions">
        <button type="button" className="fd-button" onClick={() => store.getState().reveal(node.span)}>
          Go to code
        </button>
        <button type="button" className="fd-button is-danger" onClick={() => store.getState().removeNodes([node.id])}>
          Delete node
        </button>
      </div>
    </div>
  );
}

/** Mapped runs shown one by one; past this many a count says how many more there were. */
const SHOWN_RUNS = 50;

/** What the node gave in the last run: its result, or each mapped run's. */
function NodeOutputs({ nodeId }: { nodeId: string }) {
  const nodes = useBuilder((s) => s.graph.nodes);
  const taskRuns = useRunView((r) => r.snapshot?.taskRuns);
  const finished = useRunView((r) => r.phase === 'finished');
  const outputs = useMemo(() => (taskRuns ? nodeOutputs(nodes, taskRuns, nodeId) : []), [nodes, taskRuns, nodeId]);
  if (!taskRuns) return null;
  if (outputs.length === 0) {
    return finished ? (
      <p className="fd-muted" data-testid="node-outputs">
        This step did not run in the last run.
      </p>
    ) : null;
  }
  return (
    <section className="fd-node-outputs" data-testid="node-outputs" aria-label="Output of the last run">
      <h3>Output{outputs.length > 1 ? ` of ${outputs.length} runs` : ''}</h3>
      {outputs.length === 1 ? (
        <OutputValue output={outputs[0]} />
      ) : (
        <ol className="fd-output-list">
          {outputs.slice(0, SHOWN_RUNS).map((output, index) => (
            <li key={output.taskRunId} data-testid="node-output-item">
              <details open={index < 3}>
                <summary>
                  <code>[{output.index}]</code> <span className={`fd-run-badge state-${output.state.type}`}>{output.state.name}</span>
                </summary>
                <OutputValue output={output} />
              </details>
            </li>
          ))}
        </ol>
      )}
      {outputs.length > SHOWN_RUNS ? <p className="fd-muted">and {outputs.length - SHOWN_RUNS} more runs; the run page lists them all.</p> : null}
    </section>
  );
}

function OutputValue({ output }: { output: RunOutput }) {
  return (
    <>
      {output.text !== null ? (
        <pre className="fd-value fd-output-value" data-testid="node-output-value">
          {output.text}
        </pre>
      ) : null}
      {output.note ? (
        <p className="fd-muted" data-testid="node-output-note">
          {output.note}
        </p>
      ) : null}
    </>
  );
}

/** The node's id is its variable in the code; renaming it renames every use. */
function IdEditor({ id }: { id: string }) {
  const { store } = useBuilderServices();
  const [draft, setDraft] = useState(id);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDraft(id);
  }, [id]);
  const commit = () => {
    const next = draft.trim();
    if (next === id) return setError(null);
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(next)) return setError('Use letters, digits, _ or $, not starting with a digit');
    const ok = store.getState().renameNode(id, next);
    setError(ok ? null : (store.getState().notice?.message ?? 'could not rename'));
  };
  return (
    <div className={`fd-field${error ? ' has-error' : ''}`} data-field="id">
      <label htmlFor="fd-node-id">Id (its name in the code)</label>
      <input
        id="fd-node-id"
        value={draft}
        spellCheck={false}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setDraft(id);
        }}
      />
      <div className={error ? 'fd-field-error' : 'fd-field-help'}>{error ?? 'Other steps refer to it by this name'}</div>
    </div>
  );
}

/** A node stopped at a breakpoint is answered on its run's page, where the controls are. */
function PausedNote({ node }: { node: GraphNode }) {
  const flowRunId = useRunView((r) => r.flowRunId);
  // The node's task run held at the breakpoint, which the run's page opens.
  const taskRunId = useRunView((r) => r.snapshot?.taskRuns.find((run) => isAtBreakpoint(run.state) && nodeOfRun([node], run) === node.id)?.id);
  const inputs = useStoppedInputs(taskRunId);
  return (
    <div className="fd-paused-note" data-testid="paused-note">
      <p>
        Stopped at a breakpoint.{' '}
        {flowRunId ? (
          <a href={routeHash({ page: 'run', flowRunId, ...(taskRunId ? { taskRunId } : {}) })} data-testid="paused-run-link">
            Continue, step or skip it on the run's page ›
          </a>
        ) : null}
      </p>
      {inputs ? (
        <>
          <div className="fd-muted">Inputs</div>
          <pre className="fd-value" data-testid="paused-inputs">
            {inputs}
          </pre>
        </>
      ) : null}
    </div>
  );
}

/** The arguments a stopped task run would run with, pretty-printed, or what kept them from being read. */
function useStoppedInputs(taskRunId: string | undefined): string | null {
  const { client } = useServices();
  const [read, setRead] = useState<{ taskRunId: string; text: string } | null>(null);
  useEffect(() => {
    if (!taskRunId) return;
    let current = true;
    client
      .getTaskRun({ params: { id: taskRunId } })
      .then((run) => {
        if (current) setRead({ taskRunId, text: stoppedInputsText(run.breakpoint?.inputs ?? null) });
      })
      .catch((error: unknown) => {
        if (current) setRead({ taskRunId, text: `Could not read its inputs: ${errorMessage(error)}` });
      });
    return () => {
      current = false;
    };
  }, [client, taskRunId]);
  return read && read.taskRunId === taskRunId ? read.text : null;
}

/** The node's breakpoint and pinned output, which only a debug run heeds. */
function DebugSection({ nodeId }: { nodeId: string }) {
  const { store } = useBuilderServices();
  const breakpoint = useBuilder((s) => s.marks.breakpoints.includes(nodeId));
  const pins = useBuilder((s) => s.marks.pins);
  return (
    <section className="fd-debug-section" data-testid="debug-section" aria-label="Debugging">
      <h3>Debugging</h3>
      <label className="fd-check">
        <input type="checkbox" checked={breakpoint} onChange={() => store.getState().toggleBreakpoint(nodeId)} data-testid="breakpoint-check" /> Stop
        here in a debug run (F9)
      </label>
      {nodeId in pins ? <PinnedOutput nodeId={nodeId} value={pins[nodeId]} /> : <PinEditor key={nodeId} nodeId={nodeId} />}
    </section>
  );
}

function PinnedOutput({ nodeId, value }: { nodeId: string; value: unknown }) {
  const { store } = useBuilderServices();
  return (
    <div data-testid="pinned-output">
      <p className="fd-muted">Pinned: a debug run does not run this step and takes this output.</p>
      <pre className="fd-value">{JSON.stringify(value, null, 2)}</pre>
      <button type="button" className="fd-button" onClick={() => store.getState().unpin(nodeId)} data-testid="unpin">
        Unpin
      </button>
    </div>
  );
}

/** "Pin output": typed JSON, checked, or the node's result from the run shown. */
function PinEditor({ nodeId }: { nodeId: string }) {
  const { store } = useBuilderServices();
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const nodes = useBuilder((s) => s.graph.nodes);
  const taskRuns = useRunView((r) => r.snapshot?.taskRuns);
  const lastResult = useMemo(() => {
    const outputs = taskRuns ? nodeOutputs(nodes, taskRuns, nodeId) : [];
    // A mapped node's runs each give one item's output: there is no one result to pin.
    if (outputs.length !== 1 || outputs[0].state.type !== 'COMPLETED') return undefined;
    return taskRuns?.find((run) => run.id === outputs[0].taskRunId)?.result ?? null;
  }, [nodes, taskRuns, nodeId]);
  const pin = (read: { ok: true; value: unknown } | { ok: false; error: string }) => {
    if (!read.ok) return setError(read.error);
    setError(null);
    setDraft(null);
    store.getState().pin(nodeId, read.value);
  };
  return (
    <div className={`fd-field${error ? ' has-error' : ''}`} data-testid="pin-editor">
      {draft === null ? (
        <div className="fd-inspector-actions">
          <button type="button" className="fd-button" onClick={() => setDraft('')} data-testid="pin-output">
            Pin output
          </button>
          {lastResult !== undefined ? (
            <button type="button" className="fd-button" onClick={() => pin(pinFromResult(lastResult))} data-testid="pin-last-result">
              Pin the last run's output
            </button>
          ) : null}
        </div>
      ) : (
        <>
          <label htmlFor="fd-pin-json">Pinned output (JSON)</label>
          <textarea
            id="fd-pin-json"
            rows={4}
            spellCheck={false}
            value={draft}
            placeholder='{"id": 1}'
            onChange={(e) => setDraft(e.target.value)}
            data-testid="pin-json"
          />
          <div className="fd-inspector-actions">
            <button type="button" className="fd-button is-primary" onClick={() => pin(readPinText(draft))} data-testid="pin-save">
              Pin
            </button>
            <button
              type="button"
              className="fd-button"
              onClick={() => {
                setDraft(null);
                setError(null);
              }}
            >
              Cancel
            </button>
          </div>
        </>
      )}
      {error ? (
        <div className="fd-field-error" role="alert" data-testid="pin-error">
          {error}
        </div>
      ) : (
        <div className="fd-field-help">A pinned step does not run in a debug run; Run ignores pins</div>
      )}
    </div>
  );
}

/** Run to here (a debug run that stops once this step completes) and Run from here (the last run again from this step). */
function NodeRunsSection({ node }: { node: GraphNode }) {
  const actions = useNodeRuns();
  const nodes = useBuilder((s) => s.graph.nodes);
  const taskRuns = useRunView((r) => r.snapshot?.taskRuns);
  const phase = useRunView((r) => r.phase);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const from = useMemo(() => runFromNode(phase, taskRuns ? nodeOutputs(nodes, taskRuns, node.id) : []), [phase, nodes, taskRuns, node.id]);
  if (!actions) return null;
  const runFrom = async (taskRunId: string) => {
    setBusy(true);
    setError(null);
    const started = await actions.runFromHere(taskRunId);
    setBusy(false);
    if (started && 'error' in started) setError(started.error);
  };
  return (
    <section className="fd-node-runs" data-testid="node-runs" aria-label="Run to or from this step">
      <div className="fd-inspector-actions">
        <button
          type="button"
          className="fd-button"
          data-testid="run-to-here"
          title="A debug run that stops as a whole once this step completes, with every result so far shown"
          onClick={() => actions.runToHere(node.name)}
        >
          Run to here
        </button>
        <button
          type="button"
          className="fd-button"
          data-testid="run-from-here"
          disabled={busy || 'reason' in from}
          title={'reason' in from ? from.reason : 'Run the last run again from this step as a new run: the steps before it reuse their results'}
          onClick={() => 'taskRunId' in from && void runFrom(from.taskRunId)}
        >
          {busy ? 'Starting…' : 'Run from here'}
        </button>
      </div>
      {error ? (
        <p className="fd-field-error" role="alert" data-testid="run-from-here-error">
          {error}
        </p>
      ) : 'reason' in from ? (
        <p className="fd-field-help" data-testid="run-from-here-note">
          {from.reason}
        </p>
      ) : null}
    </section>
  );
}
