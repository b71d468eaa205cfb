import type { CommandRun } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { renderTaskRunTable } from '../output/run-tables.js';
import { findFlowRun, flag, stringOption } from '../command-helpers.js';

/** `flowdeck task-run ls`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const given = stringOption(args, 'flow-run');
  if (given === undefined) {
    throw new UsageError("missing --flow-run ID; 'flowdeck flow-run ls' lists flow runs\nUsage: flowdeck task-run ls --flow-run ID [--json]");
  }
  const source = await ctx.runs();
  const run = await findFlowRun(source, given);
  const taskRuns = await source.listTaskRuns(run.id);
  if (flag(args, 'json')) {
    ctx.printJson(taskRuns);
    return EXIT_OK;
  }
  if (taskRuns.length === 0) {
    ctx.print(`Flow run ${run.name} has no task runs yet.`);
    return EXIT_OK;
  }
  const [ids, histories] = await Promise.all([
    source.uniqueIdPrefixes(
      'task',
      taskRuns.map((t) => t.id),
    ),
    source.listTaskRunHistories(run.id),
  ]);
  ctx.print(renderTaskRunTable(taskRuns, ids, histories, ctx.colors));
  return EXIT_OK;
};
