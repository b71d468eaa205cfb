import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { openEventStream } from '../../../core/api/event-stream.js';
import type { FlowRun } from '../../../core/runs.js';
import { runTime } from '../../../core/run-time.js';
import { isTerminal } from '../../../core/states.js';
import { followFlowRun, type FlowRunFollower, type FlowRunView } from '../../shared/flow-run-live.js';
import { formatDuration } from '../../shared/format.js';
import { routeHash, type RunPageView } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { showToast } from '../../app/ui-store.js';
import { navigate } from '../../app/use-route.js';
import { FlowRunDetails } from './FlowRunDetails.js';
import { LogsView } from './LogsView.js';
import { RunArtifacts } from '../../artifacts/ui/RunArtifacts.js';
import { PausePanel } from './PausePanel.js';
import { TaskRunPanel } from './TaskRunPanel.js';
import { RunAgainDialog } from './RunAgainDialog.js';
import { TimelineView } from './TimelineView.js';
import { errorMessage } from '../../../core/error-message.js';
import { describeDebugRun, groupStoppedRuns, stoppedSummary, stoppedTaskRuns } from '../model/breakpoints.js';
import { StoppedRunsBar } from './StoppedRunsBar.js';
import { flowRunAttempts, shownAttempt, taskRunsOfAttempt, type AttemptChoice } from '../model/attempts.js';
import { AttemptPicker } from './AttemptPicker.js';
import { RerunOfLine, RerunsList } from './RerunLinks.js';
import { RetryButton } from './RetryButton.js';
import './breakpoints.css';
import './reruns.css';

// The graph (React Flow and its layout) loads on its own, so the other views need not wait for it.
const RunGraphView = lazy(() => import('./RunGraphView.js').then((module) => ({ default: module.RunGraphView })));

const TABS: { id: RunPageView; label: string }[] = [
  { id: 'graph', label: 'Graph' },
  { id: 'timeline', label: 'Timeline' },
  { id: 'logs', label: 'Logs' },
  { id: 'artifacts', label: 'Artifacts' },
  { id: 'details', label: 'Details' },
];

/** A deployment's run: its deployment, and the worker that took it or the pool it waits in. */
function deploymentLine(run: FlowRun): string {
  const where = run.workerName ? `worker ${run.workerName}` : run.workPool ? `work pool ${run.workPool}` : 'its serve process';
  return `${run.deploymentName} · ${where}`;
}

/** Follows a flow run live for as long as its page is open. */
function useFlowRun(flowRunId: string): { view: FlowRunView | null; follower: FlowRunFollower | null } {
  const { client, server } = useServices();
  const [view, setView] = useState<FlowRunView | null>(null);
  const [follower, setFollower] = useState<FlowRunFollower | null>(null);
  useEffect(() => {
    const followed = followFlowRun({
      client,
      flowRunId,
      openStream: (options) => openEventStream({ ...options, baseUrl: server.baseUrl, ...(server.apiKey ? { apiKey: server.apiKey } : {}) }),
      onChange: setView,
    });
    setFollower(followed);
    return () => followed.close();
  }, [client, server, flowRunId]);
  return { view, follower };
}

