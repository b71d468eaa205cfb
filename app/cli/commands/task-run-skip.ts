import type { CommandRun } from '../command.js';
import { findTaskRun, flag, stringOption } from '../command-helpers.js';
import { answerAndReport, parseResult } from '../debugging/breakpoint-replies.js';
import { UsageError } from '../errors.js';

/** `flowdeck task-run skip`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const raw = stringOption(args, 'result');
  if (raw === undefined)
    throw new UsageError("skipping a task run needs the result it should have: --result JSON, e.g. --result '[1,2]' or --result null");
  const result = parseResult(raw);
  const taskRun = await findTaskRun(await ctx.runs(), args.positionals[0]);
  return answerAndReport(ctx, taskRun, { action: 'skip', result }, flag(args, 'json'));
};
