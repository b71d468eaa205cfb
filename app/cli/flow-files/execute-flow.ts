import { LOG_LEVELS } from '../../core/index.js';
import {
  configureEngine,
  crashActiveRuns,
  ParameterValidationError,
  previewOf,
  type FlowRunOutcome,
  type FlowRunRequest,
} from '../../engine/index.js';
import type { CliContext } from '../context.js';
import { EXIT_OK, EXIT_RUN_FAILED, UsageError } from '../errors.js';
import { formatStateName } from '../output/format.js';
import { RunProgress } from '../output/run-progress.js';
import type { AnyFlow } from './load-flow-file.js';

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Points the engine at the local store, with progress shown on stderr. */
export function prepareEngine(ctx: CliContext): RunProgress {
  const store = ctx.openStore();
  const progress = new RunProgress(ctx);
  configureEngine({
    reporter: store,
    home: ctx.home,
    consoleSink: progress.logLine,
    onEvent: progress.event,
    logLevel: LOG_LEVELS[ctx.settings.FLOWDECK_LOGGING_LEVEL],
    heartbeatSeconds: ctx.settings.FLOWDECK_HEARTBEAT_SECONDS,
    cancelGraceSeconds: ctx.settings.FLOWDECK_CANCEL_GRACE_SECONDS,
  });
  return progress;
}

/**
 * Runs a flow in this process until its final state, prints the outcome and returns the exit
 * code. A SIGINT or SIGTERM records the unfinished runs as Crashed before the process ends.
 */
export async function executeFlow(
  ctx: CliContext,
  progress: RunProgress,
  flow: AnyFlow,
  params: Record<string, unknown>,
  request: FlowRunRequest,
  json: boolean,
): Promise<number> {
  const onSignal = (signal: NodeJS.Signals) => {
    progress.finish();
    ctx.note(`received ${signal}: recording unfinished runs as Crashed`);
    void crashActiveRuns(`the flow process received ${signal}`).finally(() => process.exit(SIGNAL_EXIT[signal] ?? 1));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let outcome: FlowRunOutcome;
  try {
    outcome = await flow.run(params, request);
  } catch (error) {
    progress.finish();
    if (error instanceof ParameterValidationError) throw new UsageError(error.message);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  await ctx.openStore().flush();
  const summary = progress.finish();
  if (summary) ctx.note(ctx.colors.gray(summary));
  printOutcome(ctx, outcome, json);
  return outcome.state.type === 'COMPLETED' ? EXIT_OK : EXIT_RUN_FAILED;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function printOutcome(ctx: CliContext, outcome: FlowRunOutcome, json: boolean): void {
  const { state } = outcome;
  if (json) {
    ctx.printJson({
      flowRunId: outcome.flowRunId,
      state: { type: state.type, name: state.name },
      result: outcome.ok ? JSON.parse(previewOf(outcome.result ?? null, Number.MAX_SAFE_INTEGER)) : null,
      ...(outcome.ok ? {} : { error: state.message ?? errorText(outcome.error) }),
    });
    return;
  }
  const c = ctx.colors;
  ctx.print(`${c.bold('Flow run')}  ${outcome.flowRunName} ${c.gray(outcome.flowRunId)}`);
  ctx.print(`${c.bold('State')}     ${formatStateName(state, c)}`);
  if (outcome.ok) ctx.print(`${c.bold('Result')}    ${previewOf(outcome.result ?? null, 500)}`);
  else if (outcome.error !== undefined) ctx.print(`${c.bold('Error')}     ${errorText(outcome.error)}`);
}