/** One flow run: its graph, timeline, logs and details, live, with the task run picked beside them. */
export function FlowRunPage({ flowRunId, taskRunId, view: tab = 'graph' }: { flowRunId: string; taskRunId?: string; view?: RunPageView }) {
  const { client } = useServices();
  const { view, follower } = useFlowRun(flowRunId);
  // The view is in the address, so a link (or a reload) opens the run on its logs; Back still
  // leaves the run rather than stepping through its views.
  const setTab = (view: RunPageView) => navigate({ page: 'run', flowRunId, ...(taskRunId ? { taskRunId } : {}), view }, { replace: true });
  const [busy, setBusy] = useState(false);
  const [again, setAgain] = useState(false);
  const picked = useMemo(() => (taskRunId ? view?.taskRuns.find((t) => t.id === taskRunId) : undefined), [view, taskRunId]);
  const stopped = useMemo(() => stoppedTaskRuns(view?.taskRuns ?? []), [view]);
  const stoppedGroups = useMemo(() => groupStoppedRuns(stopped), [stopped]);
  // A retried run's views show one attempt at a time: the latest unless another is chosen.
  const [chosenAttempt, setChosenAttempt] = useState<AttemptChoice | null>(null);
  const attempts = useMemo(
    () => flowRunAttempts(view?.taskRuns ?? [], view?.flowStates ?? [], view?.flowRun?.runCount ?? 1),
    [view?.taskRuns, view?.flowStates, view?.flowRun?.runCount],
  );
  const attempt = shownAttempt(attempts, chosenAttempt);
  // The graph draws one attempt; with every attempt chosen it draws the latest.
  const graphAttempt = attempt === 'all' ? attempts.length : attempt;
  const graphRuns = useMemo(() => taskRunsOfAttempt(view?.taskRuns ?? [], graphAttempt), [view?.taskRuns, graphAttempt]);
  const timelineRuns = useMemo(() => taskRunsOfAttempt(view?.taskRuns ?? [], attempt), [view?.taskRuns, attempt]);
  // A task run of another attempt, opened by a link, brings its attempt into view.
  const pickedAttempt = picked?.flowRunAttempt;
  useEffect(() => {
    if (pickedAttempt !== undefined && attempt !== 'all' && pickedAttempt !== attempt) setChosenAttempt(pickedAttempt);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the task run picked changes, not when the attempt shown does
  }, [picked?.id]);

  if (!view || !view.loaded) return <p className="fd-page-status">Loading the flow run…</p>;
  const run = view.flowRun;
  if (!run) {
    return (
      <div className="fd-page-status" role="alert">
        <p>{view.error ?? 'This flow run was not found.'}</p>
        <p>
          <button type="button" className="fd-button" onClick={() => void follower?.refresh()}>
            Try again
          </button>{' '}
          <a href={routeHash({ page: 'runs' })}>Back to the runs</a>
        </p>
      </div>
    );
  }

  const act = async (what: string, action: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await action();
      await follower?.refresh();
    } catch (error) {
      showToast(`Could not ${what}: ${errorMessage(error)}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  const terminal = isTerminal(run.state.type);
  // The server says whether it can run the run's file again; the buttons say why not.
  const cannotRerun = run.rerun.possible ? null : run.rerun.reason;
  // A deployment's run is retried by its pool's workers, from its bundle, whatever the workspace holds.
  const onWorkers = Boolean(run.deploymentId);
  const now = Date.now();
  const elapsed = run.startTime !== null ? (run.endTime ?? (terminal ? run.startTime : now)) - run.startTime : null;
  // Time spent running, as the CLI's inspect says it; elapsed also holds the waits between attempts.
  const ran = runTime(view.flowStates, now);

  return (
    <div className="fd-run-page">
      <header className="fd-run-header">
        <a href={routeHash({ page: 'runs' })} className="fd-link">
          ← Runs
        </a>
        <h1>{run.name}</h1>
        <span className={`fd-run-badge state-${run.state.type}`} data-testid="flow-run-state">
          {run.state.name}
        </span>
        <span className="fd-muted">
          {run.flowName} ·{' '}
          <span data-testid="run-time" title="Time spent running; elapsed also holds the waits between attempts">
            ran {formatDuration(ran)}
          </span>{' '}
          · elapsed {formatDuration(elapsed)} · {view.taskRuns.length} task run{view.taskRuns.length === 1 ? '' : 's'}
        </span>
        {run.deploymentName ? (
          <span className="fd-muted" data-testid="run-deployment">
            {deploymentLine(run)}
          </span>
        ) : null}
        {stopped.length > 0 && !terminal ? (
          <span className="fd-run-badge is-breakpoint" data-testid="stopped-count">
            {stoppedSummary(stopped.length)}
          </span>
        ) : null}
        <span className={`fd-live is-${view.stream}`} title={view.stream === 'open' ? 'Live' : view.stream}>
          {view.stream === 'open' ? (terminal ? 'final' : 'live') : view.stream}
        </span>
        {run.debug ? (
          <span className="fd-run-badge is-debug" data-testid="debug-run" title={describeDebugRun(run.debug)}>
            debug run{run.debug.broken && !terminal ? ' · paused' : ''}
          </span>
        ) : null}
        <span className="fd-spacer" />
        {run.debug && !terminal ? (
          run.debug.broken ? (
            <button
              type="button"
              className="fd-button"
              disabled={busy}
              title="Let every task run go on: those stopped now, and those to come"
              onClick={() => void act('continue the run', () => client.continueFlowRun({ params: { id: run.id }, body: {} }))}
            >
              Continue all
            </button>
          ) : (
            <button
              type="button"
              className="fd-button"
              disabled={busy}
              title="Stop each task run before it starts, until the run is continued; task runs running now finish first"
              onClick={() => void act('pause the run', () => client.breakFlowRun({ params: { id: run.id } }))}
            >
              Pause all
            </button>
          )
        ) : null}
        {!terminal ? (
          <button
            type="button"
            className="fd-button"
            disabled={busy || run.state.type === 'CANCELLING'}
            onClick={() => void act('cancel the run', () => client.cancelFlowRun({ params: { id: run.id } }))}
          >
            Cancel run
          </button>
        ) : null}
        {terminal && run.state.type !== 'COMPLETED' ? (
          <RetryButton
            disabled={busy || (!onWorkers && cannotRerun !== null)}
            reason={onWorkers ? null : cannotRerun}
            where={onWorkers ? (run.workPool ? `on a worker of work pool ${run.workPool}` : 'in its serve process') : 'on the server'}
            onRetry={(all) => {
              // The new attempt is the one to watch.
              setChosenAttempt(null);
              const body = all ? { all: true, source: 'ui' as const } : { source: 'ui' as const };
              void act('retry the run', () =>
                onWorkers ? client.retryFlowRun({ params: { id: run.id }, body }) : client.rerunFlowRun({ params: { id: run.id }, body }),
              );
            }}
          />
        ) : null}
        {terminal ? (
          <span title={cannotRerun ?? undefined}>
            <button
              type="button"
              className="fd-button"
              disabled={busy || cannotRerun !== null}
              title={cannotRerun ?? undefined}
              onClick={() => setAgain(true)}
            >
              Run again…
            </button>
          </span>
        ) : null}
      </header>
      {again && run.rerun.possible ? (
        <RunAgainDialog
          run={run}
          path={run.rerun.path}
          flowName={run.rerun.flowName}
          onClose={() => setAgain(false)}
          onStart={async (parameters) => {
            const { flowRunId: next } = await client.runFlowRunAgain({ params: { id: run.id }, body: { parameters } });
            setAgain(false);
            navigate({ page: 'run', flowRunId: next });
          }}
        />
      ) : null}
      {run.rerunOf ? <RerunOfLine link={run.rerunOf} /> : null}
      {run.reruns && run.reruns.length > 0 ? <RerunsList reruns={run.reruns} taskRuns={view.taskRuns} /> : null}
      {view.error ? (
        <p className="fd-notice is-error" role="alert">
          {view.error}
        </p>
      ) : null}
      {run.state.type === 'PAUSED' ? (
        <PausePanel run={run} onResumed={() => follower?.refresh()} />
      ) : run.state.message && !terminal ? (
        <p className="fd-muted">{run.state.message}</p>
      ) : null}
      {stopped.length > 0 && !terminal ? (
        <StoppedRunsBar flowRunId={run.id} stopped={stopped} groups={stoppedGroups} view={tab} onAnswered={() => follower?.refresh()} />
      ) : null}
      <nav className="fd-tabs fd-run-tabs" role="tablist" aria-label="Views of the run">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={`fd-tab${tab === t.id ? ' is-active' : ''}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </nav>
      {tab === 'graph' || tab === 'timeline' ? (
        <AttemptPicker
          attempts={attempts}
          shown={tab === 'graph' ? graphAttempt : attempt}
          allowAll={tab === 'timeline'}
          onChoose={setChosenAttempt}
        />
      ) : null}
      <div className={`fd-run-body${picked ? ' has-panel' : ''}`}>
        <section className="fd-run-view" role="tabpanel">
          {tab === 'graph' ? (
            <Suspense fallback={<p className="fd-page-status">Loading the graph…</p>}>
              <RunGraphView key={graphAttempt} view={view} taskRuns={graphRuns} selected={taskRunId} />
            </Suspense>
          ) : null}
          {tab === 'timeline' ? (
            <TimelineView view={view} taskRuns={timelineRuns} bands={attempt === 'all' ? attempts : null} selected={taskRunId} />
          ) : null}
          {tab === 'logs' ? <LogsView view={view} onLoadEarlier={() => void follower?.loadEarlier()} /> : null}
          {tab === 'artifacts' ? <RunArtifacts flowRunId={run.id} ended={terminal} /> : null}
          {tab === 'details' ? <FlowRunDetails view={view} /> : null}
        </section>
        {picked ? (
          <TaskRunPanel
            flowRunId={run.id}
            flowRun={run}
            run={picked}
            history={view.histories.get(picked.id) ?? []}
            view={tab}
            subflow={view.subflows.get(picked.id)}
            stoppedGroup={stoppedGroups.find((group) => group.taskRunIds.includes(picked.id))}
            onAnswered={() => follower?.refresh()}
          />
        ) : null}
      </div>
    </div>
  );
}
