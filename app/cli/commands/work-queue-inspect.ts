import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import { noSuchQueue, poolOption } from '../deployments/missing-resource.js';
import { EXIT_OK } from '../errors.js';
import { renderFields } from '../output/fields.js';
import { formatTime } from '../output/format.js';

/** `flowdeck work-queue inspect`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const pool = poolOption(args.values.pool, 'the queue is in');
  const source = await ctx.deployments();
  const queue = await source.getWorkQueue(pool, args.positionals[0]);
  if (!queue) throw await noSuchQueue(source, pool, args.positionals[0]);
  if (flag(args, 'json')) {
    ctx.printJson(queue);
    return EXIT_OK;
  }
  ctx.print(ctx.colors.bold(`Work queue ${queue.name} of work pool ${queue.workPool}`));
  ctx.print(
    renderFields([
      ['priority', String(queue.priority)],
      ['limit', queue.concurrencyLimit === null ? 'none' : `${queue.concurrencyLimit} runs at once`],
      ['paused', queue.paused ? 'yes' : 'no'],
      ['description', queue.description ?? '-'],
      ['created', formatTime(queue.createdAt)],
    ]),
  );
  return EXIT_OK;
};
