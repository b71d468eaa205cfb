import type { TaskRun } from '../../../core/runs.js';
import { routeHash, type RunPageView } from '../../app/routes.js';
import type { StoppedGroup } from '../model/breakpoints.js';
import { StoppedGroupControls } from './BreakpointControls.js';

/** Stopped task runs of no group listed by name; more are counted, not drawn. */
const LISTED = 20;

/**
 * The task runs of a flow run held at breakpoints: each mapped task's as one group with its
 * controls, each other one as a link that opens its prompt in the task run panel.
 */
export function StoppedRunsBar({
  flowRunId,
  stopped,
  groups,
  view,
  onAnswered,
}: {
  flowRunId: string;
  stopped: readonly TaskRun[];
  groups: readonly StoppedGroup[];
  view: RunPageView;
  onAnswered: () => Promise<void> | void;
}) {
  const grouped = new Set(groups.map((group) => group.taskKey));
  const single = stopped.filter((run) => !grouped.has(run.taskKey));
  return (
    <section className="fd-notice is-info fd-stopped-bar" data-testid="stopped-bar" aria-label="Stopped at breakpoints">
      {groups.map((group) => (
        <StoppedGroupControls key={group.taskKey} flowRunId={flowRunId} group={group} onAnswered={onAnswered} />
      ))}
      {single.length > 0 ? (
        <p>
          Stopped at a breakpoint:{' '}
          {single.slice(0, LISTED).map((run, index) => (
            <span key={run.id}>
              {index > 0 ? ', ' : null}
              <a className="fd-link" href={routeHash({ page: 'run', flowRunId, taskRunId: run.id, view })} data-testid="stopped-run">
                {run.name}
              </a>
            </span>
          ))}
          {single.length > LISTED ? <span className="fd-muted"> and {(single.length - LISTED).toLocaleString('en')} more</span> : null}
        </p>
      ) : null}
    </section>
  );
}
