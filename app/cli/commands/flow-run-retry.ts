import { retryRefusal } from '../../server/runs/retry-flow-run.js';
import { findFlowRun, stringOption } from '../command-helpers.js';
import type { CommandRun } from '../command.js';
import { UsageError } from '../errors.js';
import { executeFlow, prepareEngine } from '../flow-files/execute-flow.js';
import { loadFlowFile } from '../flow-files/load-flow-file.js';

/** `path/to/flow.ts:flow-name`, split at the last colon so Windows drive letters survive. */
function parseEntrypoint(entrypoint: string): { file: string; flowName: string } {
  const at = entrypoint.lastIndexOf(':');
  if (at <= 0) throw new UsageError(`the run's entrypoint '${entrypoint}' does not name a file and a flow`);
  return { file: entrypoint.slice(0, at), flowName: entrypoint.slice(at + 1) };
}

/** `flowdeck flow-run retry`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.runs();
  const run = await findFlowRun(source, args.positionals[0]);
  const id = run.id;
  const refusal = retryRefusal(run);
  if (refusal !== null) throw new UsageError(refusal);
  if (!run.entrypoint) throw new UsageError(`flow run '${run.name}' has no entrypoint to run again`);
  const entrypoint = parseEntrypoint(run.entrypoint);
  // A flow file that has moved, or the file a server checked against its workspace.
  const given = stringOption(args, 'file');
  if (given !== undefined && given.trim() === '') throw new UsageError('--file needs the path of the flow file');
  const file = given ?? entrypoint.file;
  const flowName = entrypoint.flowName;
  const progress = await prepareEngine(ctx);
  const { flow } = await loadFlowFile(file, ctx.cwd, ctx.home, flowName);
  // Only once the file has loaded, so a run is never left AwaitingRetry with nothing to run it.
  await source.retryFlowRun(id, 'retried from the command line');
  return executeFlow(
    ctx,
    progress,
    flow,
    run.parameters,
    { flowRunId: id, flowRunName: run.name, entrypoint: run.entrypoint },
    args.values.json === true,
  );
};
