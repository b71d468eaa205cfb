import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Deployment } from '../../../core/api/deployments.js';
import { ApiError } from '../../../core/api/errors.js';
import type { WorkPoolRead } from '../../../core/api/work-pools.js';
import type { FlowFileDescription } from '../../../core/api/workspace.js';
import { errorMessage } from '../../../core/error-message.js';
import { routeHash } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { closeDialog } from '../../app/ui-store.js';
import { Modal } from '../../shared/Modal.js';
import { FlowSelect } from './FlowSelect.js';
import { ParameterFields } from '../../shared/ParameterFields.js';
import { collectParameters, initialParameterValues, parameterFields, type ParameterValues } from '../../shared/parameter-form.js';
import { placeServerProblems } from '../../shared/server-problems.js';
import {
  changedParameters,
  deployErrorField,
  deployRequest,
  exportToDeploy,
  initialDeployForm,
  schedulePreview,
  type DeployField,
  type DeployForm,
  type ScheduleKind,
} from '../model/deploy-form.js';

import './deploy-dialog.css';

type Prepared = { path: string; description: FlowFileDescription } | { error: string };

/** The browser's own time zone, which is where the person deploying reads "03:00". */
function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The server's work pools for the dialog to choose from: null while read, or why they could not be. */
function usePools(): { pools: WorkPoolRead[] | null; error: string | null } {
  const { client } = useServices();
  const [state, setState] = useState<{ pools: WorkPoolRead[] | null; error: string | null }>({ pools: null, error: null });
  useEffect(() => {
    let live = true;
    client.listWorkPools().then(
      (pools) => live && setState({ pools: [...pools].sort((a, b) => a.name.localeCompare(b.name)), error: null }),
      (error: unknown) => live && setState({ pools: [], error: errorMessage(error) }),
    );
    return () => {
      live = false;
    };
  }, [client]);
  return state;
}

/** Deploys a flow of the open file: its name, schedule, work pool and default parameters. */
export function DeployDialog({ prepared }: { prepared: Prepared }) {
  if ('error' in prepared) {
    return (
      <Modal title="Deploy the flow" onCancel={closeDialog}>
        <p className="fd-field-error" role="alert">
          The server could not load this file: {prepared.error}
        </p>
        <div className="fd-modal-actions">
          <button type="button" className="fd-button" onClick={closeDialog}>
            Close
          </button>
        </div>
      </Modal>
    );
  }
  if (prepared.description.flows.length === 0) {
    return (
      <Modal title="Deploy the flow" onCancel={closeDialog}>
        <p className="fd-field-error">This file defines no flow. Export one: export default flow(...).</p>
        <div className="fd-modal-actions">
          <button type="button" className="fd-button" onClick={closeDialog}>
            Close
          </button>
        </div>
      </Modal>
    );
  }
  return <DeployFormDialog path={prepared.path} description={prepared.description} />;
}

