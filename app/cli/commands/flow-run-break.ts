import type { CommandRun } from '../command.js';
import { findFlowRun, flag } from '../command-helpers.js';
import { EXIT_OK, EXIT_RUN_FAILED } from '../errors.js';

/** `flowdeck flow-run break`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.runs();
  const flowRun = await findFlowRun(source, args.positionals[0]);
  const json = flag(args, 'json');
  const outcome = await source.breakFlowRun(flowRun.id);
  if (outcome.ok) {
    if (json) ctx.printJson({ flowRunId: flowRun.id, action: 'break' });
    else {
      ctx.print(`Broke flow run ${flowRun.name} (${flowRun.id}): each of its task runs stops before it starts; task runs running now finish first.`);
      ctx.print(`Go on with: flowdeck flow-run continue ${flowRun.id}`);
    }
    return EXIT_OK;
  }
  if (json) ctx.printJson({ flowRunId: flowRun.id, error: { reason: outcome.reason, message: outcome.message } });
  else ctx.note(`Cannot break: ${outcome.message}.`);
  return EXIT_RUN_FAILED;
};
