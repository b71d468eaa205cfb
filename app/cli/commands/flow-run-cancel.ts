import { isTerminal } from '../../core/index.js';
import type { CommandRun } from '../command.js';
import { EXIT_OK, EXIT_RUN_FAILED } from '../errors.js';
import { formatStateName } from '../output/format.js';
import { findFlowRun } from '../command-helpers.js';

/** `flowdeck flow-run cancel`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.runs();
  const run = await findFlowRun(source, args.positionals[0]);
  const label = `flow run ${run.name} (${run.id})`;
  const result = await source.cancelFlowRun(run.id);
  const state = result.state ?? run.state;
  // The store refuses a second request while the first is under way; that is not a failure.
  if (result.status !== 'ACCEPT' && state.type === 'CANCELLING') {
    ctx.print(`Already cancelling ${label}; its process stops within a second.`);
    return EXIT_OK;
  }
  if (result.status === 'ACCEPT' && state.type === 'CANCELLING') {
    ctx.print(`Cancelling ${label}; its process stops within a second.`);
    return EXIT_OK;
  }
  if (result.status === 'ACCEPT') {
    ctx.print(`Cancelled ${label} before it started.`);
    return EXIT_OK;
  }
  if (isTerminal(state.type)) {
    ctx.note(`Cannot cancel ${label}: it already finished in state ${formatStateName(state, ctx.colors)}.`);
  } else {
    ctx.note(`Cannot cancel ${label} in state ${formatStateName(state, ctx.colors)}: ${result.reason ?? 'the store refused'}.`);
  }
  return EXIT_RUN_FAILED;
};
