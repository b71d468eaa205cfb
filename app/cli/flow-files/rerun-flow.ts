import type { FlowRun, ReuseOptions } from '../../core/index.js';
import { engineSettings, loadReusePlan, ResultsElsewhereError } from '../../engine/hosting.js';
import { stringOption } from '../command-helpers.js';
import type { ParsedArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import type { RunProgress } from '../output/run-progress.js';
import { prepareEngine } from './execute-flow.js';
import { keepCompiledCode } from '../../engine/loader/kept-code.js';
import { loadFlowFile, loadKeptFlow, type AnyFlow } from './load-flow-file.js';

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
export async function loadRunFlow(
  ctx: CliContext,
  run: FlowRun,
  args: ParsedArgs,
): Promise<{ flow: AnyFlow; progress: RunProgress; codeRef: string | null }> {
  if (!run.entrypoint) throw new UsageError(`flow run '${run.name}' has no entrypoint to run again`);
  const entrypoint = parseEntrypoint(run.entrypoint);
  // A flow file that has moved, or the file a server checked against its workspace.
  const given = stringOption(args, 'file');
  if (given !== undefined && given.trim() === '') throw new UsageError('--file needs the path of the flow file');
  const progress = await prepareEngine(ctx);
  const { flow, module } = await loadFlowFile(given ?? entrypoint.file, ctx.cwd, ctx.home, entrypoint.flowName);
  return { flow, progress, codeRef: module ? keepCompiledCode(ctx.home, module) : null };
}

/** Loads the flow of a stored run from the code that run ran, kept when it started; refuses when it was not kept here. */
export async function loadOriginalFlow(ctx: CliContext, run: FlowRun): Promise<{ flow: AnyFlow; progress: RunProgress; codeRef: string }> {
  if (!run.entrypoint) throw new UsageError(`flow run '${run.name}' has no entrypoint to run again`);
  if (!run.codeRef) {
    throw new UsageError(
      `the code flow run '${run.name}' ran was not kept (its file was not compiled into one module), so it cannot run again as it was; ` +
        'run it with the file as it is now (--code current)',
    );
  }
  const progress = await prepareEngine(ctx);
  try {
    return { flow: await loadKeptFlow(ctx.home, run.codeRef, parseEntrypoint(run.entrypoint).flowName), progress, codeRef: run.codeRef };
  } catch (error) {
    progress.finish();
    if (error instanceof UsageError) throw error;
    const where = run.hostname ? ` (it ran on ${run.hostname})` : '';
    throw new UsageError(
      `the code flow run '${run.name}' ran cannot be loaded here${where}: ${(error as Error).message}; run it where it ran, or with --code current`,
    );
  }
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
