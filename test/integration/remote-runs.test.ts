// `flowdeck run` against a real `flowdeck server start` process on loopback: the run reports to
// the server through a profile, survives the server being killed and restarted, is cancelled
// and found crashed through the server, and fifty of them report at once.
import { existsSync, readdirSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { FlowRun } from '../../app/core/index.js';
import { makeTempHome } from '../helpers/temp-home.js';
import {
  example,
  fixtureFlow,
  killStrayProcesses,
  lastJsonLine,
  readStore,
  runCli,
  showOutput,
  spawnCli,
  stateNames,
  waitUntil,
  type CliProcess,
} from '../helpers/cli.js';

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

interface ServerProcess {
  proc: CliProcess;
  port: number;
  api: string;
}

async function startServer(port = 0, env: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = spawnCli(['server', 'start', '--port', String(port)], { home: serverHome.home, env });
  await proc.waitForOutput(/listening on http:\/\/127\.0\.0\.1:\d+/);
  const actual = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(proc.stdout)![1]);
  return { proc, port: actual, api: `http://127.0.0.1:${actual}/api` };
}

/** Client commands: their own FLOWDECK_HOME, talking to the server through FLOWDECK_API_URL. */
function remote(api: string, env: Record<string, string> = {}) {
  return { home: clientHome.home, env: { FLOWDECK_API_URL: api, ...env } };
}

/** A loopback port nobody listens on. */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

it('runs a flow on the server the active profile names, and nothing lands in the local database', async () => {
  const server = await startServer();
  const opts = { home: clientHome.home };
  for (const args of [
    ['profile', 'create', 'shared'],
    ['config', 'set', `FLOWDECK_API_URL=${server.api}`],
    ['profile', 'use', 'shared'],
  ]) {
    const done = await runCli(args, args[0] === 'config' ? { ...opts, env: { FLOWDECK_PROFILE: 'shared' } } : opts);
    expect(done.code, showOutput(done)).toBe(0);
  }
  const view = await runCli(['config', 'view'], opts);
  expect(view.stdout).toContain(server.api);

  const run = await runCli(['run', example('hello'), '--param', 'name=Ada', '--json'], opts);
  expect(run.code, showOutput(run)).toBe(0);
  const { flowRunId, state, result } = lastJsonLine(run.stdout);
  expect(state).toEqual({ type: 'COMPLETED', name: 'Completed' });
  expect(result).toEqual(['Hello, Ada!']);

  const stored = await getJson<FlowRun>(`${server.api}/flow-runs/${flowRunId}`);
  expect(stored).toMatchObject({ flowName: 'hello', state: { name: 'Completed' }, pid: expect.any(Number) });
  const logs = await getJson<{ message: string }[]>(`${server.api}/flow-runs/${flowRunId}/logs`);
  expect(logs.map((l) => l.message)).toContain('Hello, Ada!');
  expect(existsSync(clientHome.dbPath)).toBe(false);
  // Everything was delivered: no journal is left behind.
  expect(existsSync(join(clientHome.home, 'outbox')) ? readdirSync(join(clientHome.home, 'outbox')) : []).toEqual([]);
});

it('carries a run through the server being killed with SIGKILL and restarted: every task run is stored exactly once', async () => {
  const server = await startServer();
  const steps = 60;
  const run = spawnCli(['run', fixtureFlow('steps'), '--param', `steps=${steps}`, '--param', 'ms=40', '--json'], remote(server.api));
  // Killed once the run is well under way.
  await waitUntil(
    () =>
      readStore(serverHome.dbPath, async (store) => {
        const taskRuns = await Promise.all((await store.flowRuns()).map((r) => store.taskRuns(r.id)));
        return taskRuns.some((runs) => runs.length >= 10);
      }),
    { what: 'ten task runs on the server' },
  );
  server.proc.kill('SIGKILL');
  await server.proc.exited;
  await new Promise((resolve) => setTimeout(resolve, 700));
  // On the same port, so the run finds it again; afterEach stops it with the other processes.
  await startServer(server.port);

  const done = await run.wait();
  expect(done.code, showOutput(done)).toBe(0);
  expect(done.stderr).toContain('lost contact with');
  expect(done.stderr).toContain('again');
  const { flowRunId, result } = lastJsonLine(done.stdout);
  expect(result).toBe((steps * (steps - 1)) / 2);

  await readStore(serverHome.dbPath, async (store) => {
    expect(stateNames(await store.states(flowRunId))).toEqual(['Pending', 'Running', 'Completed']);
    const taskRuns = await store.taskRuns(flowRunId);
    expect(taskRuns.map((t) => t.name).sort()).toEqual(Array.from({ length: steps }, (_, i) => `step-${i}`).sort());
    for (const taskRun of taskRuns) expect(stateNames(await store.states(taskRun.id)), taskRun.name).toEqual(['Pending', 'Running', 'Completed']);
    const logs = (await store.logs(flowRunId)).filter((l) => /^step \d+ done$/.test(l.message));
    expect(new Set(logs.map((l) => l.message)).size).toBe(steps);
  });
});

