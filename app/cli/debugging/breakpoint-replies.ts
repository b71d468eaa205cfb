import { ContinueTaskRunSchema, SkipTaskRunSchema } from '../../core/api/index.js';
import type { TaskRun } from '../../core/index.js';
import type { CliContext } from '../context.js';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED, UsageError, type ExitCode } from '../errors.js';
import type { BreakpointAnswerOutcome, BreakpointReply } from '../runs-source/runs-source.js';

/** JSON a person typed, or a usage error that says so with an example of what fits. */
export function parseJsonText(raw: string, what: string, example: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`${what} must be JSON, e.g. ${example} (${(error as Error).message})`);
  }
}

/** Edited inputs: a JSON array of the task's arguments, held to the API's limits. */
export function parseInputs(raw: string, what = '--inputs', example = `--inputs '[10, "text"]'`): unknown[] {
  const inputs = parseJsonText(raw, what, example);
  if (!Array.isArray(inputs)) throw new UsageError(`${what} must be a JSON array of the task's arguments in their order, e.g. ${example}`);
  const checked = ContinueTaskRunSchema.safeParse({ inputs });
  if (!checked.success) throw new UsageError(`${what}: ${checked.error.issues[0]?.message ?? 'not accepted'}`);
  return inputs;
}

/** A skipped run's result: any JSON value, held to the API's limits. */
export function parseResult(raw: string, what = '--result', example = `--result '{"rows":3}' or --result null`): unknown {
  const result = parseJsonText(raw, what, example);
  const checked = SkipTaskRunSchema.safeParse({ result });
  if (!checked.success) throw new UsageError(`${what}: ${checked.error.issues[0]?.message ?? 'not accepted'}`);
  return result;
}

/** What an accepted reply did, in a line for people. */
export function describeReply(reply: BreakpointReply, run: Pick<TaskRun, 'id' | 'name'>): string {
  const label = `task run ${run.name} (${run.id})`;
  switch (reply.action) {
    case 'continue':
      return `Continued ${label}${reply.inputs ? ` with inputs ${JSON.stringify(reply.inputs)}` : ''}; it runs to the next breakpoint.`;
    case 'step':
      return `Stepped ${label}${reply.inputs ? ` with inputs ${JSON.stringify(reply.inputs)}` : ''}; the flow run stops again before its next task run.`;
    case 'skip':
      return `Skipped ${label}; it completes with the result ${JSON.stringify(reply.result)}.`;
    case 'fail':
      return `Let ${label} fail with its error.`;
  }
}

const VERBS: Record<BreakpointReply['action'], string> = { continue: 'continue', step: 'step', skip: 'skip', fail: 'fail' };

/** Why a refused answer was refused, in a line for people. */
export function describeRefusal(reply: BreakpointReply, message: string): string {
  return `Cannot ${VERBS[reply.action]}: ${message}.`;
}

/** The exit code of a refused answer: one that does not fit is the caller's to fix; the run still waits for a better one. */
export function refusalExitCode(reason: Extract<BreakpointAnswerOutcome, { ok: false }>['reason']): ExitCode {
  return reason === 'INVALID_INPUT' ? EXIT_BAD_INPUT : EXIT_RUN_FAILED;
}

/** Answers a task run's breakpoint and prints how it went, as text or one JSON line. */
export async function answerAndReport(ctx: CliContext, run: TaskRun, reply: BreakpointReply, json: boolean): Promise<ExitCode> {
  const source = await ctx.runs();
  const outcome = await source.answerBreakpoint(run.id, reply);
  if (outcome.ok) {
    const { type, name } = outcome.run.state;
    if (json) ctx.printJson({ taskRunId: run.id, flowRunId: run.flowRunId, action: reply.action, state: { type, name } });
    else ctx.print(describeReply(reply, run));
    return EXIT_OK;
  }
  if (json) ctx.printJson({ taskRunId: run.id, error: { reason: outcome.reason, message: outcome.message } });
  else ctx.note(describeRefusal(reply, outcome.message));
  return refusalExitCode(outcome.reason);
}
