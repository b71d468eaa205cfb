import type { CommandRun } from '../command.js';
import { findFlowRun, flag } from '../command-helpers.js';
import { refusalExitCode } from '../debugging/breakpoint-replies.js';
import { EXIT_OK } from '../errors.js';

/** `flowdeck flow-run continue`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.runs();
  const flowRun = await findFlowRun(source, args.positionals[0]);
  const step = flag(args, 'step');
  const json = flag(args, 'json');
  const outcome = await source.continueFlowRun(flowRun.id, step);
  if (outcome.ok) {
    if (json) ctx.printJson({ flowRunId: flowRun.id, action: step ? 'step' : 'continue', continued: outcome.continued });
    else {
      const count = outcome.continued.length;
      const what = `${count} task run${count === 1 ? '' : 's'} of flow run ${flowRun.name} (${flowRun.id})`;
      ctx.print(step ? `Stepped ${what}; the flow run stops again before its next task run.` : `Continued ${what}.`);
    }
    return EXIT_OK;
  }
  if (json) ctx.printJson({ flowRunId: flowRun.id, error: { reason: outcome.reason, message: outcome.message } });
  else ctx.note(`Cannot continue: ${outcome.message}.`);
  return refusalExitCode(outcome.reason);
};
