import { RETRY_SOURCES, retryMessage, type RetrySource, type ReuseOptions } from '../../core/index.js';
import { retryRefusal } from '../../server/runs/retry-flow-run.js';
import { findFlowRun, flag, stringOption } from '../command-helpers.js';
import type { CommandRun } from '../command.js';
import { UsageError } from '../errors.js';
import { executeFlow } from '../flow-files/execute-flow.js';
import { checkReuse, loadRunFlow } from '../flow-files/rerun-flow.js';

function requestedBy(raw: string | undefined): RetrySource {
  if (raw === undefined) return 'cli';
  if ((RETRY_SOURCES as readonly string[]).includes(raw)) return raw as RetrySource;
  throw new UsageError(`--requested-by must be one of ${RETRY_SOURCES.join(', ')}, not '${raw}'`);
}

/** `flowdeck flow-run retry`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.runs();
  const run = await findFlowRun(source, args.positionals[0]);
  const refusal = retryRefusal(run);
  if (refusal !== null) throw new UsageError(refusal);
  const all = flag(args, 'all');
  if (all && flag(args, 'reuse-changed')) throw new UsageError('--all runs every task again, so --reuse-changed has nothing to reuse');
  const by = requestedBy(stringOption(args, 'requested-by'));
  const { flow, progress } = await loadRunFlow(ctx, run, args);
  const reuse: ReuseOptions | undefined = all
    ? undefined
    : { fromFlowRunId: run.id, ...(flag(args, 'reuse-changed') ? { reuseChangedCode: true } : {}) };
  if (reuse) await checkReuse(ctx, reuse);
  // Only once the file has loaded, so a run is never left AwaitingRetry with nothing to run it.
  await source.retryFlowRun(run.id, retryMessage(by, all ? 'all' : 'reuse'));
  return executeFlow(
    ctx,
    progress,
    flow,
    run.parameters,
    { flowRunId: run.id, flowRunName: run.name, entrypoint: run.entrypoint!, ...(reuse ? { reuse } : {}) },
    args.values.json === true,
  );
};
