import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError } from '../../../core/api/errors.js';
import { errorMessage } from '../../../core/error-message.js';
import type { JsonSchemaIssue } from '../../../core/json-schema-check.js';
import type { FlowRun, FlowRunPause } from '../../../core/runs.js';
import {
  collectParameters,
  initialParameterValues,
  parameterFields,
  type ParameterField,
  type ParameterValues,
} from '../../shared/parameter-form.js';
import { useServices } from '../../app/services-context.js';
import { ParameterFields } from '../../shared/ParameterFields.js';

/** The one field of a pause whose input is not an object with named fields: its JSON. */
const WHOLE_INPUT: ParameterField = { name: 'input', label: 'Input (JSON)', control: 'json', required: true };

/**
 * How the pause's input is asked for: a field per property of an object schema, one JSON field
 * for any other schema, nothing when the pause takes any input.
 */
function formOf(pause: FlowRunPause | null): { fields: ParameterField[]; whole: boolean } {
  const schema = pause?.inputSchema;
  if (!schema) return { fields: [], whole: false };
  if (schema.type === 'object' && schema.properties && typeof schema.properties === 'object')
    return { fields: parameterFields(schema), whole: false };
  return { fields: [WHOLE_INPUT], whole: true };
}

/** The input as the form says it, or the errors of the fields that cannot be read. */
function readInput(
  form: { fields: ParameterField[]; whole: boolean },
  schema: unknown,
  values: ParameterValues,
): { input?: unknown; errors: Record<string, string> } {
  const { parameters, errors } = collectParameters(form.fields, values);
  if (Object.keys(errors).length > 0) return { errors };
  if (form.whole) return { input: parameters.input, errors };
  return schema ? { input: parameters, errors } : { errors };
}

/** The server's issues by the field they name; those of no field of the form, as one line. */
function placeIssues(
  issues: readonly JsonSchemaIssue[],
  form: { fields: ParameterField[]; whole: boolean },
): { byField: Record<string, string>; rest: string[] } {
  const byField: Record<string, string> = {};
  const rest: string[] = [];
  const names = new Set(form.fields.map((field) => field.name));
  for (const issue of issues) {
    const [head, ...tail] = issue.path;
    const field = form.whole ? WHOLE_INPUT.name : typeof head === 'string' && names.has(head) ? head : null;
    const where = (form.whole ? issue.path : tail).join('.');
    const text = where ? `${where}: ${issue.message}` : issue.message;
    if (field === null) rest.push(issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message);
    else byField[field] = byField[field] ? `${byField[field]}; ${text}` : text;
  }
  return { byField, rest };
}

/** What a paused run's pause says, when the run read at hand does not tell (it came by the event stream). */
function usePause(run: FlowRun): FlowRunPause | null | undefined {
  const { client } = useServices();
  const pauseId = run.state.transitionId;
  const known = run.pause && run.pause.pauseId === pauseId ? run.pause : undefined;
  const [read, setRead] = useState<{ pauseId: string | undefined; pause: FlowRunPause | null } | null>(null);
  useEffect(() => {
    if (known) return;
    let current = true;
    client
      .getFlowRun({ params: { id: run.id } })
      .then((fresh) => {
        if (current) setRead({ pauseId, pause: fresh.pause && fresh.pause.pauseId === pauseId ? fresh.pause : null });
      })
      .catch(() => {
        if (current) setRead({ pauseId, pause: null });
      });
    return () => {
      current = false;
    };
  }, [client, run.id, pauseId, known]);
  if (known) return known;
  return read && read.pauseId === pauseId ? read.pause : undefined;
}

/** A Paused run's reason, deadline and a form for the input its pause takes, with Resume. */
export function PausePanel({ run, onResumed }: { run: FlowRun; onResumed: () => Promise<void> | void }) {
  const { client } = useServices();
  const pause = usePause(run);
  // Made again for a new pause only: a fresh read of the same pause must not clear what was typed.
  const formFor = pause === undefined ? null : (pause?.pauseId ?? '');
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on the pause's id, not on each read of it
  const form = useMemo(() => formOf(pause ?? null), [formFor]);
  const [values, setValues] = useState<ParameterValues>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [resuming, setResuming] = useState(false);

  // A new pause (the run paused again) starts from a fresh form.
  useEffect(() => {
    setValues(initialParameterValues(form.fields));
    setErrors({});
  }, [form]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const read = readInput(form, pause?.inputSchema, values);
    setErrors(read.errors);
    setProblem(null);
    if (Object.keys(read.errors).length > 0) return;
    setResuming(true);
    try {
      await client.resumeFlowRun({ params: { id: run.id }, body: 'input' in read ? { input: read.input } : {} });
      await onResumed();
    } catch (error) {
      if (error instanceof ApiError && error.issues.length > 0) {
        const placed = placeIssues(error.issues, form);
        setErrors(placed.byField);
        setProblem(placed.rest.length > 0 ? `The input does not fit: ${placed.rest.join('; ')}` : null);
      } else {
        setProblem(`Could not resume the run: ${errorMessage(error)}`);
      }
    } finally {
      setResuming(false);
    }
  };

  const reason = pause?.reason ?? run.state.message ?? null;
  // A message beyond the reason: why the input given last time was refused by the flow itself.
  const note = run.state.message && run.state.message !== reason ? run.state.message : null;
  return (
    <section className="fd-notice is-info fd-pause-panel" data-testid="pause-panel" aria-label="Paused">
      <p>
        <strong>Paused</strong>
        {reason ? <span data-testid="pause-reason">: {reason}</span> : null}
        {pause?.timeoutAt ? <span className="fd-muted"> · waits until {new Date(pause.timeoutAt).toLocaleString()}</span> : null}
      </p>
      {note ? <p className="fd-muted">{note}</p> : null}
      {pause === undefined ? (
        <p className="fd-muted">Reading what the pause waits for…</p>
      ) : (
        <form onSubmit={(e) => void submit(e)} data-testid="pause-form">
          <ParameterFields fields={form.fields} values={values} errors={errors} onChange={setValues} idPrefix="fd-pause" />
          {problem ? (
            <p className="fd-field-error" role="alert">
              {problem}
            </p>
          ) : null}
          <button type="submit" className="fd-button is-primary" disabled={resuming} data-testid="resume-run">
            {resuming ? 'Resuming…' : 'Resume'}
          </button>
        </form>
      )}
    </section>
  );
}
