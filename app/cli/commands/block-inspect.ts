import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import { blockAddress } from '../blocks/block-data-option.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { renderFields } from '../output/fields.js';
import { formatTime } from '../output/format.js';

/** When a flow last read the block's secrets, and which run; a block never loaded says so. */
function lastLoaded(at: number | null, by: string | null): string {
  if (at === null) return 'never';
  return `${formatTime(at)} ${by === null ? 'outside a flow run' : `by flow run ${by}`}`;
}

/** `flowdeck block inspect`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const { type, name } = blockAddress(args.positionals[0]);
  const block = await (await ctx.blocks()).read(type, name);
  if (!block) throw new UsageError(`no block ${type}/${name}; 'flowdeck block ls' lists them`);
  if (flag(args, 'json')) {
    ctx.printJson(block);
    return EXIT_OK;
  }
  ctx.print(ctx.colors.bold(`Block ${type}/${name}`));
  ctx.print(
    renderFields([
      ...Object.entries(block.data).map(([field, value]): [string, string] => [
        field,
        typeof value === 'string' ? value : JSON.stringify(value, null, 2),
      ]),
      ['created', formatTime(block.createdAt)],
      ['updated', formatTime(block.updatedAt)],
      ['last loaded', lastLoaded(block.lastLoadedAt, block.lastLoadedBy)],
    ]),
  );
  return EXIT_OK;
};
