import type { CommandRun } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { formatTime } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { flag } from '../command-helpers.js';

/** `flowdeck concurrency-limit ls`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.runs();
  const limits = await source.listConcurrencyLimits();
  if (flag(args, 'json')) {
    ctx.printJson(limits);
    return EXIT_OK;
  }
  if (limits.length === 0) {
    ctx.print('No concurrency limits. Create one with: flowdeck concurrency-limit create TAG LIMIT');
    return EXIT_OK;
  }
  const rows = limits.map((l) => [l.tag, String(l.limit), String(l.activeSlots.length), formatTime(l.createdAt)]);
  ctx.print(renderTable(['TAG', 'LIMIT', 'ACTIVE', 'CREATED'], rows, ctx.colors.bold));
  return EXIT_OK;
};
