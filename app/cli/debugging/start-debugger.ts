import { newId } from '../../core/ids.js';
import type { CliContext } from '../context.js';
import type { RunProgress } from '../output/run-progress.js';
import type { TerminalDebugger } from './terminal-debugger.js';

/** A debugger's prompt for a debug run on a terminal, and the id the flow run will have, so `q` can cancel it. */
export interface InteractiveDebug {
  flowRunId: string;
  terminal: TerminalDebugger;
}

/**
 * The prompt when a person is at a terminal (stdin and stderr are one) and did not ask for
 * `--json`; null otherwise, and the run waits for the task-run commands instead. It answers
 * through the runs source: the store this process opened, or the server with the key.
 */
export async function startTerminalDebugger(ctx: CliContext, progress: RunProgress, flowRunId: string | undefined): Promise<InteractiveDebug | null> {
  if (process.stdin.isTTY !== true || !ctx.stderr.isTTY) return null;
  const id = flowRunId ?? newId();
  // Loaded only for a prompt: answering checks input against the API's schemas, which a run does not need.
  const [{ DebugConsole }, { TerminalDebugger }] = await Promise.all([import('./debug-console.js'), import('./terminal-debugger.js')]);
  const debugConsole = new DebugConsole(await ctx.runs(), id, progress.line);
  return { flowRunId: id, terminal: new TerminalDebugger(debugConsole, progress, process.stdin, process.stderr) };
}
