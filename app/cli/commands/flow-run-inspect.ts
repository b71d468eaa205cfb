import type { RerunLink } from '../../core/index.js';
import type { CommandRun } from '../command.js';
import type { RunsSource } from '../runs-source/runs-source.js';
import { EXIT_OK } from '../errors.js';
import { describeAttempts, describeJson, describeTags, oneLine } from '../output/describe.js';
import { indent, renderFields, type Field } from '../output/fields.js';
import { formatStateName, formatTime, timeFields } from '../output/format.js';
import { renderFlowRunTable, renderTaskRunTable } from '../output/run-tables.js';
import { renderTable } from '../output/table.js';
import { renderCurrentErrorStack, renderStateHistory } from '../output/state-history.js';
import { findFlowRun, flag } from '../command-helpers.js';

/** How many subflow runs are listed; a parent that started more says so. */
const SUBFLOW_RUNS_SHOWN = 200;

/** "the run's id (name), from task run ID (name)": where a run from a task came from. */
async function describeRerunOf(source: RunsSource, link: RerunLink): Promise<string> {
  const [original, taskRun] = await Promise.all([source.getFlowRun(link.flowRunId), source.getTaskRun(link.taskRunId)]);
  return `${link.flowRunId}${original ? ` (${original.name})` : ''}\nfrom task run ${link.taskRunId}${taskRun ? ` (${taskRun.name})` : ''}`;
}

/** `flowdeck flow-run inspect`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.runs();
  const run = await findFlowRun(source, args.positionals[0]);
  const [states, taskRuns, newestChildren] = await Promise.all([
    source.listStates('flow', run.id),
    source.listTaskRuns(run.id),
    source.listFlowRuns({ parentFlowRunId: run.id, stateTypes: [], stateNames: [], limit: SUBFLOW_RUNS_SHOWN }),
  ]);
  const subflowRuns = newestChildren.slice().reverse();
  if (flag(args, 'json')) {
    ctx.printJson({ ...run, states, taskRuns, subflowRuns });
    return EXIT_OK;
  }
  const { colors } = ctx;
  let parent = '-';
  if (run.parentFlowRunId !== null) {
    const parentRun = await source.getFlowRun(run.parentFlowRunId);
    parent = `${run.parentFlowRunId}${parentRun ? ` (${parentRun.name})` : ''}`;
    if (run.parentTaskRunId !== null) {
      const parentTask = await source.getTaskRun(run.parentTaskRunId);
      parent += `\nas task run ${run.parentTaskRunId}${parentTask ? ` (${parentTask.name})` : ''}`;
    }
  }
  const stateLine = `${formatStateName(run.state, colors)}${run.state.message ? ` ${colors.dim(oneLine(run.state.message))}` : ''}`;
  const fields: Field[] = [
    ['id', run.id],
    ['name', run.name],
    ['flow', run.flowName],
    ['state', stateLine],
    ['parameters', describeJson(run.parameters)],
    ['tags', describeTags(run.tags)],
    ['parent', parent],
    ['entrypoint', run.entrypoint ?? '-'],
    ['attempts', describeAttempts(run.runCount, run.retryPolicy)],
    ['created', formatTime(run.createdAt)],
    ['started', formatTime(run.startTime)],
    ['ended', formatTime(run.endTime)],
    ...timeFields(run, states),
  ];
  if (run.rerunOf) fields.push(['run from', await describeRerunOf(source, run.rerunOf)]);
  if (run.pid !== null) fields.push(['process', `${run.pid}${run.hostname ? ` on ${run.hostname}` : ''}`]);
  fields.push(['result', run.result ?? '-']);

  ctx.print(colors.bold(`Flow run ${run.name}`));
  ctx.print(renderFields(fields));
  ctx.print();
  ctx.print(colors.bold('State history'));
  ctx.print(indent(renderStateHistory(states, colors)));
  const stack = renderCurrentErrorStack(run.state);
  if (stack !== null) {
    ctx.print();
    ctx.print(colors.bold('Error'));
    ctx.print(indent(stack));
  }
  ctx.print();
  // A subflow called by the flow's own code is a task run named after it, which the child links to.
  const subflowCalls = new Set(subflowRuns.map((child) => child.parentTaskRunId));
  const callCount = taskRuns.filter((t) => subflowCalls.has(t.id)).length;
  ctx.print(colors.bold(`Task runs (${taskRuns.length}${callCount > 0 ? `, ${callCount} of them subflow calls` : ''})`));
  if (taskRuns.length === 0) ctx.print(indent('None.'));
  else {
    const [ids, histories] = await Promise.all([
      source.uniqueIdPrefixes(
        'task',
        taskRuns.map((t) => t.id),
      ),
      source.listTaskRunHistories(run.id),
    ]);
    ctx.print(indent(renderTaskRunTable(taskRuns, ids, histories, colors)));
  }
  const reruns = run.reruns ?? [];
  if (reruns.length > 0) {
    ctx.print();
    ctx.print(colors.bold(`Runs made from this run (${reruns.length})`));
    const names = new Map(taskRuns.map((t) => [t.id, t.name]));
    const rows = reruns.map((r) => [
      r.id,
      r.name,
      formatStateName(r.state, colors),
      `from ${names.get(r.fromTaskRunId) ?? r.fromTaskRunId}`,
      formatTime(r.createdAt),
    ]);
    ctx.print(indent(renderTable(['ID', 'NAME', 'STATE', 'FROM', 'CREATED'], rows)));
  }
  if (subflowRuns.length > 0) {
    const more = subflowRuns.length === SUBFLOW_RUNS_SHOWN ? `, the newest ${SUBFLOW_RUNS_SHOWN} shown` : '';
    ctx.print();
    ctx.print(colors.bold(`Subflow runs (${subflowRuns.length}${more})`));
    const ids = await source.uniqueIdPrefixes(
      'flow',
      subflowRuns.map((r) => r.id),
    );
    ctx.print(indent(renderFlowRunTable(subflowRuns, ids, colors)));
  }
  return EXIT_OK;
};
