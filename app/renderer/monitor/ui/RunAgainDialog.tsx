import { useEffect, useState, type FormEvent } from 'react';
import type { FlowRun } from '../../../core/runs.js';
import { errorMessage } from '../../../core/error-message.js';
import { collectParameters, runAgainForm, type ParameterValues, type RunAgainForm } from '../../shared/parameter-form.js';
import { useServices } from '../../app/services-context.js';
import { Modal } from '../../shared/Modal.js';
import { ParameterFields } from '../../shared/ParameterFields.js';

/** The parameters as JSON text, for a flow that declares no schema: an object, or why not. */
function parsedObject(text: string): { parameters: Record<string, unknown> } | { error: string } {
  let parameters: unknown;
  try {
    parameters = JSON.parse(text);
  } catch (e) {
    return { error: `The parameters are not JSON: ${errorMessage(e)}` };
  }
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    return { error: 'The parameters must be a JSON object, like {"name": "world"}' };
  }
  return { parameters: parameters as Record<string, unknown> };
}

/**
 * Asks for the parameters of a new run of the same flow, with the form of the builder's Run
 * dialog read from the flow's schema as the server finds it now, starting from this run's.
 */
export function RunAgainDialog({
  run,
  path,
  flowName,
  onStart,
  onClose,
}: {
  run: FlowRun;
  /** The run's file in the server's workspace. */
  path: string;
  flowName: string;
  onStart: (parameters: Record<string, unknown>) => Promise<void>;
  onClose: () => void;
}) {
  const { client } = useServices();
  const [form, setForm] = useState<RunAgainForm | null>(null);
  const [values, setValues] = useState<ParameterValues>({});
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    let live = true;
    client.describeFlowFile({ body: { path } }).then(
      (description) => {
        if (!live) return;
        const next = runAgainForm(description.flows, flowName, run.parameters);
        setForm(next);
        if (next.kind === 'fields') setValues(next.values);
        if (next.kind === 'json') setText(next.text);
      },
      (e: unknown) => live && setForm({ kind: 'missing', message: `the server could not load ${path}: ${errorMessage(e)}` }),
    );
    return () => {
      live = false;
    };
  }, [client, path, flowName, run.parameters]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!form || form.kind === 'missing') return;
    let parameters: Record<string, unknown>;
    if (form.kind === 'fields') {
      const collected = collectParameters(form.fields, values);
      setErrors(collected.errors);
      if (Object.keys(collected.errors).length) return;
      parameters = collected.parameters;
    } else {
      const parsed = parsedObject(text);
      if ('error' in parsed) return setError(parsed.error);
      parameters = parsed.parameters;
    }
    setStarting(true);
    setError(null);
    try {
      await onStart(parameters);
    } catch (e) {
      setError(errorMessage(e));
      setStarting(false);
    }
  };

  return (
    <Modal title="Run again" onCancel={onClose}>
      <form data-testid="run-again-form" onSubmit={(e) => void submit(e)}>
        <p className="fd-muted">
          A new run of <code>{run.flowName}</code> from <code>{path}</code>, starting from this run's parameters.
        </p>
        {form === null ? <p className="fd-muted">Reading the flow's parameters…</p> : null}
        {form?.kind === 'missing' ? (
          <p className="fd-field-error" role="alert">
            Cannot run it again: {form.message}
          </p>
        ) : null}
        {form?.kind === 'fields' ? (
          <>
            {form.fields.length === 0 ? <p className="fd-muted">This flow takes no parameters.</p> : null}
            <ParameterFields fields={form.fields} values={values} errors={errors} onChange={setValues} idPrefix="fd-param" />
          </>
        ) : null}
        {form?.kind === 'json' ? (
          <div className="fd-field">
            <label htmlFor="fd-run-again-parameters">Parameters (JSON)</label>
            <textarea id="fd-run-again-parameters" className="is-code" rows={8} value={text} onChange={(e) => setText(e.target.value)} />
            <div className="fd-field-help">This flow declares no parameter schema; the server passes these as they are.</div>
          </div>
        ) : null}
        {error ? (
          <p className="fd-field-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="fd-modal-actions">
          <button type="button" className="fd-button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="fd-button is-primary" disabled={starting || form === null || form.kind === 'missing'}>
            {starting ? 'Starting…' : 'Run'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
