import type { CommandRun } from '../command.js';
import { findTaskRun, flag } from '../command-helpers.js';
import { answerAndReport } from '../debugging/breakpoint-replies.js';

/** `flowdeck task-run fail`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const taskRun = await findTaskRun(await ctx.runs(), args.positionals[0]);
  return answerAndReport(ctx, taskRun, { action: 'fail' }, flag(args, 'json'));
};
