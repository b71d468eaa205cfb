// A worker's spare flow process: started before a run comes, with the CLI and the engine loaded,
// it takes the next run the worker claims. It ends with its worker (Ctrl+C or kill -9), one that
// dies is replaced, a run handed to one that cannot take it starts in a new process, a changed
// job template gets a new spare, and a pool with a command of its own gets none.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CLI_PATH, runCli, showOutput, waitUntil } from '../helpers/cli.js';
import {
  alive,
  createPool,
  deploy,
  deploymentId,
  startServer,
  startWorker,
  tempFolder,
  waitForRun,
  writeProject,
  type TestServer,
  type TestWorker,
} from './workers-support.js';

const YAML = `deployments:
  - name: on-demand
    entrypoint: flows/work.ts:greet
    workPool: local
  - name: where
    entrypoint: flows/where.ts:where
    workPool: local
  - name: long
    entrypoint: flows/work.ts:nap
    workPool: local
`;

/** A flow that says which process ran it, and with what from the job template. */
const WHERE_FLOW =
  "import { flow } from 'flowdeck';\n" +
  "export const where = flow({ name: 'where' }, async () => ({ pid: process.pid, source: process.env.GREETING_SOURCE ?? null, cwd: process.cwd() }));\n";

function project(): string {
  const folder = writeProject(YAML);
  writeFileSync(join(folder, 'flows', 'where.ts'), WHERE_FLOW);
  return folder;
}

/** The worker's spare processes now: its children waiting for a run. */
function sparesOf(worker: TestWorker): number[] {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null && Number(match[2]) === worker.proc.child.pid && match[3].includes('--wait-for-run'))
    .map((match) => Number(match![1]));
}

/** Waits for the worker to have one spare other than those given, and answers its pid. */
function nextSpare(worker: TestWorker, besides: readonly number[] = []): Promise<number> {
  return waitUntil(
    () => {
      if (worker.proc.done) throw new Error(`the worker exited\n${worker.proc.stderr}`);
      const spares = sparesOf(worker).filter((pid) => !besides.includes(pid));
      return spares.length === 1 ? spares[0] : null;
    },
    { what: 'the worker to have a new spare flow process' },
  );
}

function spareLogs(worker: TestWorker): string[] {
  const folder = join(worker.home, 'runs');
  return existsSync(folder) ? readdirSync(folder).filter((name) => name.startsWith('spare-')) : [];
}

async function runDeployment(server: TestServer, flow: string, name: string): Promise<string> {
  const id = await deploymentId(server, flow, name);
  return (await server.client.runDeployment({ params: { id }, body: {} })).id;
}

it('a worker keeps a spare flow process ready; the next run starts in it, and a new spare takes its place', async () => {
  const server = await startServer();
  await createPool(server);
  await deploy(server, project());
  const worker = startWorker(server);
  await worker.ready();
  const spare = await nextSpare(worker);

  const runId = await runDeployment(server, 'where', 'where');
  const run = await waitForRun(server, runId, 'final');
  expect(run.state.type, JSON.stringify(run.state)).toBe('COMPLETED');
  const result = JSON.parse(run.result!) as { pid: number; cwd: string };
  expect(result.pid).toBe(spare);
  // In the bundle's folder, as a process started for the run would be.
  expect(result.cwd.startsWith(join(worker.home, '.flowdeck', 'bundles'))).toBe(true);
  expect((await worker.started(runId)).pid).toBe(spare);
  // The spare's output file became the run's.
  const logPath = join(worker.home, 'runs', `${runId}.log`);
  await waitUntil(() => worker.events().some((e) => e.event === 'ended' && e.flowRunId === runId), { what: 'the ended line' });
  expect(readFileSync(logPath, 'utf8')).toContain(`"flowRunId":"${runId}"`);

  const second = await nextSpare(worker, [spare]);
  expect(spareLogs(worker)).toHaveLength(1);
  const again = await waitForRun(server, await runDeployment(server, 'where', 'where'), 'final');
  expect((JSON.parse(again.result!) as { pid: number }).pid).toBe(second);

  // Stopping the worker stops its spare, and leaves no spare's output file behind.
  const third = await nextSpare(worker, [spare, second]);
  worker.proc.kill('SIGTERM');
  const ended = await worker.proc.wait();
  expect(ended.code, showOutput(ended)).toBe(0);
  expect(alive(third)).toBe(false);
  expect(spareLogs(worker)).toEqual([]);
});

