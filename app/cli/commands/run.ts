import { RUN_ID_MAX_LENGTH } from '../../core/api/run-id-rules.js';
import type { CommandRun } from '../command.js';
import { stringOption } from '../command-helpers.js';
import { startTerminalDebugger } from '../debugging/start-debugger.js';
import { UsageError } from '../errors.js';
import { checkDebugNames, debugOptionsOf } from '../flow-files/debug-options.js';
import { executeFlow, prepareEngine } from '../flow-files/execute-flow.js';
import { keepCompiledCode } from '../../engine/loader/kept-code.js';
import { loadFlowModule, pickFlow } from '../flow-files/load-flow-file.js';
import { deploymentCallsCarriedOut, endDeploymentFile } from '../serving/deployment-calls.js';
import { parseParams, parseParamsJson } from '../flow-files/parse-params.js';

/** An id for the new run chosen by whoever starts the process, so it can name the run before it exists. */
function newRunId(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.length > RUN_ID_MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) {
    throw new UsageError(`--flow-run-id takes up to ${RUN_ID_MAX_LENGTH} letters, digits, - and _, got '${raw.slice(0, 200)}'`);
  }
  return raw;
}

/** `flowdeck run`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const flowRunId = newRunId(stringOption(args, 'flow-run-id'));
  const fromJson = parseParamsJson(stringOption(args, 'params-json'));
  const debug = debugOptionsOf(args.values);
  // The store opens first: a damaged FLOWDECK_HOME is reported before any flow code runs.
  const progress = await prepareEngine(ctx, { deploymentCalls: 'carry-out' });
  const loaded = await loadFlowModule(args.positionals[0], ctx.cwd, ctx.home);
  // A file that deployed or served its flows while loading was run for that: there is no flow left to run.
  if (deploymentCallsCarriedOut() > 0) return endDeploymentFile(ctx, progress);
  const { path, module } = loaded;
  const flow = pickFlow(loaded, args.values.flow as string | undefined);
  // Kept, so the run can be run again from a task with the code it ran.
  const codeRef = module ? keepCompiledCode(ctx.home, module) : null;
  // Each --param overrides the same key of --params-json.
  const params = { ...fromJson, ...parseParams((args.values.param as string[] | undefined) ?? [], flow.options.parameters) };
  if (debug) checkDebugNames(debug, args.positionals[0]);
  const json = args.values.json === true;
  const prompt = debug && !json ? await startTerminalDebugger(ctx, progress, flowRunId) : null;
  const newFlowRunId = prompt?.flowRunId ?? flowRunId;
  try {
    return await executeFlow(
      ctx,
      progress,
      flow,
      params,
      {
        entrypoint: `${path}:${flow.name}`,
        ...(newFlowRunId ? { newFlowRunId } : {}),
        ...(codeRef ? { codeRef } : {}),
        ...(debug ? { debug } : {}),
        ...(prompt ? { debugListener: prompt.terminal.listener } : {}),
      },
      json,
    );
  } finally {
    prompt?.terminal.close();
  }
};
