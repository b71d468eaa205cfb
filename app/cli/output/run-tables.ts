import type { FlowRunSummary, State, TaskRun } from '../../core/index.js';
import type { CliContext } from '../context.js';
import { formatRunTime, formatStateName, formatTime, runDuration, shortId } from './format.js';
import { renderTable } from './table.js';

type Colors = CliContext['colors'];

/** `ids` maps full ids to the short forms to show; ids missing from it are cut to 8 characters. */
export function renderFlowRunTable(runs: readonly FlowRunSummary[], ids: ReadonlyMap<string, string>, colors: Colors, now = Date.now()): string {
  const rows = runs.map((run) => [
    ids.get(run.id) ?? shortId(run.id),
    run.name,
    run.flowName,
    formatStateName(run.state, colors),
    formatTime(run.startTime),
    runDuration(run, now),
  ]);
  // Elapsed, start to end: a listing has no state histories to sum the time spent running from.
  return renderTable(['ID', 'NAME', 'FLOW', 'STATE', 'STARTED', 'ELAPSED'], rows, colors.bold);
}

/** `histories` holds each task run's states, for its run time: the time spent running, retries' waits left out. */
export function renderTaskRunTable(
  taskRuns: readonly TaskRun[],
  ids: ReadonlyMap<string, string>,
  histories: ReadonlyMap<string, readonly State[]>,
  colors: Colors,
  now = Date.now(),
): string {
  // A retried flow run's attempts each made their own task runs: which one made each is shown.
  const retried = new Set(taskRuns.map((t) => t.flowRunAttempt)).size > 1;
  const rows = taskRuns.map((taskRun) => [
    ids.get(taskRun.id) ?? shortId(taskRun.id),
    taskRun.name,
    ...(retried ? [String(taskRun.flowRunAttempt)] : []),
    formatStateName(taskRun.state, colors),
    String(taskRun.runCount),
    formatTime(taskRun.startTime),
    formatRunTime(histories.get(taskRun.id) ?? [], now),
    runDuration(taskRun, now),
    taskRun.tags.join(', '),
  ]);
  const headers = ['ID', 'NAME', ...(retried ? ['FLOW ATTEMPT'] : []), 'STATE', 'ATTEMPTS', 'STARTED', 'RUN TIME', 'ELAPSED', 'TAGS'];
  return renderTable(headers, rows, colors.bold);
}
