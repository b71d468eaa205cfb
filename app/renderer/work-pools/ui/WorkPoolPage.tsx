import { useState } from 'react';
import type { WorkPoolRead } from '../../../core/api/work-pools.js';
import { errorMessage } from '../../../core/error-message.js';
import { routeHash } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { showToast } from '../../app/ui-store.js';
import { usePolled } from '../../shared/use-polled.js';
import { lastBeatText, limitText, queuesByPriority, runsPerProcessText, workerQueuesText, workersByHealth } from '../model/pool-text.js';
import { PauseToggle, ReadFailedNotice, StaleReadNotice } from '../../shared/PageParts.js';
import { PoolRuns } from './PoolRuns.js';
import './work-pools.css';

/** Heartbeats come every 2 s: the page is read again often enough to follow them. */
const REFRESH_MS = 2000;

/** One work pool: its queues, its workers and their health, and the runs waiting in it. */
export function WorkPoolPage({ pool: name }: { pool: string }) {
  const { client } = useServices();
  const { data, error, reload } = usePolled(() => client.getWorkPool({ params: { pool: name } }), `work-pool:${name}`, REFRESH_MS);
  const [busy, setBusy] = useState(false);

  const setPaused = async (pool: WorkPoolRead, paused: boolean) => {
    setBusy(true);
    try {
      await client.updateWorkPool({ params: { pool: pool.name }, body: { paused } });
      showToast(`Work pool ${pool.name} is ${paused ? 'paused' : 'active again'}`);
      reload();
    } catch (e) {
      showToast(`Could not ${paused ? 'pause' : 'resume'} ${pool.name}: ${errorMessage(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  const back = (
    <p>
      <a href={routeHash({ page: 'work-pools' })}>← Work pools</a>
    </p>
  );
  if (data === null) {
    return (
      <div className="fd-work-pool" data-testid="work-pool-page">
        {back}
        {error ? (
          <ReadFailedNotice message={`Could not read the work pool ${name}: ${error}`} onRetry={reload} />
        ) : (
          <p className="fd-page-status fd-muted">Loading the work pool…</p>
        )}
      </div>
    );
  }

  const now = Date.now();
  return (
    <div className="fd-work-pool" data-testid="work-pool-page">
      {back}
      <header className="fd-run-header">
        <h1 data-testid="work-pool-name">{data.name}</h1>
        <span className="fd-muted">{data.type}</span>
        {data.paused ? (
          <span className="fd-pool-paused" data-testid="work-pool-paused">
            Paused
          </span>
        ) : null}
        <span className="fd-spacer" />
        <PauseToggle paused={data.paused} busy={busy} testIdPrefix="work-pool" onToggle={() => void setPaused(data, !data.paused)} />
      </header>
      <StaleReadNotice error={error} />
      {data.description ? <p>{data.description}</p> : null}
      <section className="fd-tiles" aria-label="Runs" data-testid="work-pool-runs">
        <div className="fd-tile state-SCHEDULED" data-testid="work-pool-waiting">
          <strong>{data.runs.waiting}</strong>
          <span>waiting</span>
        </div>
        <div className={`fd-tile${data.runs.late > 0 ? ' state-FAILED' : ''}`} data-testid="work-pool-late">
          <strong>{data.runs.late}</strong>
          <span>late</span>
        </div>
        <div className="fd-tile state-RUNNING" data-testid="work-pool-running">
          <strong>{data.runs.running}</strong>
          <span>running</span>
        </div>
      </section>
      <p className="fd-muted">
        Concurrency limit: {limitText(data.concurrencyLimit)}. Runs per flow process:{' '}
        <span data-testid="work-pool-runs-per-process">{runsPerProcessText(data.jobTemplate.runsPerProcess)}</span>. Deployments that use this pool
        are on <a href={routeHash({ page: 'deployments' })}>Deployments</a>.
      </p>
      <PoolRuns pool={data.name} />
      <section aria-label="Queues" data-testid="work-pool-queues">
        <h2>Queues</h2>
        <table className="fd-table">
          <thead>
            <tr>
              <th>Queue</th>
              <th title="1 is served first">Priority</th>
              <th>Limit</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {queuesByPriority(data.queues).map((queue) => (
              <tr key={queue.id} data-testid="work-queue-row" data-name={queue.name}>
                <td>
                  {queue.name}
                  {queue.description ? <div className="fd-muted fd-pool-summary">{queue.description}</div> : null}
                </td>
                <td>{queue.priority}</td>
                <td>{limitText(queue.concurrencyLimit)}</td>
                <td>{queue.paused ? <span className="fd-pool-paused">Paused</span> : <span className="fd-muted">Active</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-label="Workers" data-testid="work-pool-workers">
        <h2>Workers</h2>
        {data.workers.length === 0 ? (
          <p className="fd-muted" data-testid="work-pool-no-workers">
            No worker has joined this pool. Start one with <code>flowdeck worker start --pool {data.name}</code>.
          </p>
        ) : (
          <table className="fd-table">
            <thead>
              <tr>
                <th>Worker</th>
                <th>Status</th>
                <th>Last beat</th>
                <th>Queues</th>
                <th>Runs</th>
                <th>Host</th>
              </tr>
            </thead>
            <tbody>
              {workersByHealth(data.workers).map((worker) => (
                <tr key={worker.id} data-testid="worker-row" data-name={worker.name}>
                  <td>{worker.name}</td>
                  <td>
                    <span className={`fd-worker-status is-${worker.status}`} data-testid="worker-status">
                      {worker.status}
                    </span>
                  </td>
                  <td title={new Date(worker.lastHeartbeatAt).toLocaleString()}>{lastBeatText(worker, now)}</td>
                  <td>{workerQueuesText(worker)}</td>
                  <td>
                    {worker.activeRuns}
                    {worker.limit !== null ? ` of ${worker.limit}` : ''}
                  </td>
                  <td className="fd-muted">
                    {worker.hostname ?? '–'}
                    {worker.pid !== null ? ` (pid ${worker.pid})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
