/**
 * Continue to Running: the real server in its own process (`flowdeck server start`), and a debug
 * run in another (`flowdeck run FILE --break step` with FLOWDECK_API_URL set, as a person starts
 * one), a flow of sequential task runs that each stop at the breakpoint. This process follows
 * /api/events; at each Breakpoint state it sends POST /api/task-runs/:id/continue and times the
 * send to the arrival of that task run's Running state. The answer reaches the flow process
 * through its held-open read of answers; its Running state comes back through its reports and
 * the server's event hub, which polls the database every 5 ms.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { openEventStream, type EventStream, type ServerEvent } from '../../app/core/api/index.js';
import { cleanEnv, spawnNode, type BenchChild } from '../lib/children.js';
import { makeTempHome } from '../lib/env.js';
import { startServerProcess } from '../lib/server-process.js';
import { max, nowMs, percentile } from '../lib/stats.js';

/** Continues timed, after the untimed warm-up ones. */
export const CONTINUES = 200;
export const CONTINUE_WARM_UP = 20;
/** Keeps a run that never stops or never goes on from hanging the bench; no measurement. */
const SAFETY_NET_MS = 15_000;

const CLI_PATH = fileURLToPath(new URL('../../../bin/flowdeck.js', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function stepsFlow(steps: number): string {
  return `import { flow, task } from 'flowdeck';

const step = task({ name: 'step' }, async (i: number) => i);

export default flow({ name: 'continue-steps' }, async () => {
  let last = -1;
  for (let i = 0; i < ${steps}; i++) last = await step(i);
  return last;
});
`;
}

export interface DebugContinueRun {
  continues: number;
  p50: number;
  p99: number;
  max: number;
  /** Every timed sample, in order, ms. */
  samplesMs: number[];
}

/** Task-run state arrivals by name, and a way to wait for the next of a name. */
class Stops {
  private readonly arrived = new Map<string, number>();
  private readonly breakpoints: string[] = [];
  private waiter: (() => void) | null = null;

  onEvent = (event: ServerEvent): void => {
    if (event.type !== 'state' || event.kind !== 'task') return;
    if (event.state.name === 'Breakpoint') this.breakpoints.push(event.runId);
    if (event.state.name === 'Running') this.arrived.set(event.runId, nowMs());
    this.waiter?.();
  };

  /** Resolves once `check` holds, re-checked at each event. */
  async until<T>(check: () => T | undefined, what: string): Promise<T> {
    const deadline = Date.now() + SAFETY_NET_MS;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`waited ${SAFETY_NET_MS / 1000}s for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  nextBreakpoint(): Promise<string> {
    return this.until(() => this.breakpoints.shift(), 'a task run to stop at its breakpoint');
  }

  runningAt(taskRunId: string): Promise<number> {
    return this.until(() => this.arrived.get(taskRunId), `task run ${taskRunId} to be Running`);
  }
}

export async function runDebugContinue(count = CONTINUES, warmUp = CONTINUE_WARM_UP): Promise<DebugContinueRun> {
  const server = await startServerProcess('debug-continue');
  const client = makeTempHome('debug-continue-client');
  let stream: EventStream | null = null;
  let run: BenchChild | null = null;
  try {
    const stops = new Stops();
    let markOpen!: () => void;
    const opened = new Promise<void>((resolve) => (markOpen = resolve));
    stream = openEventStream({ baseUrl: server.api, WebSocket, onEvent: stops.onEvent, onStatus: (status) => status === 'open' && markOpen() });
    await opened;

    const file = join(client.home, 'continue-steps.ts');
    writeFileSync(file, stepsFlow(warmUp + count));
    run = spawnNode([CLI_PATH, 'run', file, '--break', 'step', '--json'], {
      cwd: REPO_ROOT,
      env: cleanEnv({ FLOWDECK_HOME: client.home, FLOWDECK_API_URL: server.api }),
    });

    const continueAt = async (taskRunId: string): Promise<number> => {
      const sent = nowMs();
      const response = await fetch(`${server.api}/task-runs/${taskRunId}/continue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      if (!response.ok) throw new Error(`continuing task run ${taskRunId}: ${response.status} ${await response.text()}`);
      return (await stops.runningAt(taskRunId)) - sent;
    };
    for (let i = 0; i < warmUp; i++) await continueAt(await stops.nextBreakpoint());
    const samples: number[] = [];
    for (let i = 0; i < count; i++) samples.push(await continueAt(await stops.nextBreakpoint()));

    const done = await run.waitForOutput(/^\{.*"flowRunId".*$/m, 'the debug run to finish');
    const last = JSON.parse(done[0]) as { state: { name: string }; result: unknown };
    if (last.state.name !== 'Completed' || last.result !== warmUp + count - 1) {
      throw new Error(`the debug run ended ${last.state.name} with ${JSON.stringify(last.result)}: ${run.output()}`);
    }
    return { continues: count, p50: percentile(samples, 50), p99: percentile(samples, 99), max: max(samples), samplesMs: samples };
  } catch (error) {
    throw new Error(`${(error as Error).message}${run ? `\nthe flow process said: ${run.output()}` : ''}`, { cause: error });
  } finally {
    stream?.close();
    await run?.stop('SIGKILL');
    await server.stop();
    client.cleanup();
  }
}
