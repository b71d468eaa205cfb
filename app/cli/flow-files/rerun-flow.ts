import type { FlowRun, ReuseOptions } from '../../core/index.js';
import { engineSettings, loadReusePlan, ResultsElsewhereError } from '../../engine/hosting.js';
import { stringOption } from '../command-helpers.js';
import type { ParsedArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import type { RunProgress } from '../output/run-progress.js';
import { prepareEngine } from './execute-flow.js';
import { loadFlowFile, type AnyFlow } from './load-flow-file.js';

/** `path/to/flow.ts:flow-name`, split at the last colon so Windows drive letters survive. */
function parseEntrypoint(entrypoint: string): { file: string; flowName: string } {
  const at = entrypoint.lastIndexOf(':');
  if (at <= 0) throw new UsageError(`the run's entrypoint '${entrypoint}' does not name a file and a flow`);
  return { file: entrypoint.slice(0, at), flowName: entrypoint.slice(at + 1) };
}

/**
 * Loads the flow a stored run ran, from its file as it is now (or from `--file` when it moved),
 * with the engine pointed at the configured store or server.
 */
export async function loadRunFlow(ctx: CliContext, run: FlowRun, args: ParsedArgs): Promise<{ flow: AnyFlow; progress: RunProgress }> {
  if (!run.entrypoint) throw new UsageError(`flow run '${run.name}' has no entrypoint to run again`);
  const entrypoint = parseEntrypoint(run.entrypoint);
  // A flow file that has moved, or the file a server checked against its workspace.
  const given = stringOption(args, 'file');
  if (given !== undefined && given.trim() === '') throw new UsageError('--file needs the path of the flow file');
  const progress = await prepareEngine(ctx);
  const { flow } = await loadFlowFile(given ?? entrypoint.file, ctx.cwd, ctx.home, entrypoint.flowName);
  return { flow, progress };
}

/**
 * Reads what a re-run would reuse before anything changes, so results that are not on this
 * machine are one clear error and the run is left as it was.
 */
export async function checkReuse(ctx: CliContext, reuse: ReuseOptions): Promise<void> {
  try {
    const plan = await loadReusePlan(engineSettings().reporter!, reuse, ctx.home);
    plan.close();
  } catch (error) {
    if (error instanceof ResultsElsewhereError) throw new UsageError(error.message);
    throw error;
  }
}