it('fifty flow processes report to one server at once: no lock errors, every state stored in order', async () => {
  const server = await startServer();
  const runs = Array.from({ length: 50 }, () => spawnCli(['run', fixtureFlow('steps'), '--param', 'steps=8', '--json'], remote(server.api)));
  const results = await Promise.all(runs.map((proc) => proc.wait(120_000)));
  for (const result of results) {
    expect(result.code, showOutput(result)).toBe(0);
    expect(result.stderr).not.toMatch(/locked|SQLITE_BUSY|lost contact/i);
  }
  const ids = results.map((r) => lastJsonLine(r.stdout).flowRunId);
  expect(new Set(ids).size).toBe(50);
  await readStore(serverHome.dbPath, async (store) => {
    for (const id of ids) {
      expect(stateNames(await store.states(id))).toEqual(['Pending', 'Running', 'Completed']);
      const taskRuns = await store.taskRuns(id);
      expect(taskRuns).toHaveLength(8);
      for (const taskRun of taskRuns) {
        const states = await store.states(taskRun.id);
        expect(stateNames(states)).toEqual(['Pending', 'Running', 'Completed']);
        const times = states.map((s) => s.timestamp);
        expect([...times].sort((a, b) => a - b)).toEqual(times);
      }
    }
  });
  server.proc.kill('SIGTERM');
  const stopped = await server.proc.wait();
  expect(stopped.stderr).not.toMatch(/error|locked/i);
}, 180_000);

it('a cancel through the API stops the remote flow process: Cancelling, then Cancelled', async () => {
  const server = await startServer();
  const run = spawnCli(
    ['run', fixtureFlow('long-task'), '--param', 'seconds=600', '--param', 'listen=true', '--json'],
    remote(server.api, { FLOWDECK_HEARTBEAT_SECONDS: '0.2' }),
  );
  const running = await waitUntil(
    async () => (await getJson<{ items: FlowRun[] }>(`${server.api}/flow-runs`)).items.find((r) => r.state.type === 'RUNNING'),
    { what: 'the flow run to be Running on the server' },
  );
  const cancel = await fetch(`${server.api}/flow-runs/${running.id}/cancel`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(cancel.status).toBe(200);
  const done = await run.wait();
  expect(done.code, showOutput(done)).toBe(1);
  expect(lastJsonLine(done.stdout).state).toEqual({ type: 'CANCELLED', name: 'Cancelled' });
  const states = await getJson<{ name: string }[]>(`${server.api}/flow-runs/${running.id}/states`);
  expect(states.map((s) => s.name)).toEqual(['Pending', 'Running', 'Cancelling', 'Cancelled']);
});

it('retries a failed run on the server from the command line, as its next attempt', async () => {
  const server = await startServer();
  const marker = join(clientHome.home, 'attempted');
  const first = await runCli(['run', fixtureFlow('fails-once'), '--param', `marker=${marker}`, '--json'], remote(server.api));
  expect(first.code, showOutput(first)).toBe(1);
  const { flowRunId } = lastJsonLine(first.stdout);

  const retried = await runCli(['flow-run', 'retry', flowRunId.slice(0, 8), '--json'], remote(server.api));
  expect(retried.code, showOutput(retried)).toBe(0);
  expect(lastJsonLine(retried.stdout)).toMatchObject({ flowRunId, state: { name: 'Completed' }, result: 'loaded' });
  const states = await getJson<{ name: string; attempt: number }[]>(`${server.api}/flow-runs/${flowRunId}/states`);
  expect(states.map((s) => `${s.name}:${s.attempt}`)).toEqual(['Pending:1', 'Running:1', 'Failed:1', 'AwaitingRetry:1', 'Retrying:2', 'Completed:2']);
  expect(existsSync(clientHome.dbPath)).toBe(false);
});

it('the server marks Crashed a remote run whose process was killed', async () => {
  const server = await startServer();
  const run = spawnCli(['run', fixtureFlow('long-task'), '--param', 'seconds=600'], remote(server.api));
  const running = await waitUntil(
    async () => (await getJson<{ items: FlowRun[] }>(`${server.api}/flow-runs`)).items.find((r) => r.state.type === 'RUNNING'),
    { what: 'the flow run to be Running on the server' },
  );
  run.kill('SIGKILL');
  await run.exited;
  const crashed = await waitUntil(
    async () => {
      const stored = await getJson<FlowRun>(`${server.api}/flow-runs/${running.id}`);
      return stored.state.type === 'CRASHED' ? stored : null;
    },
    { what: 'the server to mark the run Crashed' },
  );
  expect(crashed.state.message).toContain('stopped without reporting');
});

it('says in one line when the server is down or refuses the key, before running any flow code', async () => {
  const closedPort = await freePort();
  const down = await runCli(['run', example('hello'), '--param', 'name=Ada'], remote(`http://127.0.0.1:${closedPort}/api`));
  expect(down.code, showOutput(down)).not.toBe(0);
  expect(down.stderr.trim().split('\n')).toHaveLength(1);
  expect(down.stderr).toContain(`cannot reach the Flowdeck server at http://127.0.0.1:${closedPort}/api (connect ECONNREFUSED`);
  expect(down.stderr).not.toMatch(/\bat .*\.js:\d+/);

  const server = await startServer(0, { FLOWDECK_SERVER_API_KEY: 'the-right-key' });
  const refused = await runCli(['run', example('hello'), '--param', 'name=Ada'], remote(server.api, { FLOWDECK_API_KEY: 'a-wrong-key' }));
  expect(refused.code, showOutput(refused)).not.toBe(0);
  expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  expect(refused.stderr).toMatch(/key/i);
  const flowRuns = await fetch(`${server.api}/flow-runs`, { headers: { authorization: 'Bearer the-right-key' } });
  expect(((await flowRuns.json()) as { items: unknown[] }).items).toEqual([]);

  const accepted = await runCli(['run', example('hello'), '--param', 'name=Ada'], remote(server.api, { FLOWDECK_API_KEY: 'the-right-key' }));
  expect(accepted.code, showOutput(accepted)).toBe(0);
});
