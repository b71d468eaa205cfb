import type { FlowRunSummary, TaskRun } from '../../../core/runs.js';
import { elapsedTime, runTime } from '../../../core/run-time.js';
import type { State } from '../../../core/states.js';
import { runTimeline } from '../model/timeline.js';
import { formatDuration, shownValue, stackFrames } from '../../shared/format.js';
import { routeHash, type RunPageView } from '../../app/routes.js';
import { isAtBreakpoint } from '../../../core/debugging.js';
import { debugMark } from '../../shared/node-states.js';
import type { StoppedGroup } from '../model/breakpoints.js';
import { BreakpointControls, StoppedGroupControls } from './BreakpointControls.js';
import type { FlowRunRead } from '../../../core/api/flow-runs.js';
import { ReusedFromLine } from './RerunLinks.js';
import { RunFromHere } from './RunFromHere.js';

/** A stored value, cut safely when it is large. */
export function ValueBlock({ text, testId }: { text: string | null; testId?: string }) {
  const shown = shownValue(text);
  return (
    <>
      <pre className="fd-value" data-testid={testId}>
        {shown.text}
      </pre>
      {shown.cut ? <p className="fd-muted">… {shown.cut.toLocaleString()} more characters not shown</p> : null}
    </>
  );
}

/** Everything about one task run: inputs, result, every attempt with its error, cache, and the subflow run it started. */
export function TaskRunPanel({
  flowRunId,
  flowRun,
  run,
  history,
  view,
  subflow,
  stoppedGroup,
  onAnswered,
}: {
  flowRunId: string;
  /** The flow run it is of, for running it again from this task run. */
  flowRun?: FlowRunRead;
  run: TaskRun;
  history: readonly State[];
  view?: RunPageView;
  subflow?: FlowRunSummary;
  /** The stopped runs of its task, when it is one of several stopped: they are answered as one. */
  stoppedGroup?: StoppedGroup;
  /** After an answer to a breakpoint: the run is read again. */
  onAnswered: () => Promise<void> | void;
}) {
  const attempts = runTimeline(history).attempts;
  const cached = run.state.name === 'Cached' || history.some((s) => s.name === 'Cached');
  return (
    <aside className="fd-task-panel" aria-label={`Task run ${run.name}`} data-testid="task-panel">
      <header>
        <h2>{run.name}</h2>
        <span className={`fd-run-badge state-${run.state.type}`} data-testid="task-state">
          {run.state.name}
        </span>
        <a className="fd-button" href={routeHash({ page: 'run', flowRunId, ...(view ? { view } : {}) })} aria-label="Close the task run panel">
          ✕
        </a>
      </header>
      {isAtBreakpoint(run.state) ? (
        stoppedGroup ? (
          <section className="fd-breakpoint" data-testid="breakpoint-panel" aria-label="Stopped at a breakpoint">
            <h3>Stopped at a breakpoint</h3>
            <p className="fd-muted">{run.state.message ?? 'stopped at a breakpoint'}</p>
            <StoppedGroupControls flowRunId={flowRunId} group={stoppedGroup} onAnswered={onAnswered} keys />
          </section>
        ) : (
          <BreakpointControls key={run.id} run={run} onAnswered={onAnswered} />
        )
      ) : null}
      {debugMark(run.state) === 'skipped' || debugMark(run.state) === 'pinned' ? (
        <p className="fd-muted" data-testid="task-debug-note">
          {debugMark(run.state) === 'skipped'
            ? 'Skipped at a breakpoint: it did not run; its result is the one given.'
            : 'Pinned: it did not run; its result is its pin.'}
        </p>
      ) : null}
      {run.reusedFrom ? <ReusedFromLine flowRunId={flowRunId} reusedFrom={run.reusedFrom} /> : null}
      <dl className="fd-facts">
        <dt>Task</dt>
        <dd>
          <code>{run.taskKey}</code>
        </dd>
        {subflow ? (
          <>
            <dt>Subflow run</dt>
            <dd>
              <a className="fd-link" href={routeHash({ page: 'run', flowRunId: subflow.id })} data-testid="task-subflow">
                {subflow.name} ›
              </a>
            </dd>
          </>
        ) : null}
        <dt>Run time</dt>
        <dd data-testid="task-run-time">{formatDuration(runTime(history, Date.now()))}</dd>
        <dt>Elapsed</dt>
        <dd title="From the first start to the end, the waits between attempts included">{formatDuration(elapsedTime(run, Date.now()))}</dd>
        <dt>Attempts</dt>
        <dd>{run.reusedFrom ? 'none: it did not run' : `${run.runCount} of ${run.retryPolicy.retries + 1} allowed`}</dd>
        <dt>Cache</dt>
        <dd data-testid="task-cache">
          {run.reusedFrom ? (
            'reused a recorded result'
          ) : run.cacheKey ? (
            <>
              {cached ? 'hit' : 'miss'} · key <code>{run.cacheKey}</code>
            </>
          ) : (
            'not cached'
          )}
        </dd>
        {run.tags.length ? (
          <>
            <dt>Tags</dt>
            <dd>{run.tags.join(', ')}</dd>
          </>
        ) : null}
      </dl>
      <h3>Inputs</h3>
      <ValueBlock text={run.inputs} testId="task-inputs" />
      <h3>Result</h3>
      <ValueBlock text={run.result} testId="task-result" />
      {flowRun ? <RunFromHere key={run.id} flowRun={flowRun} taskRun={run} /> : null}
      <h3>Attempts</h3>
      {attempts.length === 0 ? (
        <p className="fd-muted" data-testid="task-no-attempts">
          {run.reusedFrom ? 'It did not run: it reused a recorded result.' : 'Not started yet.'}
        </p>
      ) : null}
      <ol className="fd-attempts" data-testid="task-attempts">
        {attempts.map((attempt) => (
          <li key={attempt.attempt} className={`state-${attempt.outcome ?? 'RUNNING'}`}>
            <div>
              <strong>Attempt {attempt.attempt}</strong> · {attempt.retried ? 'Failed, retried' : (attempt.endedAs ?? 'Running')} ·{' '}
              {formatDuration((attempt.end ?? Date.now()) - attempt.start)}
            </div>
            {attempt.error ? (
              <details open={attempt.attempt === attempts.length || attempts.length <= 3}>
                <summary className="fd-field-error">
                  {attempt.error.name}: {attempt.error.message}
                </summary>
                {stackFrames(attempt.error) !== null ? <pre className="fd-stack">{stackFrames(attempt.error)}</pre> : null}
              </details>
            ) : attempt.message ? (
              <div className="fd-muted">{attempt.message}</div>
            ) : null}
          </li>
        ))}
      </ol>
    </aside>
  );
}
