import type { CommandRun } from '../command.js';
import { blockAddress } from '../blocks/block-data-option.js';
import { EXIT_OK, UsageError } from '../errors.js';

/** `flowdeck block delete`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const { type, name } = blockAddress(args.positionals[0]);
  if (!(await (await ctx.blocks()).delete(type, name))) throw new UsageError(`no block ${type}/${name}; 'flowdeck block ls' lists them`);
  ctx.print(`Deleted block ${type}/${name}.`);
  return EXIT_OK;
};
