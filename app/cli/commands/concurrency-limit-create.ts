import { CONCURRENCY_LIMIT_MAX, TAG_MAX_LENGTH } from '../../core/api/index.js';
import type { CommandRun } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { parseWholeNumber } from '../command-helpers.js';

/** `flowdeck concurrency-limit create`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const [tag, rawLimit] = args.positionals;
  if (!tag.trim()) throw new UsageError('TAG must not be empty');
  // The server's bounds, so a limit the local database takes is one a server takes too.
  if (tag.length > TAG_MAX_LENGTH) throw new UsageError(`TAG must be at most ${TAG_MAX_LENGTH} characters`);
  const limit = parseWholeNumber(rawLimit, 'LIMIT', 0, CONCURRENCY_LIMIT_MAX);
  const source = await ctx.runs();
  const before = await source.getConcurrencyLimit(tag);
  await source.setConcurrencyLimit(tag, limit);
  const what = limit === 0 ? 'task runs with this tag will not start' : `at most ${limit} task ${limit === 1 ? 'run' : 'runs'} with this tag at once`;
  if (before === null) ctx.print(`Created concurrency limit '${tag}': ${what}.`);
  else if (before.limit === limit) ctx.print(`Concurrency limit '${tag}' is already ${limit}: ${what}.`);
  else ctx.print(`Changed concurrency limit '${tag}' from ${before.limit} to ${limit}: ${what}.`);
  return EXIT_OK;
};
