import { useEffect, useState } from 'react';
import type { Dashboard, WaitingRun } from '../../../core/api/dashboard.js';
import { openEventStream } from '../../../core/api/event-stream.js';
import type { StateType } from '../../../core/states.js';
import { formatDuration } from '../../shared/format.js';
import { formatDue } from '../../shared/relative-time.js';
import { useNow } from './use-now.js';
import './dashboard.css';
import { routeHash } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { errorMessage } from '../../../core/error-message.js';
import { ReadFailedNotice } from '../../shared/PageParts.js';

const SPANS = [
  { hours: 1, buckets: 12, label: 'Last hour' },
  { hours: 24, buckets: 24, label: 'Last 24 hours' },
  { hours: 168, buckets: 28, label: 'Last 7 days' },
  { hours: 720, buckets: 30, label: 'Last 30 days' },
] as const;

/** The order the bars stack in, bottom first, and the states drawn. */
const STACKED: readonly StateType[] = ['COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED', 'RUNNING', 'PENDING', 'SCHEDULED', 'PAUSED', 'CANCELLING'];

/** How often the figures are read again with nothing changing on the page: for upcoming and late runs. */
const WAITING_REFRESH_MS = 10_000;

/** The dashboard's figures, read again shortly after runs change. */
function useDashboard(hours: number, buckets: number): { board: Dashboard | null; error: string | null; reload: () => void } {
  const { client, server } = useServices();
  const [board, setBoard] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    client.getDashboard({ query: { hours, buckets } }).then(
      (next) => {
        if (!live) return;
        setBoard(next);
        setError(null);
      },
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [client, hours, buckets, tick]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    // Changes come fast while runs go; one read a second is plenty for a dashboard.
    const stream = openEventStream({
      baseUrl: server.baseUrl,
      ...(server.apiKey ? { apiKey: server.apiKey } : {}),
      events: ['flow-state'],
      onEvent: (event) => {
        if (event.type !== 'state' || event.kind !== 'flow' || timer !== null) return;
        timer = setTimeout(() => {
          timer = null;
          setTick((t) => t + 1);
        }, 1000);
      },
    });
    return () => {
      if (timer !== null) clearTimeout(timer);
      stream.close();
    };
  }, [server]);
  useEffect(() => {
    // Scheduled runs turn Late and new ones are scheduled ahead without a run changing state meanwhile.
    const timer = setInterval(() => setTick((t) => t + 1), WAITING_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  return { board, error, reload: () => setTick((t) => t + 1) };
}

function RunsChart({ board }: { board: Dashboard }) {
  const totals = board.buckets.map((b) => STACKED.reduce((n, type) => n + b.counts[type], 0));
  const top = Math.max(1, ...totals);
  const width = 100 / board.buckets.length;
  return (
    <figure className="fd-chart" data-testid="runs-chart">
      <svg viewBox="0 0 100 40" preserveAspectRatio="none" role="img" aria-label="Runs by state over time">
        {board.buckets.map((bucket, i) => {
          let y = 40;
          return STACKED.filter((type) => bucket.counts[type] > 0).map((type) => {
            const h = (bucket.counts[type] / top) * 38;
            y -= h;
            return (
              <rect key={`${i}-${type}`} className={`fd-chart-bar state-${type}`} x={i * width + width * 0.1} y={y} width={width * 0.8} height={h}>
                <title>
                  {new Date(bucket.start).toLocaleString()}: {bucket.counts[type]} {type.toLowerCase()}
                </title>
              </rect>
            );
          });
        })}
      </svg>
      <figcaption className="fd-chart-axis">
        <span>{new Date(board.since).toLocaleString()}</span>
        <span>
          {formatDuration(board.bucketMs)} per bar · up to {top} runs
        </span>
        <span>now</span>
      </figcaption>
    </figure>
  );
}

/** Deployment runs that have not started: each with its deployment and when it is due. */
function WaitingRuns({ runs, late, now }: { runs: readonly WaitingRun[]; late: boolean; now: number }) {
  return (
    <ul className="fd-plain-list">
      {runs.map((run) => (
        <li key={run.id} data-testid="waiting-run" data-run-id={run.id}>
          <span className={`fd-run-badge state-${run.state.type}`}>{run.state.name}</span>{' '}
          <a href={routeHash({ page: 'run', flowRunId: run.id })}>{run.name}</a>{' '}
          <a className="fd-muted" href={routeHash({ page: 'deployment', deploymentId: run.deploymentId })}>
            {run.deploymentName}
          </a>{' '}
          <span className={late ? 'fd-field-error fd-due' : 'fd-muted fd-due'} title={new Date(run.expectedStartTime).toLocaleString()}>
            {formatDue(run.expectedStartTime, now, late)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** What is running, what failed, and how each flow does, over a span of time. */
export function DashboardPage() {
  const [span, setSpan] = useState<(typeof SPANS)[number]>(SPANS[1]);
  const { board, error, reload } = useDashboard(span.hours, span.buckets);
  // "in 40 s" and "late by 20 s" count on their own while runs wait.
  const now = useNow(board !== null && (board.upcoming.length > 0 || board.late.length > 0));

  return (
    <div className="fd-dashboard" data-testid="dashboard">
      <header className="fd-run-header">
        <h1>Dashboard</h1>
        <select aria-label="Span" value={span.hours} onChange={(e) => setSpan(SPANS.find((s) => s.hours === Number(e.target.value)) ?? SPANS[1])}>
          {SPANS.map((s) => (
            <option key={s.hours} value={s.hours}>
              {s.label}
            </option>
          ))}
        </select>
      </header>
      {error ? <ReadFailedNotice message={`Could not read the dashboard: ${error}`} onRetry={reload} /> : null}
      {!board ? (
        error ? null : (
          <p className="fd-muted">Loading…</p>
        )
      ) : (
        <>
          <section className="fd-tiles" aria-label="Totals">
            {(['COMPLETED', 'FAILED', 'CRASHED', 'RUNNING'] as const).map((type) => (
              <div key={type} className={`fd-tile state-${type}`} data-testid={`total-${type}`}>
                <strong>{board.totals[type]}</strong>
                <span>{type.toLowerCase()}</span>
              </div>
            ))}
          </section>
          <RunsChart board={board} />
          <div className="fd-dashboard-lists">
            <section aria-label="Running now" data-testid="running-now">
              <h2>Running now</h2>
              {board.running.length === 0 ? <p className="fd-muted">Nothing is running.</p> : null}
              <ul className="fd-plain-list">
                {board.running.map((run) => (
                  <li key={run.id}>
                    <span className={`fd-run-badge state-${run.state.type}`}>{run.state.name}</span>{' '}
                    <a href={routeHash({ page: 'run', flowRunId: run.id })}>{run.name}</a> <span className="fd-muted">{run.flowName}</span>
                  </li>
                ))}
              </ul>
            </section>
            <section aria-label="Recent failures" data-testid="recent-failures">
              <h2>Recent failures</h2>
              {board.recentFailures.length === 0 ? <p className="fd-muted">No failures in this span.</p> : null}
              <ul className="fd-plain-list">
                {board.recentFailures.map((run) => (
                  <li key={run.id}>
                    <a href={routeHash({ page: 'run', flowRunId: run.id })}>{run.name}</a> <span className="fd-muted">{run.flowName}</span>{' '}
                    <a className="fd-link" href={routeHash({ page: 'run', flowRunId: run.id, view: 'logs' })} aria-label={`Logs of ${run.name}`}>
                      logs
                    </a>
                    <div className="fd-field-error">{run.state.message ?? run.state.error?.message ?? run.state.name}</div>
                  </li>
                ))}
              </ul>
            </section>
          </div>
          <div className="fd-dashboard-lists">
            <section aria-label="Upcoming runs" data-testid="upcoming-runs">
              <h2>Upcoming runs</h2>
              {board.upcoming.length === 0 ? (
                <p className="fd-muted">
                  No deployment run is scheduled. <a href={routeHash({ page: 'deployments' })}>Deployments</a> run on their schedules.
                </p>
              ) : null}
              <WaitingRuns runs={board.upcoming} late={false} now={now} />
            </section>
            <section aria-label="Late runs" data-testid="late-runs">
              <h2>
                Late runs{' '}
                <span className={board.lateCount > 0 ? 'fd-late-count is-late' : 'fd-late-count'} data-testid="late-count">
                  {board.lateCount}
                </span>
              </h2>
              {board.lateCount === 0 ? <p className="fd-muted">No run is late: each one due has started.</p> : null}
              {board.lateCount > 0 ? (
                <p className="fd-muted">
                  Not started 15 s after their time: is a worker of their pool running? See <a href={routeHash({ page: 'work-pools' })}>Work pools</a>
                  .
                </p>
              ) : null}
              <WaitingRuns runs={board.late} late now={now} />
              {board.lateCount > board.late.length ? <p className="fd-muted">and {board.lateCount - board.late.length} more</p> : null}
            </section>
          </div>
          <section aria-label="Flows" data-testid="flow-success">
            <h2>Success per flow</h2>
            {board.flows.length === 0 ? (
              <p className="fd-muted">
                No runs in this span. Run a flow from the <a href={routeHash({ page: 'builder' })}>builder</a> or with <code>flowdeck run</code>.
              </p>
            ) : (
              <table className="fd-table">
                <thead>
                  <tr>
                    <th>Flow</th>
                    <th>Runs</th>
                    <th>Completed</th>
                    <th>Failed</th>
                    <th>Success rate</th>
                  </tr>
                </thead>
                <tbody>
                  {board.flows.map((flow) => (
                    <tr key={flow.flowName}>
                      <td>{flow.flowName}</td>
                      <td>{flow.runs}</td>
                      <td>{flow.completed}</td>
                      <td>{flow.failed}</td>
                      <td>
                        {flow.successRate === null ? '–' : `${Math.round(flow.successRate * 100)}%`}
                        {flow.successRate !== null ? (
                          <span className="fd-rate" aria-hidden="true">
                            <span style={{ width: `${flow.successRate * 100}%` }} />
                          </span>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </div>
  );
}
