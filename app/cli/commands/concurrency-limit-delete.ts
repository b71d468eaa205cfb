import type { CommandRun } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';

/** `flowdeck concurrency-limit delete`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const tag = args.positionals[0];
  const source = await ctx.runs();
  if (!(await source.deleteConcurrencyLimit(tag))) {
    throw new UsageError(`no concurrency limit for tag '${tag}'; 'flowdeck concurrency-limit ls' lists them`);
  }
  ctx.print(`Deleted concurrency limit '${tag}'.`);
  return EXIT_OK;
};
