import { defineCommand } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { formatTime } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { flag } from '../command-helpers.js';

export default defineCommand({
  name: 'concurrency-limit ls',
  summary: 'List concurrency limits and how many of their slots are taken',
  usage: '[--json]',
  options: { json: { type: 'boolean', description: 'Print the limits as a JSON list' } },
  positionals: { min: 0, max: 0, names: [] },
  async run(args, ctx) {
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
  },
});
