import { routeHash } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { usePolled } from '../../shared/use-polled.js';
import { limitText, sortPools, workersText } from '../model/pool-text.js';
import { PoolsEmpty } from './PoolsEmpty.js';
import './work-pools.css';
import { ReadFailedNotice } from '../../shared/PageParts.js';

/** Workers come and go and runs wait: the list is read again this often. */
const REFRESH_MS = 3000;

/** Every work pool: its kind, whether it takes work, its limit, its workers and what waits in it. */
export function WorkPoolsPage() {
  const { client } = useServices();
  const { data, error, reload } = usePolled(() => client.listWorkPools(), 'work-pools', REFRESH_MS);
  return (
    <div className="fd-work-pools" data-testid="work-pools-page">
      <header className="fd-run-header">
        <h1>Work pools</h1>
      </header>
      {error ? <ReadFailedNotice message={`Could not read the work pools: ${error}`} onRetry={reload} /> : null}
      {data === null ? (
        error ? null : (
          <p className="fd-page-status fd-muted">Loading work pools…</p>
        )
      ) : data.length === 0 ? (
        <PoolsEmpty />
      ) : (
        <table className="fd-table fd-pools-table" data-testid="work-pools-table">
          <thead>
            <tr>
              <th>Pool</th>
              <th>Type</th>
              <th>Status</th>
              <th>Limit</th>
              <th>Workers</th>
              <th title="Scheduled runs due within a minute or already due">Waiting</th>
              <th title="Scheduled runs not started 15 s after their time">Late</th>
              <th>Running</th>
            </tr>
          </thead>
          <tbody>
            {sortPools(data).map((pool) => (
              <tr key={pool.id} data-testid="work-pool-row" data-name={pool.name}>
                <td>
                  <a href={routeHash({ page: 'work-pool', pool: pool.name })}>{pool.name}</a>
                  {pool.description ? <div className="fd-muted fd-pool-summary">{pool.description}</div> : null}
                </td>
                <td>{pool.type}</td>
                <td>{pool.paused ? <span className="fd-pool-paused">Paused</span> : <span className="fd-muted">Active</span>}</td>
                <td>{limitText(pool.concurrencyLimit)}</td>
                <td>{workersText(pool)}</td>
                <td data-testid="pool-waiting">{pool.runs.waiting}</td>
                <td data-testid="pool-late" className={pool.runs.late > 0 ? 'fd-pool-late' : undefined}>
                  {pool.runs.late}
                </td>
                <td data-testid="pool-running">{pool.runs.running}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
