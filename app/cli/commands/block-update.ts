import type { CommandRun } from '../command.js';
import { flag, stringOption } from '../command-helpers.js';
import { blockAddress, blockData } from '../blocks/block-data-option.js';
import { EXIT_OK, UsageError } from '../errors.js';

/** `flowdeck block update`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const { type, name } = blockAddress(args.positionals[0]);
  const source = await ctx.blocks();
  if (!(await source.read(type, name))) throw new UsageError(`no block ${type}/${name}; create it with: flowdeck block create ${type}/${name}`);
  const block = await source.save(type, name, await blockData(stringOption(args, 'data'), type, source));
  if (flag(args, 'json')) {
    ctx.printJson(block);
    return EXIT_OK;
  }
  ctx.print(`Updated block ${type}/${name}.`);
  return EXIT_OK;
};
