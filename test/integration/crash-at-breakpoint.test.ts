// A debug run's process held at a breakpoint: while it lives, its heartbeats keep its flow run
// from being judged crashed however long it waits; killed with SIGKILL, its flow run and the
// paused task run end Crashed, found by the next command that opens the store or by the server's sweep.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowRun, TaskRun } from '../../app/core/index.js';
import { fixtureFlow, killStrayProcesses, readStore, runCli, showOutput, spawnCli, stateNames, waitUntil, type CliProcess } from '../helpers/cli.js';
import { makeTempHome } from '../helpers/temp-home.js';

/** The judge's timeout: a run silent this long is crashed. */
const TIMEOUT_SECONDS = 1;
/** The flow process beats five times per timeout. */
const FLOW_ENV = { FLOWDECK_HEARTBEAT_SECONDS: '0.2' };
const JUDGE_ENV = { FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS) };
/** Several timeouts' worth of waiting at the breakpoint. */
const HELD_MS = 3.5 * TIMEOUT_SECONDS * 1000;

let serverHome: ReturnType<typeof makeTempHome>;
let clientHome: ReturnType<typeof makeTempHome>;

beforeEach(() => {
  serverHome = makeTempHome();
  clientHome = makeTempHome();
});

afterEach(async () => {
  await killStrayProcesses();
  serverHome.cleanup();
  clientHome.cleanup();
});

/** `flowdeck run` of three steps stopped at its first: resolves once it says so. */
async function stoppedRun(env: Record<string, string>): Promise<CliProcess> {
  const proc = spawnCli(['run', fixtureFlow('steps'), '--param', 'steps=3', '--break', 'step', '--json'], { home: clientHome.home, env });
  await proc.waitForOutput("stopped at a breakpoint on task 'step'; go on with: flowdeck task-run continue", 'stderr');
  return proc;
}

describe('a debug run killed at a breakpoint', () => {
  it('with a local store: alive while it waits, Crashed for the next command after SIGKILL', async () => {
    const proc = await stoppedRun({ ...FLOW_ENV, ...JUDGE_ENV });
    const listed = async () => {
      const ls = await runCli(['flow-run', 'ls', '--json'], { home: clientHome.home, env: JUDGE_ENV });
      expect(ls.code, showOutput(ls)).toBe(0);
      return JSON.parse(ls.stdout) as FlowRun[];
    };
    const [flowRun] = await listed();
    expect(flowRun.pid).toBe(proc.child.pid);
    const [taskRun] = await readStore(clientHome.dbPath, (store) => store.taskRuns(flowRun.id));
    expect(taskRun.state).toMatchObject({ type: 'PAUSED', name: 'Breakpoint' });

    // Several timeouts later, each command that opens the store still finds it alive.
    await sleep(HELD_MS);
    expect((await listed()).map((r) => r.state.name)).toEqual(['Running']);
    await readStore(clientHome.dbPath, async (store) => {
      expect(stateNames(await store.states(taskRun.id))).toEqual(['Pending', 'Breakpoint']);
    });

    proc.kill('SIGKILL');
    expect((await proc.wait()).signal).toBe('SIGKILL');
    expect((await listed()).map((r) => [r.id, r.state.type])).toEqual([[flowRun.id, 'CRASHED']]);
    await readStore(clientHome.dbPath, async (store) => {
      expect(stateNames(await store.states(flowRun.id))).toEqual(['Pending', 'Running', 'Crashed']);
      expect(stateNames(await store.states(taskRun.id))).toEqual(['Pending', 'Breakpoint', 'Crashed']);
    });
  }, 30_000);

  it("reporting to a server: alive while it waits, Crashed by the server's sweep after SIGKILL", async () => {
    const server = spawnCli(['server', 'start', '--port', '0'], { home: serverHome.home, env: JUDGE_ENV });
    await server.waitForOutput(/listening on http:\/\/127\.0\.0\.1:\d+/);
    const api = `http://127.0.0.1:${/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(server.stdout)![1]}/api`;
    const get = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${api}${path}`);
      expect(response.status, path).toBe(200);
      return (await response.json()) as T;
    };

    const proc = await stoppedRun({ ...FLOW_ENV, FLOWDECK_API_URL: api });
    const [flowRun] = (await get<{ items: FlowRun[] }>('/flow-runs')).items;
    const stopped = await waitUntil(
      async () => (await get<TaskRun[]>(`/flow-runs/${flowRun.id}/task-runs`)).find((r) => r.state.name === 'Breakpoint'),
      {
        what: 'the task run at its breakpoint on the server',
      },
    );

    // The server sweeps every second with a one-second timeout: several sweeps pass it by.
    await sleep(HELD_MS);
    expect((await get<FlowRun>(`/flow-runs/${flowRun.id}`)).state.name).toBe('Running');
    expect((await get<TaskRun>(`/task-runs/${stopped.id}`)).state.name).toBe('Breakpoint');

    proc.kill('SIGKILL');
    await proc.exited;
    const crashed = await waitUntil(
      async () => {
        const run = await get<FlowRun>(`/flow-runs/${flowRun.id}`);
        return run.state.type === 'CRASHED' ? run : null;
      },
      { what: 'the server to mark the flow run Crashed', safetyNetMs: 15_000 },
    );
    expect(crashed.state.name).toBe('Crashed');
    expect((await get<TaskRun>(`/task-runs/${stopped.id}`)).state).toMatchObject({ type: 'CRASHED', name: 'Crashed' });
    expect((await get<{ name: string }[]>(`/task-runs/${stopped.id}/states`)).map((s) => s.name)).toEqual(['Pending', 'Breakpoint', 'Crashed']);
  }, 40_000);
});
