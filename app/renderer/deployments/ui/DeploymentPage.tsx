import { useState } from 'react';
import type { DeploymentRead, DeploymentRun } from '../../../core/api/deployments.js';
import { errorMessage } from '../../../core/error-message.js';
import { routeHash } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { showToast } from '../../app/ui-store.js';
import { formatDue, formatRelative } from '../../shared/relative-time.js';
import { usePolled } from '../../shared/use-polled.js';
import { placementText, scheduleText } from '../model/deployment-text.js';
import { RunDeploymentDialog } from './RunDeploymentDialog.js';
import { PauseToggle, ReadFailedNotice, StaleReadNotice } from '../../shared/PageParts.js';
import './deployments.css';

/** Scheduled runs come due and start: the page is read again this often. */
const REFRESH_MS = 3000;

/** One deployment: its schedules, its next and latest runs, and the buttons to run, pause and resume it. */
export function DeploymentPage({ deploymentId }: { deploymentId: string }) {
  const { client } = useServices();
  const { data, error, reload } = usePolled(() => client.getDeployment({ params: { id: deploymentId } }), `deployment:${deploymentId}`, REFRESH_MS);
  const [running, setRunning] = useState(false);
  const [busy, setBusy] = useState(false);

  const setPaused = async (deployment: DeploymentRead, paused: boolean) => {
    setBusy(true);
    try {
      const params = { params: { id: deployment.id } };
      await (paused ? client.pauseDeployment(params) : client.resumeDeployment(params));
      showToast(`${deployment.fullName} is ${paused ? 'paused' : 'active again'}`);
      reload();
    } catch (e) {
      showToast(`Could not ${paused ? 'pause' : 'resume'} ${deployment.fullName}: ${errorMessage(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  if (data === null) {
    const missing = error !== null && /\b404\b|no deployment/i.test(error);
    return (
      <div className="fd-deployment" data-testid="deployment-page">
        <p>
          <a href={routeHash({ page: 'deployments' })}>← Deployments</a>
        </p>
        {error ? (
          <ReadFailedNotice
            message={missing ? `There is no deployment ${deploymentId}: ${error}` : `Could not read the deployment: ${error}`}
            onRetry={reload}
          />
        ) : (
          <p className="fd-page-status fd-muted">Loading the deployment…</p>
        )}
      </div>
    );
  }

  const now = Date.now();
  return (
    <div className="fd-deployment" data-testid="deployment-page">
      <p>
        <a href={routeHash({ page: 'deployments' })}>← Deployments</a>
      </p>
      <header className="fd-run-header">
        <h1 data-testid="deployment-name">{data.fullName}</h1>
        {data.paused ? (
          <span className="fd-paused-badge" data-testid="deployment-paused">
            Paused
          </span>
        ) : null}
        <span className="fd-spacer" />
        <button type="button" className="fd-button is-primary" data-testid="deployment-run" onClick={() => setRunning(true)}>
          Run…
        </button>
        <PauseToggle paused={data.paused} busy={busy} testIdPrefix="deployment" onToggle={() => void setPaused(data, !data.paused)} />
      </header>
      <StaleReadNotice error={error} />
      {data.description ? <p>{data.description}</p> : null}
      <dl className="fd-deployment-facts">
        <dt>Entrypoint</dt>
        <dd>
          <code>{data.entrypoint}</code>
        </dd>
        <dt>Work pool</dt>
        <dd>
          {data.workPool === null ? placementText(data) : <a href={routeHash({ page: 'work-pool', pool: data.workPool })}>{placementText(data)}</a>}
        </dd>
        {data.version ? (
          <>
            <dt>Version</dt>
            <dd>{data.version}</dd>
          </>
        ) : null}
        {data.tags.length > 0 ? (
          <>
            <dt>Tags</dt>
            <dd>{data.tags.join(', ')}</dd>
          </>
        ) : null}
        <dt>Concurrency</dt>
        <dd>
          {data.concurrencyLimit === null
            ? 'no limit'
            : `${data.concurrencyLimit} at once; more ${data.collisionStrategy === 'ENQUEUE' ? 'wait' : 'are cancelled'}`}
        </dd>
        <dt>Parameters</dt>
        <dd>
          <code>{JSON.stringify(data.parameters)}</code>
        </dd>
      </dl>
      <section aria-label="Schedules" data-testid="deployment-schedules">
        <h2>Schedules</h2>
        {data.schedules.length === 0 ? <p className="fd-muted">No schedule: it runs when asked (Run…, or flowdeck deployment run).</p> : null}
        <ul className="fd-plain-list">
          {data.schedules.map((schedule) => (
            <li key={schedule.id} data-testid="deployment-schedule">
              <span className={schedule.active ? 'fd-active-flag is-on' : 'fd-active-flag'}>{schedule.active ? 'active' : 'inactive'}</span>{' '}
              {scheduleText({ ...schedule, active: true })}
            </li>
          ))}
        </ul>
      </section>
      <div className="fd-dashboard-lists">
        <section aria-label="Next runs" data-testid="deployment-upcoming">
          <h2>Next runs</h2>
          {data.upcoming.length === 0 ? <p className="fd-muted">{data.paused ? 'None while it is paused.' : 'None scheduled.'}</p> : null}
          <ul className="fd-plain-list">
            {data.upcoming.map((run) => (
              <RunItem key={run.id} run={run} now={now} waiting />
            ))}
          </ul>
        </section>
        <section aria-label="Recent runs" data-testid="deployment-recent">
          <h2>Recent runs</h2>
          {data.recent.length === 0 ? <p className="fd-muted">None has started yet.</p> : null}
          <ul className="fd-plain-list">
            {data.recent.map((run) => (
              <RunItem key={run.id} run={run} now={now} waiting={false} />
            ))}
          </ul>
        </section>
      </div>
      {running ? (
        <RunDeploymentDialog
          deployment={data}
          onClose={() => setRunning(false)}
          onStarted={() => {
            setRunning(false);
            reload();
          }}
        />
      ) : null}
    </div>
  );
}

/** A run of the deployment: its state, a link to its page, and when it is due or started. */
function RunItem({ run, now, waiting }: { run: DeploymentRun; now: number; waiting: boolean }) {
  const at = waiting ? run.expectedStartTime : (run.startTime ?? run.expectedStartTime);
  return (
    <li data-testid="deployment-run-item" data-run-id={run.id} data-state={run.state.type}>
      <span className={`fd-run-badge state-${run.state.type}`}>{run.state.name}</span>{' '}
      <a href={routeHash({ page: 'run', flowRunId: run.id })}>{run.name}</a>{' '}
      {at !== null ? (
        <span className="fd-muted" title={new Date(at).toLocaleString()}>
          {waiting ? formatDue(at, now, run.state.name === 'Late') : formatRelative(at, now)}
        </span>
      ) : null}
    </li>
  );
}
