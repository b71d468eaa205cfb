import { useState, type FormEvent } from 'react';
import type { FlowRunRead } from '../../../core/api/flow-runs.js';
import type { TaskRun } from '../../../core/runs.js';
import { errorMessage } from '../../../core/error-message.js';
import { useServices } from '../../app/services-context.js';
import { navigate } from '../../app/use-route.js';
import { prefilledInputs, runFromRefusal, runFromRequest, type RerunCode } from '../model/reruns.js';

const CODE_CHOICES: { value: RerunCode; label: string }[] = [
  { value: 'current', label: 'The file as it is now' },
  { value: 'original', label: 'The code of the original run' },
];

/**
 * Runs a finished run again from one of its task runs, as a new run: that task run and every call
 * after it run again (with the inputs given here), the rest reuse their recorded results.
 */
export function RunFromHere({ flowRun, taskRun }: { flowRun: FlowRunRead; taskRun: TaskRun }) {
  const { client } = useServices();
  const prefilled = prefilledInputs(taskRun.inputs);
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(prefilled);
  const [code, setCode] = useState<RerunCode>('current');
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const refusal = runFromRefusal(flowRun.state.type) ?? (flowRun.rerun.possible ? null : flowRun.rerun.reason);

  if (!open) {
    return (
      <section className="fd-run-from" aria-label="Run from here">
        <button type="button" className="fd-button" disabled={refusal !== null} title={refusal ?? undefined} onClick={() => setOpen(true)}>
          Run from here…
        </button>
        {refusal ? (
          <p className="fd-muted" data-testid="run-from-refusal">
            {refusal}
          </p>
        ) : null}
      </section>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const request = runFromRequest(taskRun.id, text, prefilled, code);
    if ('error' in request) return setError(request.error);
    setStarting(true);
    setError(null);
    try {
      const { flowRunId } = await client.runFlowRunFromTask({ params: { id: flowRun.id }, body: request.body });
      navigate({ page: 'run', flowRunId });
    } catch (e) {
      setError(errorMessage(e));
      setStarting(false);
    }
  };
  const inputsId = `fd-run-from-inputs-${taskRun.id}`;
  return (
    <form className="fd-run-from" data-testid="run-from-form" onSubmit={(e) => void submit(e)} aria-label="Run from here">
      <h3>Run from here</h3>
      <p className="fd-muted">
        A new run of <code>{flowRun.flowName}</code>: {taskRun.name} and every task run after it run again; the task runs before it reuse their
        results.
      </p>
      <div className="fd-field">
        <label htmlFor={inputsId}>Inputs of {taskRun.name} (a JSON array of its arguments)</label>
        <textarea
          id={inputsId}
          className="is-code"
          rows={Math.min(12, Math.max(3, text.split('\n').length))}
          value={text}
          data-testid="run-from-inputs"
          onChange={(e) => setText(e.target.value)}
          aria-invalid={error !== null}
        />
        {prefilled === '' ? (
          <div className="fd-field-help">Its inputs cannot be edited as JSON; leave this empty to run it with its own arguments.</div>
        ) : (
          <div className="fd-field-help">Unchanged, it runs with its own arguments.</div>
        )}
      </div>
      <fieldset className="fd-field">
        <legend>Code</legend>
        {CODE_CHOICES.map((choice) => (
          <label key={choice.value} className="fd-radio">
            <input
              type="radio"
              name={`fd-run-from-code-${taskRun.id}`}
              value={choice.value}
              checked={code === choice.value}
              onChange={() => setCode(choice.value)}
            />{' '}
            {choice.label}
          </label>
        ))}
      </fieldset>
      {error ? (
        <p className="fd-field-error" role="alert" data-testid="run-from-error">
          {error}
        </p>
      ) : null}
      <div className="fd-form-actions">
        <button type="button" className="fd-button" onClick={() => setOpen(false)}>
          Cancel
        </button>
        <button type="submit" className="fd-button is-primary" disabled={starting} data-testid="run-from-start">
          {starting ? 'Starting…' : 'Run from here'}
        </button>
      </div>
    </form>
  );
}
