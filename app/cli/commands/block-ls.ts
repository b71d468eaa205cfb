import type { CommandRun } from '../command.js';
import { flag, stringOption } from '../command-helpers.js';
import { EXIT_OK } from '../errors.js';
import { formatTime } from '../output/format.js';
import { renderTable } from '../output/table.js';

/** `flowdeck block ls`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const blocks = await (await ctx.blocks()).list(stringOption(args, 'type'));
  if (flag(args, 'json')) {
    ctx.printJson(blocks);
    return EXIT_OK;
  }
  if (blocks.length === 0) {
    ctx.print("No blocks. Create one with: flowdeck block create TYPE/NAME --data JSON ('flowdeck block type ls' lists the types)");
    return EXIT_OK;
  }
  const rows = blocks.map((block) => [
    `${block.type}/${block.name}`,
    block.secretFieldsSet.length > 0 ? block.secretFieldsSet.join(', ') : '-',
    formatTime(block.updatedAt),
  ]);
  ctx.print(renderTable(['BLOCK', 'SECRET FIELDS SET', 'UPDATED'], rows, ctx.colors.bold));
  return EXIT_OK;
};
