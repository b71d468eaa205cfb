import { newId, type ReuseOptions } from '../../core/index.js';
import { checkRerunRequest, parseRerunInputs, RerunRefusal } from '../../server/runs/rerun-request.js';
import { findFlowRun, flag, stringOption } from '../command-helpers.js';
import type { CommandRun } from '../command.js';
import { UsageError } from '../errors.js';
import { executeFlow } from '../flow-files/execute-flow.js';
import { checkReuse, loadOriginalFlow, loadRunFlow } from '../flow-files/rerun-flow.js';

/** `flowdeck flow-run rerun`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const from = stringOption(args, 'from');
  if (from === undefined || from.trim() === '')
    throw new UsageError('--from needs the task run to run again from: its id, a prefix of it, or its name');
  const code = stringOption(args, 'code') ?? 'current';
  if (code !== 'current' && code !== 'original') throw new UsageError(`--code must be current or original, not '${code}'`);
  const source = await ctx.runs();
  const run = await findFlowRun(source, args.positionals[0]);
  const rawInputs = stringOption(args, 'inputs');
  let chosen;
  let inputs: unknown[] | undefined;
  try {
    inputs = rawInputs === undefined ? undefined : parseRerunInputs(rawInputs);
    chosen = await checkRerunRequest(run, source, from, inputs);
  } catch (error) {
    if (error instanceof RerunRefusal) throw new UsageError(error.message);
    throw error;
  }
  if (code === 'original' && stringOption(args, 'file') !== undefined)
    throw new UsageError('--file names the code to run; --code original runs the code the run ran');
  const { flow, progress, codeRef } = code === 'original' ? await loadOriginalFlow(ctx, run) : await loadRunFlow(ctx, run, args);
  const reuse: ReuseOptions = {
    fromFlowRunId: run.id,
    runAgain: [chosen.id],
    ...(inputs ? { inputs: { taskRunId: chosen.id, args: inputs } } : {}),
    ...(flag(args, 'reuse-changed') ? { reuseChangedCode: true } : {}),
  };
  await checkReuse(ctx, reuse);
  const newFlowRunId = stringOption(args, 'flow-run-id') ?? newId();
  return executeFlow(
    ctx,
    progress,
    flow,
    run.parameters,
    { newFlowRunId, entrypoint: run.entrypoint!, reuse, rerunOf: { flowRunId: run.id, taskRunId: chosen.id }, ...(codeRef ? { codeRef } : {}) },
    args.values.json === true,
  );
};
