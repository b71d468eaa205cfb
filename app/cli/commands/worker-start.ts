import { hostname } from 'node:os';
import { ApiError } from '../../core/api/errors.js';
import type { ClaimedRun } from '../../core/api/work-pools.js';
import { RESOURCE_NAME_MAX, ResourceNameSchema } from '../../core/api/deployments.js';
import { flowdeckCliPath } from '../../server/package-root.js';
import { flag, parseWholeNumber, stringListOption, stringOption } from '../command-helpers.js';
import type { CommandRun } from '../command.js';
import type { CliContext } from '../context.js';
import { EXIT_OK, UsageError } from '../errors.js';
import type { WorkerEvents } from '../worker/worker.js';

function resourceName(raw: string, what: string): string {
  const parsed = ResourceNameSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${what} '${raw}' ${parsed.error.issues[0]?.message ?? 'is not a valid name'}`);
  return parsed.data;
}

function workerName(raw: string | undefined): string {
  const name = raw ?? `${hostname()}-${process.pid}`;
  if (name.trim() === '' || name.length > RESOURCE_NAME_MAX) throw new UsageError(`--name must be 1 to ${RESOURCE_NAME_MAX} characters`);
  return name;
}

function runLabel(run: ClaimedRun): string {
  return `${run.flowRun.name} (${run.deployment.fullName}) ${run.flowRun.id}`;
}

/** One line per run started and ended: words for a person, a JSON object per line with --json. */
function printedEvents(ctx: CliContext, json: boolean): WorkerEvents {
  if (json) {
    const line = (event: string, run: ClaimedRun, extra: Record<string, unknown>) =>
      ctx.printJson({ event, flowRunId: run.flowRun.id, flowRunName: run.flowRun.name, deployment: run.deployment.fullName, ...extra });
    return {
      started: (run, pid, logPath) => line('started', run, { pid: pid ?? null, logPath }),
      ended: (run, outcome) => line('ended', run, { outcome }),
      note: (message) => ctx.note(message),
    };
  }
  const c = ctx.colors;
  return {
    started: (run, pid, logPath) => ctx.print(`${c.bold('started')} ${runLabel(run)} pid ${pid ?? '?'} (output in ${logPath})`),
    ended: (run, outcome) => ctx.print(`${c.bold('ended')}   ${runLabel(run)}: ${outcome}`),
    note: (message) => ctx.note(message),
  };
}

/** The pool's name in a refusal from the server, said as what to do about it. */
function registrationProblem(error: unknown, pool: string): Error {
  if (error instanceof ApiError && error.status === 404) {
    return new UsageError(`${error.message}; list the pools with 'flowdeck work-pool ls' or make it with 'flowdeck work-pool create ${pool}'`);
  }
  return error as Error;
}

/** `flowdeck worker start`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  await ctx.prepare();
  const pool = stringOption(args, 'pool');
  if (pool === undefined) throw new UsageError('--pool is required: the work pool whose runs this worker takes');
  resourceName(pool, '--pool');
  const queues = stringListOption(args, 'queue').map((queue) => resourceName(queue, '--queue'));
  const rawLimit = stringOption(args, 'limit');
  const limit = rawLimit === undefined ? null : parseWholeNumber(rawLimit, '--limit', 1, 1000);
  const name = workerName(stringOption(args, 'name'));
  const server = ctx.server;
  if (server.kind === 'local') {
    throw new UsageError(
      'a worker takes its runs from a Flowdeck server, and FLOWDECK_API_URL is not set; start one with ' +
        "'flowdeck server start' and point the worker at it: FLOWDECK_API_URL=http://127.0.0.1:4300/api flowdeck worker start --pool " +
        `${pool} (or 'flowdeck config set FLOWDECK_API_URL=...')`,
    );
  }
  const apiKey = ctx.settings.FLOWDECK_API_KEY ?? null;
  const [{ createApiClient }, { Worker }] = await Promise.all([import('../../core/api/client.js'), import('../worker/worker.js')]);
  const worker = new Worker({
    client: createApiClient({ baseUrl: server.apiUrl, apiKey: apiKey ?? undefined }),
    apiUrl: server.apiUrl,
    apiKey,
    pool,
    name,
    queues,
    limit,
    home: ctx.home,
    env: ctx.env,
    flowdeck: [process.execPath, flowdeckCliPath()],
    cancelGraceMs: ctx.settings.FLOWDECK_CANCEL_GRACE_SECONDS * 1000,
    events: printedEvents(ctx, flag(args, 'json')),
  });
  try {
    await worker.register();
  } catch (error) {
    throw registrationProblem(error, pool);
  }
  const stop = (signal: NodeJS.Signals) => worker.stop(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const queueText = queues.length > 0 ? `queue${queues.length === 1 ? '' : 's'} ${queues.join(', ')}` : 'every queue';
  ctx.note(
    `Worker '${name}' takes runs of pool '${pool}' (${queueText}) from ${server.apiUrl}, ` +
      `${limit === null ? 'with no limit' : `at most ${limit} at once`}. Stop with Ctrl+C.`,
  );
  try {
    await worker.run();
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  ctx.note(`Worker '${name}' stopped.`);
  return EXIT_OK;
};
