import { useMemo, useState, type FormEvent } from 'react';
import type { DeploymentRead } from '../../../core/api/deployments.js';
import { ApiError } from '../../../core/api/errors.js';
import { errorMessage } from '../../../core/error-message.js';
import { routeHash } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { showToast } from '../../app/ui-store.js';
import { Modal } from '../../shared/Modal.js';
import { ParameterFields } from '../../shared/ParameterFields.js';
import { collectParameters, type ParameterValues } from '../../shared/parameter-form.js';
import { placeServerProblems } from '../../shared/server-problems.js';
import { deploymentRunForm } from '../model/run-form.js';

/**
 * Asks for the run's parameters (a field each from the deployment's parameter schema, filled with
 * its defaults) and makes a run of it; what the server refuses shows beside the field it names.
 */
export function RunDeploymentDialog({ deployment, onClose, onStarted }: { deployment: DeploymentRead; onClose(): void; onStarted(): void }) {
  const { client } = useServices();
  const form = useMemo(() => deploymentRunForm(deployment), [deployment]);
  const [values, setValues] = useState<ParameterValues>(() => (form.kind === 'fields' ? form.values : {}));
  const [json, setJson] = useState(() => (form.kind === 'json' ? form.text : ''));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  const read = (): Record<string, unknown> | null => {
    if (form.kind === 'fields') {
      const collected = collectParameters(form.fields, values);
      setErrors(collected.errors);
      return Object.keys(collected.errors).length > 0 ? null : collected.parameters;
    }
    try {
      const parsed: unknown = JSON.parse(json.trim() === '' ? '{}' : json);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      setProblem('The parameters must be a JSON object, e.g. {"limit": 10}');
    } catch (e) {
      setProblem(`The parameters are not JSON: ${errorMessage(e)}`);
    }
    return null;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const parameters = read();
    if (parameters === null) return;
    setStarting(true);
    try {
      const run = await client.runDeployment({ params: { id: deployment.id }, body: { parameters } });
      showToast(`Made run ${run.name} of ${deployment.fullName}`);
      onStarted();
    } catch (e) {
      const issues = e instanceof ApiError ? e.issues : [];
      const placed = placeServerProblems(form.kind === 'fields' ? form.fields.map((f) => f.name) : [], errorMessage(e), issues);
      setErrors(placed.byField);
      setProblem(placed.rest.length > 0 ? `The server did not make the run: ${placed.rest.join('; ')}` : null);
    } finally {
      setStarting(false);
    }
  };

  return (
    <Modal title={`Run ${deployment.fullName}`} onCancel={onClose}>
      <form onSubmit={(e) => void submit(e)} data-testid="deployment-run-form">
        <p className="fd-muted">
          Makes a run due now, for a worker of{' '}
          {deployment.workPool === null ? (
            'its serve process'
          ) : (
            <a href={routeHash({ page: 'work-pool', pool: deployment.workPool })}>{deployment.workPool}</a>
          )}{' '}
          to start.
        </p>
        {form.kind === 'fields' ? (
          <>
            {form.fields.length === 0 ? <p className="fd-muted">This flow takes no parameters.</p> : null}
            <ParameterFields fields={form.fields} values={values} errors={errors} onChange={setValues} idPrefix="fd-deployment-param" />
          </>
        ) : (
          <div className="fd-field">
            <label htmlFor="fd-deployment-params">Parameters (JSON)</label>
            <textarea id="fd-deployment-params" className="is-code" rows={5} value={json} onChange={(e) => setJson(e.target.value)} />
            <div className="fd-field-help">Over the deployment's defaults; it was deployed without a parameter schema.</div>
          </div>
        )}
        {problem ? (
          <p className="fd-field-error" role="alert" data-testid="deployment-run-problem">
            {problem}
          </p>
        ) : null}
        <div className="fd-modal-actions">
          <button type="button" className="fd-button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="fd-button is-primary" disabled={starting} data-testid="deployment-run-start">
            {starting ? 'Making the run…' : 'Run'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
