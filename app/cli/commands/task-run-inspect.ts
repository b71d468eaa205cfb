import { isAtBreakpoint } from '../../core/debugging.js';
import type { CommandRun } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { describeAttempts, describeRetryPolicy, describeTags, oneLine } from '../output/describe.js';
import { indent, renderFields } from '../output/fields.js';
import { formatStateName, formatTime, timeFields } from '../output/format.js';
import { renderCurrentErrorStack, renderStateHistory } from '../output/state-history.js';
import { findTaskRun, flag } from '../command-helpers.js';
import { errorLine, goOnCommands, prettyInputs } from '../debugging/describe-breakpoint.js';

/** `flowdeck task-run inspect`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.runs();
  const taskRun = await findTaskRun(source, args.positionals[0]);
  const states = await source.listStates('task', taskRun.id);
  if (flag(args, 'json')) {
    ctx.printJson({ ...taskRun, states });
    return EXIT_OK;
  }
  const { colors } = ctx;
  const flowRun = await source.getFlowRun(taskRun.flowRunId);
  const upstream: string[] = [];
  for (const id of taskRun.upstream) {
    const other = await source.getTaskRun(id);
    upstream.push(other ? `${id} (${other.name})` : id);
  }
  let reusedFrom: string | null = null;
  if (taskRun.reusedFrom) {
    const origin = await source.getTaskRun(taskRun.reusedFrom);
    const originRun = origin && origin.flowRunId !== taskRun.flowRunId ? await source.getFlowRun(origin.flowRunId) : null;
    reusedFrom = origin
      ? `${origin.id} (${origin.name}, attempt ${origin.flowRunAttempt}${originRun ? ` of flow run ${originRun.name}` : ''})`
      : taskRun.reusedFrom;
  }
  const stateLine = `${formatStateName(taskRun.state, colors)}${taskRun.state.message ? ` ${colors.dim(oneLine(taskRun.state.message))}` : ''}`;

  ctx.print(colors.bold(`Task run ${taskRun.name}`));
  ctx.print(
    renderFields([
      ['id', taskRun.id],
      ['name', taskRun.name],
      ['task key', taskRun.taskKey],
      ['flow run', `${taskRun.flowRunId}${flowRun ? ` (${flowRun.name})` : ''}`],
      ['state', stateLine],
      ['tags', describeTags(taskRun.tags)],
      ['attempts', describeAttempts(taskRun.runCount, taskRun.retryPolicy)],
      ['retry policy', describeRetryPolicy(taskRun.retryPolicy)],
      ['cache key', taskRun.cacheKey ?? '-'],
      ['inputs', taskRun.inputs ?? '-'],
      ['upstream', upstream.length > 0 ? upstream.join('\n') : '-'],
      ['started', formatTime(taskRun.startTime)],
      ['ended', formatTime(taskRun.endTime)],
      ...timeFields(taskRun, states),
      ['result', taskRun.result ?? '-'],
      ...(reusedFrom ? ([['reused from', reusedFrom]] as const) : []),
    ]),
  );
  const stop = isAtBreakpoint(taskRun.state) ? taskRun.breakpoint : undefined;
  if (stop) {
    ctx.print();
    ctx.print(colors.bold('Stopped at a breakpoint'));
    ctx.print(
      renderFields([
        ['why', stop.reason?.replace(/^stopped at /, '') ?? '-'],
        ['since', formatTime(stop.pausedAt)],
        ...(stop.error ? ([['error', errorLine(stop.error)]] as const) : []),
        ['inputs', prettyInputs(stop.inputs)],
      ]),
    );
    ctx.print();
    ctx.print(colors.bold('Go on with'));
    ctx.print(
      indent(goOnCommands({ taskRunId: taskRun.id, flowRunId: taskRun.flowRunId, onFailure: stop.error !== null, inputs: stop.inputs }).join('\n')),
    );
  }
  ctx.print();
  ctx.print(colors.bold('State history'));
  ctx.print(indent(renderStateHistory(states, colors)));
  const stack = renderCurrentErrorStack(taskRun.state);
  if (stack !== null) {
    ctx.print();
    ctx.print(colors.bold('Error'));
    ctx.print(indent(stack));
  }
  return EXIT_OK;
};
