import { defineCommand } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';

export default defineCommand({
  name: 'concurrency-limit delete',
  summary: 'Remove the concurrency limit of a tag; its task runs are no longer held back',
  usage: 'TAG',
  positionals: { min: 1, max: 1, names: ['TAG'] },
  async run(args, ctx) {
    const tag = args.positionals[0];
    const source = await ctx.runs();
    if (!(await source.deleteConcurrencyLimit(tag))) {
      throw new UsageError(`no concurrency limit for tag '${tag}'; 'flowdeck concurrency-limit ls' lists them`);
    }
    ctx.print(`Deleted concurrency limit '${tag}'.`);
    return EXIT_OK;
  },
});
