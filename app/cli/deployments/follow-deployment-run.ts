import { isTerminal, type FlowRun } from '../../core/index.js';
import type { CliContext } from '../context.js';
import { EXIT_OK, EXIT_RUN_FAILED, type ExitCode } from '../errors.js';
import { formatClock, formatStateName } from '../output/format.js';

/** A run's result preview as the value it shows, as `run --json` prints results. */
function resultValue(preview: string | null): unknown {
  if (preview === null) return null;
  try {
    return JSON.parse(preview) as unknown;
  } catch {
    // A preview cut short is no longer JSON: the text stands for it.
    return preview;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Follows a deployment's run until its state is final, printing each state it enters (not with
 * --json), then its end as `run` prints it; exit 0 only on Completed.
 */
export async function followDeploymentRun(ctx: CliContext, first: FlowRun, json: boolean): Promise<ExitCode> {
  const runs = await ctx.runs();
  let run = first;
  let shown = '';
  for (;;) {
    const seen = `${run.state.type}/${run.state.name}`;
    if (!json && seen !== shown)
      ctx.print(`${formatClock(Date.now())}  ${formatStateName(run.state, ctx.colors)}${run.state.message ? `  ${run.state.message}` : ''}`);
    shown = seen;
    if (isTerminal(run.state.type)) break;
    await delay(runs.pollIntervalMs);
    run = (await runs.getFlowRun(run.id)) ?? run;
  }
  const ok = run.state.type === 'COMPLETED';
  if (json) {
    ctx.printJson({
      flowRunId: run.id,
      state: { type: run.state.type, name: run.state.name },
      result: ok ? resultValue(run.result) : null,
      ...(ok ? {} : { error: run.state.message ?? run.state.error?.message ?? run.state.name }),
    });
  } else {
    const c = ctx.colors;
    ctx.print(`${c.bold('Flow run')}  ${run.name} ${c.gray(run.id)}`);
    ctx.print(`${c.bold('State')}     ${formatStateName(run.state, c)}`);
    if (ok) ctx.print(`${c.bold('Result')}    ${run.result ?? 'null'}`);
    else if (run.state.message) ctx.print(`${c.bold('Error')}     ${run.state.message}`);
  }
  return ok ? EXIT_OK : EXIT_RUN_FAILED;
}
