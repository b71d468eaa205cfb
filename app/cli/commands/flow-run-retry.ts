import { RETRY_SOURCES, retryMessage, type FlowRun, type RetrySource, type ReuseOptions } from '../../core/index.js';
import { retryRefusal } from '../../server/runs/retry-flow-run.js';
import { findFlowRun, flag, stringOption } from '../command-helpers.js';
import type { CommandRun, ParsedArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { followDeploymentRun } from '../deployments/follow-deployment-run.js';
import { EXIT_OK, UsageError, type ExitCode } from '../errors.js';
import { executeFlow } from '../flow-files/execute-flow.js';
import { checkReuse, loadRunFlow } from '../flow-files/rerun-flow.js';
import { formatStateName } from '../output/format.js';
import type { RunsSource } from '../runs-source/runs-source.js';

function requestedBy(raw: string | undefined): RetrySource {
  if (raw === undefined) return 'cli';
  if ((RETRY_SOURCES as readonly string[]).includes(raw)) return raw as RetrySource;
  throw new UsageError(`--requested-by must be one of ${RETRY_SOURCES.join(', ')}, not '${raw}'`);
}

/** Who takes a deployment's retried run: a worker of its pool, or its deployment's serve process. */
function takenBy(run: FlowRun): string {
  return run.workPool ? `a worker of work pool ${run.workPool}` : `the serve process of ${run.deploymentName ?? 'its deployment'}`;
}

/**
 * Hands a deployment's run back to its pool: AwaitingRetry, due now, for a worker to run from the
 * deployment's bundle. With --watch, follows it to its end as `deployment run --watch` does.
 */
async function retryOnWorkers(ctx: CliContext, source: RunsSource, run: FlowRun, args: ParsedArgs, by: RetrySource, all: boolean): Promise<ExitCode> {
  for (const option of ['file', 'reuse-changed']) {
    if (args.values[option] !== undefined) {
      throw new UsageError(
        `flow run '${run.name}' is a run of deployment ${run.deploymentName ?? run.deploymentId}, which runs from the code it was deployed with; ` +
          `--${option} does not apply to it`,
      );
    }
  }
  const message = retryMessage(by, all ? 'all' : 'reuse');
  const retried = await source.retryFlowRun(run.id, message);
  // What holds the run back (a paused pool), which the server adds to the state's message.
  const stateMessage = retried.state.message ?? '';
  const held = stateMessage.startsWith(`${message}; `) ? stateMessage.slice(message.length + 2) : null;
  const json = flag(args, 'json');
  if (held !== null) ctx.note(`${ctx.colors.yellow('warning:')} ${held}`);
  if (!json) {
    const what = all ? 'running every task again' : 'reusing the completed tasks of earlier attempts';
    ctx.print(
      `Flow run ${retried.name} (${retried.id}) of ${retried.deploymentName ?? 'its deployment'}: ${formatStateName(retried.state, ctx.colors)}, ` +
        `waiting for ${takenBy(retried)} to run its attempt ${retried.runCount + 1}, ${what}.`,
    );
  }
  if (flag(args, 'watch')) {
    if (!json) ctx.print('Following it until it ends (Ctrl+C stops following, not the run)');
    return followDeploymentRun(ctx, retried, json);
  }
  if (json) ctx.printJson(retried);
  return EXIT_OK;
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
  if (run.deploymentId) return retryOnWorkers(ctx, source, run, args, by, all);
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
