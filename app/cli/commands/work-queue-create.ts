import type { CommandRun } from '../command.js';
import { flag, parseWholeNumber, stringOption } from '../command-helpers.js';
import { poolOption } from '../deployments/missing-resource.js';
import { EXIT_OK } from '../errors.js';

/** `flowdeck work-queue create`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const pool = poolOption(args.values.pool, 'to add the queue to');
  const priority = stringOption(args, 'priority');
  const limit = stringOption(args, 'limit');
  const queue = await (
    await ctx.deployments()
  ).createWorkQueue(pool, {
    name: args.positionals[0],
    ...(priority !== undefined ? { priority: parseWholeNumber(priority, '--priority', 1, 1_000_000) } : {}),
    ...(limit !== undefined ? { concurrencyLimit: parseWholeNumber(limit, '--limit', 0, 1_000_000) } : {}),
  });
  if (flag(args, 'json')) {
    ctx.printJson(queue);
    return EXIT_OK;
  }
  const limitText = queue.concurrencyLimit === null ? 'no limit' : `at most ${queue.concurrencyLimit} runs at once`;
  ctx.print(`Created queue '${queue.name}' in work pool '${pool}': priority ${queue.priority}, ${limitText}.`);
  return EXIT_OK;
};
