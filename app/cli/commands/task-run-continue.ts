import type { CommandRun } from '../command.js';
import { findTaskRun, flag, stringOption } from '../command-helpers.js';
import { answerAndReport, parseInputs } from '../debugging/breakpoint-replies.js';

/** `flowdeck task-run continue`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const raw = stringOption(args, 'inputs');
  // Bad input is refused before anything is asked of the store or server.
  const inputs = raw === undefined ? undefined : parseInputs(raw);
  const taskRun = await findTaskRun(await ctx.runs(), args.positionals[0]);
  const action = flag(args, 'step') ? 'step' : 'continue';
  return answerAndReport(ctx, taskRun, { action, ...(inputs ? { inputs } : {}) }, flag(args, 'json'));
};