it('a run started in a spare is cancelled as any other: it ends Cancelled and its process is gone', async () => {
  const server = await startServer();
  await createPool(server);
  await deploy(server, project());
  const worker = startWorker(server);
  await worker.ready();
  const spare = await nextSpare(worker);

  const runId = await runDeployment(server, 'nap', 'long');
  await waitForRun(server, runId, 'RUNNING');
  expect((await worker.started(runId)).pid).toBe(spare);
  await server.client.cancelFlowRun({ params: { id: runId } });
  const run = await waitForRun(server, runId, 'final');
  expect(run.state.type, JSON.stringify(run.state)).toBe('CANCELLED');
  await waitUntil(() => !alive(spare), { what: `the run's process ${spare} to end` });
});

it('a spare with no run exits when its worker is killed with -9', async () => {
  const server = await startServer();
  await createPool(server);
  const worker = startWorker(server);
  await worker.ready();
  const spare = await nextSpare(worker);

  worker.proc.kill('SIGKILL');
  await waitUntil(() => !alive(spare), { what: `the spare ${spare} to exit` });
});

it('a spare that dies is replaced; a run handed to a spare that cannot take it starts in a new process', async () => {
  const server = await startServer();
  await createPool(server);
  await deploy(server, project());
  const worker = startWorker(server);
  await worker.ready();
  const first = await nextSpare(worker);

  process.kill(first, 'SIGKILL');
  const second = await nextSpare(worker, [first]);
  expect(worker.proc.stderr).toContain('a spare flow process exited (signal SIGKILL) before a run came');

  // Stopped, it cannot read its run: the worker kills it and starts the run in a new process.
  process.kill(second, 'SIGSTOP');
  const runId = await runDeployment(server, 'where', 'where');
  const run = await waitForRun(server, runId, 'final');
  expect(run.state.type, JSON.stringify(run.state)).toBe('COMPLETED');
  const { pid } = JSON.parse(run.result!) as { pid: number };
  expect([first, second]).not.toContain(pid);
  expect(worker.proc.stderr).toContain(`the spare flow process for run ${runId} ended before it took the run`);
  expect(alive(second)).toBe(false);
  const states = await server.client.listFlowRunStates({ params: { id: runId } });
  expect(states.map((state) => state.name)).toEqual(['Scheduled', 'Pending', 'Running', 'Completed']);
});

it("a changed job template: the spare made for the old one is stopped, and runs get the new one's environment", async () => {
  const server = await startServer();
  await createPool(server, { env: { GREETING_SOURCE: 'first' } });
  await deploy(server, project());
  const worker = startWorker(server);
  await worker.ready();
  const old = await nextSpare(worker);

  await server.client.updateWorkPool({ params: { pool: 'local' }, body: { jobTemplate: { env: { GREETING_SOURCE: 'second' } } } });
  const run = await waitForRun(server, await runDeployment(server, 'where', 'where'), 'final');
  expect(JSON.parse(run.result!)).toMatchObject({ source: 'second' });
  expect((JSON.parse(run.result!) as { pid: number }).pid).not.toBe(old);
  await waitUntil(() => !alive(old), { what: 'the old spare to exit' });

  const fresh = await nextSpare(worker, [old]);
  const next = await waitForRun(server, await runDeployment(server, 'where', 'where'), 'final');
  expect(JSON.parse(next.result!)).toMatchObject({ source: 'second', pid: fresh });
});

it('a pool whose job template names its own command starts each run in a new process, with no spare', async () => {
  const server = await startServer();
  await createPool(server, { command: [process.execPath, CLI_PATH] });
  await deploy(server, project());
  const worker = startWorker(server);
  await worker.ready();

  const run = await waitForRun(server, await runDeployment(server, 'where', 'where'), 'final');
  expect(run.state.type, JSON.stringify(run.state)).toBe('COMPLETED');
  expect(sparesOf(worker)).toEqual([]);
  expect(spareLogs(worker)).toEqual([]);
});

it('flow-run execute says what is missing: a run ID, or with --wait-for-run the worker it waits on', async () => {
  // Refused before anything is asked of the server.
  const options = { home: tempFolder(), env: { FLOWDECK_API_URL: 'http://127.0.0.1:9/api' } };
  const bare = await runCli(['flow-run', 'execute'], options);
  expect(bare.code).toBe(2);
  expect(bare.stderr).toContain('give the ID of the flow run to execute');
  const alone = await runCli(['flow-run', 'execute', '--wait-for-run'], options);
  expect(alone.code).toBe(2);
  expect(alone.stderr).toContain('--wait-for-run takes its run from the worker that started this process: give --from-worker too');
  const both = await runCli(['flow-run', 'execute', 'abc', '--wait-for-run', '--from-worker'], options);
  expect(both.code).toBe(2);
  expect(both.stderr).toContain('give no flow run ID');
});
