import type { CommandRun } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { describeAttempts, describeJson, describeTags, oneLine } from '../output/describe.js';
import { indent, renderFields, type Field } from '../output/fields.js';
import { formatStateName, formatTime, timeFields } from '../output/format.js';
import { renderFlowRunTable, renderTaskRunTable } from '../output/run-tables.js';
import { renderCurrentErrorStack, renderStateHistory } from '../output/state-history.js';
import { findFlowRun, flag } from '../command-helpers.js';

/** How many subflow runs are listed; a parent that started more says so. */
const SUBFLOW_RUNS_SHOWN = 200;

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
