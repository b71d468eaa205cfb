import type { CommandRun } from '../command.js';
import { flag, stringOption } from '../command-helpers.js';
import { blockAddress, blockData } from '../blocks/block-data-option.js';
import { EXIT_OK } from '../errors.js';

/** `flowdeck block create`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const { type, name } = blockAddress(args.positionals[0]);
  const source = await ctx.blocks();
  const block = await source.create(type, name, await blockData(stringOption(args, 'data'), type, source));
  if (flag(args, 'json')) {
    ctx.printJson(block);
    return EXIT_OK;
  }
  const secrets = block.secretFieldsSet.length > 0 ? ` (secret fields encrypted: ${block.secretFieldsSet.join(', ')})` : '';
  ctx.print(`Created block ${type}/${name}${secrets}. Load it in a flow with: await loadBlock('${type}/${name}')`);
  return EXIT_OK;
};
