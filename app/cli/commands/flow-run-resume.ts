import { ResumeFlowRunSchema } from '../../core/api/index.js';
import { findFlowRun, stringOption } from '../command-helpers.js';
import type { CommandRun } from '../command.js';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED, UsageError } from '../errors.js';

/** The `--input` text as JSON, held to the same limits as the API's. */
function parseInput(raw: string): unknown {
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`--input must be JSON, e.g. --input '{"approved":true}' (${(error as Error).message})`);
  }
  const checked = ResumeFlowRunSchema.safeParse({ input });
  if (!checked.success) throw new UsageError(`--input: ${checked.error.issues[0]?.message ?? 'not accepted'}`);
  return input;
}

/** `flowdeck flow-run resume`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const raw = stringOption(args, 'input');
  const input = raw === undefined ? undefined : parseInput(raw);
  const json = args.values.json === true;
  const source = await ctx.runs();
  const run = await findFlowRun(source, args.positionals[0]);
  const answer = await source.resumeFlowRun(run.id, input);
  if (answer.ok) {
    if (json) ctx.printJson({ flowRunId: run.id, state: { type: answer.run.state.type, name: answer.run.state.name } });
    else ctx.print(`Resumed flow run ${run.name} (${run.id}); its process goes on at its next heartbeat.`);
    return EXIT_OK;
  }
  if (json) {
    const { reason, message, issues } = answer;
    ctx.printJson({ flowRunId: run.id, error: { reason, message, ...(reason === 'INVALID_INPUT' ? { issues } : {}) } });
  } else ctx.note(`Cannot resume: ${answer.message}.`);
  // Input that does not fit is the caller's to fix; the run still waits for better.
  return answer.reason === 'INVALID_INPUT' ? EXIT_BAD_INPUT : EXIT_RUN_FAILED;
};
