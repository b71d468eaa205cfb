import type { FlowRunSummary } from '../../../core/runs.js';
import { routeHash } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { formatRelative } from '../../shared/relative-time.js';
import { usePolled } from '../../shared/use-polled.js';
import { dueAt, POOL_RUNS_SHOWN, poolRunQueries, poolRunsFrom, runningSince, waitText } from '../model/pool-runs.js';
import { ReadFailedNotice } from '../../shared/PageParts.js';

/** Read as often as the pool's counts, so the lists and the counts change together. */
const REFRESH_MS = 2000;

/** The runs of a pool that wait for a worker and those its workers run, each linking to its page. */
export function PoolRuns({ pool }: { pool: string }) {
  const { client } = useServices();
  const { data, error, reload } = usePolled(
    async () => {
      const queries = poolRunQueries(pool);
      const [waiting, running] = await Promise.all([
        client.listFlowRuns({ query: queries.waiting }),
        client.listFlowRuns({ query: queries.running }),
      ]);
      return poolRunsFrom(waiting, running);
    },
    `work-pool-runs:${pool}`,
    REFRESH_MS,
  );
  const allRuns = (
    <a href={routeHash({ page: 'runs', pool })} data-testid="work-pool-all-runs">
      All runs of this pool
    </a>
  );
  if (data === null) {
    return (
      <section aria-label="Waiting and running runs" data-testid="work-pool-run-lists">
        {error ? (
          <ReadFailedNotice message={`Could not read the runs of ${pool}: ${error}`} onRetry={reload} />
        ) : (
          <p className="fd-muted">Loading the runs…</p>
        )}
      </section>
    );
  }
  const now = Date.now();
  return (
    <section aria-label="Waiting and running runs" data-testid="work-pool-run-lists">
      {error ? (
        <p className="fd-muted" role="status">
          The runs below may be out of date: {error}
        </p>
      ) : null}
      <section aria-label="Waiting runs" data-testid="work-pool-waiting-runs">
        <h2>Waiting</h2>
        <p className="fd-muted fd-pool-summary">Runs not started yet: scheduled, late, waiting to retry, or claimed by a worker and starting.</p>
        {data.waiting.length === 0 ? (
          <p className="fd-muted" data-testid="work-pool-no-waiting">
            No runs waiting in pool {pool}
          </p>
        ) : (
          <table className="fd-table">
            <thead>
              <tr>
                <th>Run</th>
                <th>State</th>
                <th>Due</th>
                <th>Deployment</th>
                <th>Queue</th>
              </tr>
            </thead>
            <tbody>
              {data.waiting.map((run) => (
                <WaitingRow key={run.id} run={run} now={now} />
              ))}
            </tbody>
          </table>
        )}
        {data.moreWaiting ? <p className="fd-muted">The {POOL_RUNS_SHOWN} waiting longest are listed; more wait.</p> : null}
      </section>
      <section aria-label="Running runs" data-testid="work-pool-running-runs">
        <h2>Running</h2>
        {data.running.length === 0 ? (
          <p className="fd-muted" data-testid="work-pool-none-running">
            No runs running in pool {pool}
          </p>
        ) : (
          <table className="fd-table">
            <thead>
              <tr>
                <th>Run</th>
                <th>State</th>
                <th>Worker</th>
                <th>Since</th>
              </tr>
            </thead>
            <tbody>
              {data.running.map((run) => (
                <tr key={run.id} data-testid="pool-running-run" data-run-id={run.id}>
                  <td>
                    <RunLink run={run} />
                  </td>
                  <td>
                    <StateBadge run={run} />
                  </td>
                  <td>{run.workerName ?? '–'}</td>
                  <td title={new Date(runningSince(run)).toLocaleString()}>{formatRelative(runningSince(run), now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data.moreRunning ? <p className="fd-muted">The {POOL_RUNS_SHOWN} running longest are listed; more run.</p> : null}
      </section>
      <p>{allRuns}</p>
    </section>
  );
}

function WaitingRow({ run, now }: { run: FlowRunSummary; now: number }) {
  const due = dueAt(run);
  return (
    <tr data-testid="pool-waiting-run" data-run-id={run.id}>
      <td>
        <RunLink run={run} />
      </td>
      <td>
        <StateBadge run={run} />
      </td>
      <td className={run.state.name === 'Late' ? 'fd-pool-late' : undefined} title={due === null ? undefined : new Date(due).toLocaleString()}>
        {waitText(run, now)}
      </td>
      <td>
        {run.deploymentId ? (
          <a className="fd-muted" href={routeHash({ page: 'deployment', deploymentId: run.deploymentId })}>
            {run.deploymentName ?? run.deploymentId}
          </a>
        ) : (
          '–'
        )}
      </td>
      <td>{run.workQueue ?? '–'}</td>
    </tr>
  );
}

function RunLink({ run }: { run: FlowRunSummary }) {
  return (
    <a href={routeHash({ page: 'run', flowRunId: run.id })} data-testid="pool-run-link">
      {run.name}
    </a>
  );
}

function StateBadge({ run }: { run: FlowRunSummary }) {
  return <span className={`fd-run-badge state-${run.state.type}`}>{run.state.name}</span>;
}
