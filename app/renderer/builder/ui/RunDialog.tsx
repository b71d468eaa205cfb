import { useMemo, useState, type FormEvent } from 'react';
import type { FlowFileDescription } from '../../../core/api/workspace.js';
import { collectParameters, initialParameterValues, parameterFields, type ParameterValues } from '../../shared/parameter-form.js';
import { Modal } from '../../shared/Modal.js';
import { ParameterFields } from '../../shared/ParameterFields.js';
import { FlowSelect } from './FlowSelect.js';
import type { RunActions } from '../model/run-actions.js';
import { closeDialog, type Dialog } from '../../app/ui-store.js';

type Prepared = { path: string; description: FlowFileDescription } | { error: string };

/** Asks for the flow's parameters (from its schema, as the server reads it) and starts the run. */
export function RunDialog({ runs, prepared }: { runs: RunActions; prepared: Prepared }) {
  const first = 'description' in prepared ? (prepared.description.flows.find((f) => f.isDefault) ?? prepared.description.flows[0]) : undefined;
  const [flowName, setFlowName] = useState<string | undefined>(first?.name);
  const [values, setValues] = useState<ParameterValues>(() => initialParameterValues(parameterFields(first?.parameters)));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [starting, setStarting] = useState(false);
  const debug = runs.mode.debug;

  const flows = 'description' in prepared ? prepared.description.flows : [];
  const flow = flows.find((f) => f.name === flowName);
  const fields = useMemo(() => parameterFields(flow?.parameters), [flow]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!('path' in prepared)) return;
    const collected = collectParameters(fields, values);
    setErrors(collected.errors);
    if (Object.keys(collected.errors).length) return;
    setStarting(true);
    const chosen = flow && !flow.isDefault ? flow.name : undefined;
    await runs.start(prepared.path, chosen, collected.parameters);
    setStarting(false);
    closeDialog();
  };

  return (
    <Modal title={debug ? 'Debug the flow' : 'Run the flow'} onCancel={closeDialog}>
      {'error' in prepared ? (
        <>
          <p className="fd-field-error" role="alert">
            The server could not load this file: {prepared.error}
          </p>
          <div className="fd-modal-actions">
            <button type="button" className="fd-button" onClick={closeDialog}>
              Close
            </button>
          </div>
        </>
      ) : null}
      {'description' in prepared ? (
        prepared.description.flows.length === 0 ? (
          <>
            <p className="fd-field-error">This file defines no flow. Export one: export default flow(...).</p>
            <div className="fd-modal-actions">
              <button type="button" className="fd-button" onClick={closeDialog}>
                Close
              </button>
            </div>
          </>
        ) : (
          <form onSubmit={(e) => void submit(e)} data-testid="run-form">
            <p className="fd-muted">
              Runs <code>{prepared.path}</code> on the server
              {debug ? ', stopping at the breakpoints set on its nodes and taking their pinned outputs' : ''}.
            </p>
            <FlowSelect
              id="fd-run-flow"
              flows={flows}
              value={flowName ?? ''}
              onChange={(chosen) => {
                setFlowName(chosen.name);
                setValues(initialParameterValues(parameterFields(chosen.parameters)));
                setErrors({});
              }}
            />
            {fields.length === 0 ? <p className="fd-muted">This flow takes no parameters.</p> : null}
            <ParameterFields fields={fields} values={values} errors={errors} onChange={setValues} idPrefix="fd-param" />
            <div className="fd-modal-actions">
              <button type="button" className="fd-button" onClick={closeDialog}>
                Cancel
              </button>
              <button type="submit" className="fd-button is-primary" disabled={starting} data-testid="start-run">
                {starting ? 'Starting…' : debug ? 'Debug' : 'Run'}
              </button>
            </div>
          </form>
        )
      ) : null}
    </Modal>
  );
}

/** Before a run of a graph with errors: run anyway, or stay and fix them. */
export function RunWithProblemsDialog({ dialog }: { dialog: Extract<Dialog, { type: 'runWithProblems' }> }) {
  const answer = (runAnyway: boolean) => () => {
    closeDialog();
    dialog.resolve(runAnyway);
  };
  const { errors, summary } = dialog.check;
  return (
    <Modal title="Run anyway?" onCancel={answer(false)}>
      <p>The flow has {summary}; the run will likely fail on them.</p>
      <ul className="fd-problem-list" data-testid="run-problems">
        {errors.slice(0, 8).map((problem, index) => (
          <li key={index} className="is-error">
            {problem.nodeId ? <code>{problem.nodeId}</code> : null} {problem.message}
          </li>
        ))}
        {errors.length > 8 ? <li>and {errors.length - 8} more, listed below the canvas</li> : null}
      </ul>
      <div className="fd-modal-actions">
        <button type="button" className="fd-button" autoFocus onClick={answer(false)} data-testid="fix-first">
          Fix them first
        </button>
        <button type="button" className="fd-button is-danger" onClick={answer(true)} data-testid="run-anyway">
          Run anyway
        </button>
      </div>
    </Modal>
  );
}
