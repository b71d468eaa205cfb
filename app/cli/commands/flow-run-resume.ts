import { ResumeFlowRunSchema } from '../../core/api/index.js';
import { findFlowRun, stringOption } from '../command-helpers.js';
import { defineCommand } from '../command.js';
import { EXIT_OK, EXIT_RUN_FAILED, UsageError } from '../errors.js';

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

export default defineCommand({
  name: 'flow-run resume',
  summary: 'Resume a paused flow run, handing it the input its pauseFlowRun() waits for',
  usage: 'ID [--input JSON]',
  options: { input: { type: 'string', value: 'JSON', description: 'What pauseFlowRun() answers the flow, as JSON' } },
  positionals: { min: 1, max: 1, names: ['ID'] },
  async run(args, ctx) {
    const raw = stringOption(args, 'input');
    const input = raw === undefined ? undefined : parseInput(raw);
    const source = ctx.runs();
    const run = await findFlowRun(source, args.positionals[0]);
    const answer = await source.resumeFlowRun(run.id, input);
    if (answer.ok) {
      ctx.print(`Resumed flow run ${run.name} (${run.id}); its process goes on at its next heartbeat.`);
      return EXIT_OK;
    }
    ctx.note(`Cannot resume: ${answer.message}.`);
    return EXIT_RUN_FAILED;
  },
});
