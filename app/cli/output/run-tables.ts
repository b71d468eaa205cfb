import type { FlowRunSummary, TaskRun } from '../../core/index.js';
import type { CliContext } from '../context.js';
import { formatStateName, formatTime, runDuration, shortId } from './format.js';
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
  return renderTable(['ID', 'NAME', 'FLOW', 'STATE', 'STARTED', 'DURATION'], rows, colors.bold);
}

export function renderTaskRunTable(taskRuns: readonly TaskRun[], ids: ReadonlyMap<string, string>, colors: Colors, now = Date.now()): string {
  const rows = taskRuns.map((taskRun) => [
    ids.get(taskRun.id) ?? shortId(taskRun.id),
    taskRun.name,
    formatStateName(taskRun.state, colors),
    String(taskRun.runCount),
    formatTime(taskRun.startTime),
    runDuration(taskRun, now),
    taskRun.tags.join(', '),
  ]);
  return renderTable(['ID', 'NAME', 'STATE', 'ATTEMPTS', 'STARTED', 'DURATION', 'TAGS'], rows, colors.bold);
}