function DeployFormDialog({ path, description }: { path: string; description: FlowFileDescription }) {
  const { client } = useServices();
  const { pools, error: poolsError } = usePools();
  const flows = description.flows;
  const [flowName, setFlowName] = useState(() => (flows.find((f) => f.isDefault) ?? flows[0]).name);
  const flow = flows.find((f) => f.name === flowName) ?? flows[0];
  const fields = useMemo(() => parameterFields(flow.parameters), [flow]);
  const exportName = exportToDeploy(flow);
  const [values, setValues] = useState<ParameterValues>(() => initialParameterValues(fields));
  const [form, setForm] = useState<DeployForm>(() => initialDeployForm(localTimeZone(), []));
  const [errors, setErrors] = useState<Partial<Record<DeployField, string>>>({});
  const [parameterErrors, setParameterErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [deployed, setDeployed] = useState<Deployment | null>(null);

  // With one pool there is nothing to choose: it is taken once the pools are read.
  useEffect(() => {
    if (pools?.length === 1) setForm((was) => (was.workPool === '' ? { ...was, workPool: pools[0].name } : was));
  }, [pools]);

  const set = (change: Partial<DeployForm>) => setForm((was) => ({ ...was, ...change }));
  const pool = pools?.find((p) => p.name === form.workPool);
  const preview = schedulePreview(form);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const collected = collectParameters(fields, values);
    setParameterErrors(collected.errors);
    if (exportName === null) return;
    const read = deployRequest(path, exportName, form, changedParameters(fields, collected.parameters));
    if ('errors' in read) {
      setErrors(read.errors);
      return;
    }
    setErrors({});
    if (Object.keys(collected.errors).length > 0) return;
    setBusy(true);
    try {
      setDeployed(await client.deployFlowFile({ body: read.request }));
    } catch (e) {
      const message = errorMessage(e);
      const placed = placeServerProblems(
        fields.map((f) => f.name),
        message,
        e instanceof ApiError ? e.issues : [],
      );
      const field = Object.keys(placed.byField).length === 0 ? deployErrorField(message) : null;
      if (field) setErrors({ [field]: message });
      else {
        setParameterErrors(placed.byField);
        setProblem(placed.rest.length > 0 ? `The server did not deploy it: ${placed.rest.join('; ')}` : null);
      }
    } finally {
      setBusy(false);
    }
  };

  if (deployed) {
    return (
      <Modal title="Deployed" onCancel={closeDialog}>
        <p data-testid="deployed">
          Deployed <strong>{deployed.fullName}</strong>
          {deployed.schedules.length > 0 ? `, ${deployed.schedules.map((s) => s.description).join('; ')}` : ', to run when asked'}, on{' '}
          {deployed.workPool ?? 'its serve process'}.
        </p>
        <div className="fd-modal-actions">
          <button type="button" className="fd-button" onClick={closeDialog}>
            Close
          </button>
          <a className="fd-button is-primary" href={routeHash({ page: 'deployment', deploymentId: deployed.id })} onClick={closeDialog}>
            Open its page
          </a>
        </div>
      </Modal>
    );
  }

  const noPools = pools !== null && pools.length === 0;
  return (
    <Modal title="Deploy the flow" onCancel={closeDialog} wide>
      <form onSubmit={(e) => void submit(e)} data-testid="deploy-form">
        <p className="fd-muted">
          Makes <code>{path}</code> a deployment: its code is stored on the server, and a worker of the chosen pool runs it on the schedule or when
          asked.
        </p>
        <FlowSelect
          id="fd-deploy-flow"
          flows={flows}
          value={flowName}
          onChange={(chosen) => {
            setFlowName(chosen.name);
            setValues(initialParameterValues(parameterFields(chosen.parameters)));
            setParameterErrors({});
          }}
        />
        {exportName === null ? (
          <p className="fd-field-error" role="alert" data-testid="deploy-not-exported">
            This file does not export {flow.name}, so a worker could not load it. Export it where it is made: export const … = flow(…).
          </p>
        ) : null}
        <div className={`fd-field${errors.name ? ' has-error' : ''}`}>
          <label htmlFor="fd-deploy-name">Name</label>
          <input id="fd-deploy-name" value={form.name} spellCheck={false} onChange={(e) => set({ name: e.target.value })} />
          <div className={errors.name ? 'fd-field-error' : 'fd-field-help'}>
            {errors.name ?? `The deployment is ${flow.name}/${form.name.trim() || 'NAME'}; deploying the same name again replaces it.`}
          </div>
        </div>
        <fieldset className="fd-deploy-schedule">
          <legend>Schedule</legend>
          <div role="radiogroup" aria-label="Schedule" className="fd-deploy-kinds">
            {(
              [
                ['none', 'None (run when asked)'],
                ['cron', 'Cron'],
                ['interval', 'Interval'],
              ] as [ScheduleKind, string][]
            ).map(([kind, label]) => (
              <label key={kind}>
                <input
                  type="radio"
                  name="fd-deploy-kind"
                  value={kind}
                  checked={form.scheduleKind === kind}
                  onChange={() => set({ scheduleKind: kind })}
                />{' '}
                {label}
              </label>
            ))}
          </div>
          {form.scheduleKind === 'cron' ? (
            <div className="fd-deploy-row">
              <div className={`fd-field${errors.cron ? ' has-error' : ''}`}>
                <label htmlFor="fd-deploy-cron">Cron</label>
                <input id="fd-deploy-cron" className="is-code" value={form.cron} spellCheck={false} onChange={(e) => set({ cron: e.target.value })} />
                <div className={errors.cron ? 'fd-field-error' : 'fd-field-help'}>{errors.cron ?? 'minute hour day month weekday'}</div>
              </div>
              <div className={`fd-field${errors.timezone ? ' has-error' : ''}`}>
                <label htmlFor="fd-deploy-timezone">Time zone</label>
                <input id="fd-deploy-timezone" value={form.timezone} spellCheck={false} onChange={(e) => set({ timezone: e.target.value })} />
                <div className={errors.timezone ? 'fd-field-error' : 'fd-field-help'}>
                  {errors.timezone ?? 'An IANA name, e.g. Europe/Berlin or UTC'}
                </div>
              </div>
            </div>
          ) : null}
          {form.scheduleKind === 'interval' ? (
            <div className={`fd-field${errors.interval ? ' has-error' : ''}`}>
              <label htmlFor="fd-deploy-interval">Every (seconds)</label>
              <input id="fd-deploy-interval" value={form.interval} spellCheck={false} onChange={(e) => set({ interval: e.target.value })} />
              <div className={errors.interval ? 'fd-field-error' : 'fd-field-help'}>
                {errors.interval ?? 'Seconds, or an ISO 8601 duration such as PT1H'}
              </div>
            </div>
          ) : null}
          {form.scheduleKind !== 'none' ? (
            <p className="fd-muted" data-testid="deploy-schedule-preview">
              {preview ? `Runs ${preview}.` : 'Not a valid schedule yet.'}
            </p>
          ) : null}
        </fieldset>
        {pools === null ? <p className="fd-muted">Reading the work pools…</p> : null}
        {noPools ? (
          <div className="fd-notice is-warning" role="alert" data-testid="deploy-no-pools">
            <span>
              {poolsError
                ? `Could not read the server's work pools: ${poolsError}.`
                : 'The server has no work pool, so nothing could run this deployment. Create one and start a worker for it from a terminal:'}{' '}
              <code>flowdeck work-pool create local</code> then <code>flowdeck worker start --pool local</code>, and open this dialog again.
            </span>
          </div>
        ) : null}
        {pools !== null && pools.length > 0 ? (
          <div className="fd-deploy-row">
            <div className={`fd-field${errors.workPool ? ' has-error' : ''}`}>
              <label htmlFor="fd-deploy-pool">Work pool</label>
              <select id="fd-deploy-pool" value={form.workPool} onChange={(e) => set({ workPool: e.target.value, workQueue: '' })}>
                {form.workPool === '' ? <option value="">Choose a pool…</option> : null}
                {pools.map((p) => (
                  <option key={p.name} value={p.name}>
                    {p.name}
                    {p.paused ? ' (paused)' : ''}
                  </option>
                ))}
              </select>
              <div className={errors.workPool ? 'fd-field-error' : 'fd-field-help'}>
                {errors.workPool ?? (pool ? `${pool.workers.filter((w) => w.status === 'ONLINE').length} worker(s) online` : '')}
              </div>
            </div>
            <div className={`fd-field${errors.workQueue ? ' has-error' : ''}`}>
              <label htmlFor="fd-deploy-queue">Queue</label>
              <select id="fd-deploy-queue" value={form.workQueue} disabled={!pool} onChange={(e) => set({ workQueue: e.target.value })}>
                <option value="">the pool's default</option>
                {pool?.queues.map((q) => (
                  <option key={q.name} value={q.name}>
                    {q.name}
                  </option>
                ))}
              </select>
              <div className={errors.workQueue ? 'fd-field-error' : 'fd-field-help'}>{errors.workQueue ?? ''}</div>
            </div>
          </div>
        ) : null}
        <fieldset className="fd-deploy-parameters">
          <legend>Parameters</legend>
          {fields.length === 0 ? (
            <p className="fd-muted">This flow takes no parameters.</p>
          ) : (
            <p className="fd-muted">Defaults for every run of it.</p>
          )}
          <ParameterFields fields={fields} values={values} errors={parameterErrors} onChange={setValues} idPrefix="fd-deploy-param" />
        </fieldset>
        {problem ? (
          <p className="fd-field-error" role="alert" data-testid="deploy-problem">
            {problem}
          </p>
        ) : null}
        <div className="fd-modal-actions">
          <button type="button" className="fd-button" onClick={closeDialog}>
            Cancel
          </button>
          <button
            type="submit"
            className="fd-button is-primary"
            disabled={busy || pools === null || noPools || exportName === null}
            data-testid="deploy-submit"
          >
            {busy ? 'Deploying…' : 'Deploy'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
