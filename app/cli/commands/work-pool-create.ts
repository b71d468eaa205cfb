import type { JobTemplate } from '../../core/api/index.js';
import type { CommandRun } from '../command.js';
import { flag, parseWholeNumber, stringListOption, stringOption } from '../command-helpers.js';
import { commandOption, envOption } from '../deployments/job-template-options.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { RUNS_PER_PROCESS_MAX } from '../../core/api/work-pool-rules.js';

/** `flowdeck work-pool create`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const name = args.positionals[0];
  const limit = stringOption(args, 'limit');
  const workingDir = stringOption(args, 'working-dir');
  const command = stringOption(args, 'command');
  const env = envOption(stringListOption(args, 'env'));
  const runsPerProcessText = stringOption(args, 'runs-per-process');
  const runsPerProcess =
    runsPerProcessText === undefined ? undefined : parseWholeNumber(runsPerProcessText, '--runs-per-process', 1, RUNS_PER_PROCESS_MAX);
  if (runsPerProcess !== undefined && runsPerProcess > 1 && command !== undefined) {
    throw new UsageError('--runs-per-process above 1 runs several runs in one flowdeck process, so it cannot go with --command');
  }
  const jobTemplate: Partial<JobTemplate> = {
    ...(Object.keys(env).length > 0 ? { env } : {}),
    ...(workingDir !== undefined ? { workingDir } : {}),
    ...(command !== undefined ? { command: commandOption(command) } : {}),
    ...(runsPerProcess !== undefined ? { runsPerProcess } : {}),
  };
  const source = await ctx.deployments();
  const pool = await source.createWorkPool({
    name,
    type: stringOption(args, 'type') ?? 'process',
    ...(stringOption(args, 'description') !== undefined ? { description: stringOption(args, 'description') } : {}),
    ...(limit !== undefined ? { concurrencyLimit: parseWholeNumber(limit, '--limit', 0, 1_000_000) } : {}),
    ...(Object.keys(jobTemplate).length > 0 ? { jobTemplate } : {}),
  });
  if (flag(args, 'json')) {
    ctx.printJson(pool);
    return EXIT_OK;
  }
  const queues = pool.queues.map((q) => `'${q.name}'`).join(', ');
  ctx.print(`Created work pool '${pool.name}' (${pool.type}) with queue ${queues}. Start a worker with: flowdeck worker start --pool ${pool.name}`);
  return EXIT_OK;
};
