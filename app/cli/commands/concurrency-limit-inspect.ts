import type { CommandRun } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { indent, renderFields } from '../output/fields.js';
import { formatStateName, formatTime } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { flag } from '../command-helpers.js';

/** `flowdeck concurrency-limit inspect`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const tag = args.positionals[0];
  const source = await ctx.runs();
  const limit = await source.getConcurrencyLimit(tag);
  if (!limit) throw new UsageError(`no concurrency limit for tag '${tag}'; 'flowdeck concurrency-limit ls' lists them`);
  if (flag(args, 'json')) {
    ctx.printJson(limit);
    return EXIT_OK;
  }
  const { colors } = ctx;
  ctx.print(colors.bold(`Concurrency limit ${limit.tag}`));
  ctx.print(
    renderFields([
      ['tag', limit.tag],
      ['limit', limit.limit === 0 ? '0 (task runs with this tag do not start)' : String(limit.limit)],
      ['in use', `${limit.activeSlots.length} of ${limit.limit}`],
      ['created', formatTime(limit.createdAt)],
    ]),
  );
  ctx.print();
  ctx.print(colors.bold(`Task runs holding a slot (${limit.activeSlots.length})`));
  if (limit.activeSlots.length === 0) {
    ctx.print(indent('None.'));
    return EXIT_OK;
  }
  const rows: string[][] = [];
  for (const id of limit.activeSlots) {
    const taskRun = await source.getTaskRun(id);
    rows.push(taskRun ? [id, taskRun.name, formatStateName(taskRun.state, colors), taskRun.flowRunId] : [id, '-', '-', '-']);
  }
  ctx.print(indent(renderTable(['TASK RUN', 'NAME', 'STATE', 'FLOW RUN'], rows, colors.bold)));
  return EXIT_OK;
};
