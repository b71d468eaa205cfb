import { useServices } from '../../app/services-context.js';
import { routeHash } from '../../app/routes.js';
import { usePolled } from '../../shared/use-polled.js';
import { nextRunText, placementText, schedulesText, sortDeployments } from '../model/deployment-text.js';
import './deployments.css';
import { ReadFailedNotice } from '../../shared/PageParts.js';

/** Next runs come due and pass: the list is read again this often. */
const REFRESH_MS = 5000;

/** Every deployment: what it runs, when, where, and when next. */
export function DeploymentsPage() {
  const { client } = useServices();
  const { data, error, reload } = usePolled(() => client.listDeployments({ query: {} }), 'deployments', REFRESH_MS);
  const now = Date.now();
  return (
    <div className="fd-deployments" data-testid="deployments-page">
      <header className="fd-run-header">
        <h1>Deployments</h1>
      </header>
      {error ? <ReadFailedNotice message={`Could not read the deployments: ${error}`} onRetry={reload} /> : null}
      {data === null ? (
        error ? null : (
          <p className="fd-page-status fd-muted">Loading deployments…</p>
        )
      ) : data.length === 0 ? (
        <div className="fd-empty-state" data-testid="deployments-empty">
          <h2>No deployments yet</h2>
          <p>
            A deployment runs a flow on a schedule or when asked, on the workers of a work pool. Describe it in <code>flowdeck.yaml</code> and deploy
            it from a terminal:
          </p>
          <pre className="fd-empty-command">flowdeck deploy nightly</pre>
          <p>
            or deploy one flow file at once with <code>flowdeck deploy flows/etl.ts --name nightly --cron "0 3 * * *"</code>, or with{' '}
            <strong>Deploy…</strong> in the <a href={routeHash({ page: 'builder' })}>builder</a>.
          </p>
        </div>
      ) : (
        <table className="fd-table fd-deployments-table" data-testid="deployments-table">
          <thead>
            <tr>
              <th>Deployment</th>
              <th>Schedules</th>
              <th>Work pool</th>
              <th>Next run</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {sortDeployments(data).map((deployment) => (
              <tr key={deployment.id} data-testid="deployment-row" data-name={deployment.fullName}>
                <td>
                  <a href={routeHash({ page: 'deployment', deploymentId: deployment.id })}>{deployment.fullName}</a>
                  {deployment.description ? <div className="fd-muted fd-deployment-summary">{deployment.description}</div> : null}
                </td>
                <td>{schedulesText(deployment.schedules)}</td>
                <td>
                  {deployment.workPool === null ? (
                    placementText(deployment)
                  ) : (
                    <a href={routeHash({ page: 'work-pool', pool: deployment.workPool })}>{placementText(deployment)}</a>
                  )}
                </td>
                <td title={deployment.nextRunAt !== null ? new Date(deployment.nextRunAt).toLocaleString() : undefined}>
                  {nextRunText(deployment, now)}
                </td>
                <td>{deployment.paused ? <span className="fd-paused-badge">Paused</span> : <span className="fd-muted">Active</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
