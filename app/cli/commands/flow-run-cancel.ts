import { isTerminal } from '../../core/index.js';
import { defineCommand } from '../command.js';
import { EXIT_OK, EXIT_RUN_FAILED } from '../errors.js';
import { formatStateName } from '../output/format.js';
import { findFlowRun } from '../command-helpers.js';

export default defineCommand({
  name: 'flow-run cancel',
  summary: 'Cancel a flow run: one that has not started is Cancelled, a running one is asked to stop',
  usage: 'ID',
  positionals: { min: 1, max: 1, names: ['ID'] },
  async run(args, ctx) {
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
  },
});
