import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import { describeJobTemplate } from '../deployments/job-template-options.js';
import { noSuchPool } from '../deployments/missing-resource.js';
import { renderQueueTable, renderWorkerTable } from '../deployments/pool-tables.js';
import { EXIT_OK } from '../errors.js';
import { indent, renderFields } from '../output/fields.js';
import { formatTime } from '../output/format.js';

/** `flowdeck work-pool inspect`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.deployments();
  const pool = await source.getWorkPool(args.positionals[0]);
  if (!pool) throw await noSuchPool(source, args.positionals[0]);
  if (flag(args, 'json')) {
    ctx.printJson(pool);
    return EXIT_OK;
  }
  const { colors } = ctx;
  ctx.print(colors.bold(`Work pool ${pool.name}`));
  ctx.print(
    renderFields([
      ['type', pool.type],
      ['description', pool.description ?? '-'],
      ['paused', pool.paused ? 'yes' : 'no'],
      ['limit', pool.concurrencyLimit === null ? 'none' : `${pool.concurrencyLimit} runs at once`],
      ...describeJobTemplate(pool.jobTemplate),
      ['runs', `${pool.runs.waiting} waiting, ${pool.runs.late} late, ${pool.runs.running} running`],
      ['created', formatTime(pool.createdAt)],
    ]),
  );
  ctx.print();
  ctx.print(colors.bold(`Queues (${pool.queues.length})`));
  ctx.print(indent(renderQueueTable(pool.queues, colors)));
  ctx.print();
  ctx.print(colors.bold(`Workers (${pool.workers.length})`));
  ctx.print(
    pool.workers.length > 0
      ? indent(renderWorkerTable(pool.workers, colors))
      : indent(`None. Start one with: flowdeck worker start --pool ${pool.name}`),
  );
  return EXIT_OK;
};
