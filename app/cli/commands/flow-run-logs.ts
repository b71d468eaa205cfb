import { setTimeout as sleep } from 'node:timers/promises';
import { isTerminal, LOG_LEVELS, type LogLevelName } from '../../core/index.js';
import type { CommandRun } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { formatStateName, shortId } from '../output/format.js';
import { formatLogLine } from '../output/log-line.js';
import { findFlowRun, findTaskRun, flag, stringOption } from '../command-helpers.js';

const PAGE_SIZE = 1000;
/** How often, while following, to check whether the run's process has died. */
const SWEEP_EVERY_POLLS = 5;

function parseLevel(raw: string): number {
  const upper = raw.trim().toUpperCase();
  const name = (upper === 'WARN' ? 'WARNING' : upper) as LogLevelName;
  if (Object.hasOwn(LOG_LEVELS, name)) return LOG_LEVELS[name];
  if (/^\d+$/.test(upper)) return Number(upper);
  throw new UsageError(`unknown log level '${raw}'; use one of ${Object.keys(LOG_LEVELS).join(', ')} or a number`);
}

/** `flowdeck flow-run logs`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.runs();
  const run = await findFlowRun(source, args.positionals[0]);
  const rawLevel = stringOption(args, 'level');
  const minLevel = rawLevel === undefined ? undefined : parseLevel(rawLevel);
  const rawTask = stringOption(args, 'task');
  let taskRunId: string | undefined;
  if (rawTask !== undefined) {
    const taskRun = await findTaskRun(source, rawTask);
    if (taskRun.flowRunId !== run.id) {
      throw new UsageError(`task run '${rawTask}' belongs to flow run ${taskRun.flowRunId}, not to ${run.id}`);
    }
    taskRunId = taskRun.id;
  }
  const json = flag(args, 'json');

  // Task runs keep appearing while a run is followed, so unknown ids are looked up as they come.
  const taskNames = new Map((await source.listTaskRuns(run.id)).map((t) => [t.id, t.name]));
  const taskName = async (id: string | null): Promise<string | null> => {
    if (id === null) return null;
    let name = taskNames.get(id);
    if (name === undefined) {
      name = (await source.getTaskRun(id))?.name ?? shortId(id);
      taskNames.set(id, name);
    }
    return name;
  };

  let afterId = 0;
  const printNewLines = async (): Promise<number> => {
    let printed = 0;
    for (;;) {
      const page = await source.listLogs(run.id, { afterId, limit: PAGE_SIZE, taskRunId, minLevel });
      for (const log of page) {
        if (json) ctx.printJson(log);
        else ctx.print(formatLogLine(log, await taskName(log.taskRunId), ctx.colors));
      }
      printed += page.length;
      if (page.length > 0) afterId = page[page.length - 1].id;
      if (page.length < PAGE_SIZE) return printed;
    }
  };

  if (!flag(args, 'follow')) {
    if ((await printNewLines()) === 0 && !json) ctx.note(`No logs for flow run ${run.name} (${run.id}).`);
    return EXIT_OK;
  }
  for (let poll = 0; ; poll++) {
    // A run whose process was killed never reports a final state; marking it Crashed, as
    // opening the store does, lets the follow end.
    if (poll > 0 && poll % SWEEP_EVERY_POLLS === 0) await source.sweepCrashedRuns();
    // Read the state before the lines: a run's logs are stored no later than its final state,
    // so once it is seen finished, one more read holds every line written before that.
    const current = await source.getFlowRun(run.id);
    const finished = current === null || isTerminal(current.state.type);
    const printed = await printNewLines();
    if (finished && printed === 0) {
      if (current && !json) ctx.note(`Flow run ${current.name} finished in state ${formatStateName(current.state, ctx.colors)}.`);
      return EXIT_OK;
    }
    await sleep(source.pollIntervalMs);
  }
};
