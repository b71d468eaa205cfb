// `flowdeck worker start` against a real server: runs deployed from flowdeck.yaml run on demand in
// a worker's own processes, from the bundled code alone; a cancelled run's process is stopped; a
// worker killed with -9 leaves no run Running; SIGTERM lets runs finish, a second one hands them back.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli, showOutput, stateNames, waitUntil } from '../helpers/cli.js';
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
} from './workers-support.js';

const YAML = `deployments:
  - name: on-demand
    entrypoint: flows/work.ts:greet
    parameters:
      name: yaml
    workPool: local
  - name: long
    entrypoint: flows/work.ts:nap
    workPool: local
`;

async function runOnDemand(server: TestServer, flow: string, name: string, parameters: Record<string, unknown> = {}): Promise<string> {
  const id = await deploymentId(server, flow, name);
  return (await server.client.runDeployment({ params: { id }, body: { parameters } })).id;
}

it('deploys from flowdeck.yaml and a worker with its own home and folder runs a run on demand from the bundle alone', async () => {
  const server = await startServer();
  await createPool(server);
  const project = writeProject(YAML);
  await deploy(server, project);
  // The worker has only the server: the project folder is gone before it starts.
  rmSync(project, { recursive: true, force: true });
  const worker = startWorker(server, ['--name', 'first']);
  await worker.ready();

  const runId = await runOnDemand(server, 'greet', 'on-demand', { name: 'worker' });
  const run = await waitForRun(server, runId, 'final');
  expect(run.state.type, JSON.stringify(run.state)).toBe('COMPLETED');
  expect(run.workerName).toBe('first');
  const result = JSON.parse(run.result!) as { greeting: string; mark: string; cwd: string };
  expect(result.greeting).toBe('HELLO WORKER!');
  expect(result.mark).toBe('from the bundle');
  // It ran in the bundle's folder under the worker's own home.
  expect(result.cwd.startsWith(join(worker.home, '.flowdeck', 'bundles'))).toBe(true);
  expect(existsSync(join(result.cwd, 'flows', 'lib', 'shout.ts'))).toBe(true);
  const states = await server.client.listFlowRunStates({ params: { id: runId } });
  expect(stateNames(states)).toEqual(['Scheduled', 'Pending', 'Running', 'Completed']);

  // A run without parameters of its own gets the deployment's.
  const second = await waitForRun(server, await runOnDemand(server, 'greet', 'on-demand'), 'final');
  expect((JSON.parse(second.result!) as { greeting: string }).greeting).toBe('HELLO YAML!');

  await waitUntil(() => worker.events().filter((e) => e.event === 'ended').length === 2, { what: 'two ended lines' });
  // One line as each run started and one as it ended; the second run may start before the first one's end is printed.
  const lines = worker.events().map((e) => `${e.event} ${e.flowRunId} ${e.outcome ?? ''}`.trim());
  for (const id of [runId, second.id]) {
    expect(lines.filter((line) => line.includes(id))).toEqual([`started ${id}`, `ended ${id} Completed`]);
  }
  expect(lines).toHaveLength(4);
  worker.proc.kill('SIGTERM');
  const ended = await worker.proc.wait();
  expect(ended.code, showOutput(ended)).toBe(0);
  expect(ended.stderr).toContain("Worker 'first' stopped.");
  const [listed] = await server.client.listWorkers({ params: { pool: 'local' } });
  expect(listed).toMatchObject({ name: 'first', status: 'OFFLINE' });
});

it("resolves the flow's packages from the job template's working folder, where the process starts", async () => {
  const server = await startServer();
  const workingDir = tempFolder('flowdeck-working-');
  // A package only the working folder has.
  const pkg = join(workingDir, 'node_modules', 'greeting-words');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'greeting-words', type: 'module', exports: './index.js' }));
  writeFileSync(join(pkg, 'index.js'), "export const salute = 'ahoy';\n");
  await createPool(server, { workingDir, env: { GREETING_SOURCE: 'job template' } });
  const project = writeProject(`deployments:
  - name: packaged
    entrypoint: flows/packaged.ts:packaged
    workPool: local
`);
  writeFileSync(
    join(project, 'flows', 'packaged.ts'),
    "import { flow } from 'flowdeck';\nimport { salute } from 'greeting-words';\n" +
      "export const packaged = flow({ name: 'packaged' }, async () => ({ salute, source: process.env.GREETING_SOURCE, cwd: process.cwd() }));\n",
  );
  // The machine that deploys has the package too; the worker's machine has it only in the working folder.
  cpSync(pkg, join(project, 'node_modules', 'greeting-words'), { recursive: true });
  await deploy(server, project);
  rmSync(project, { recursive: true, force: true });
  const worker = startWorker(server);
  await worker.ready();

  const run = await waitForRun(server, await runOnDemand(server, 'packaged', 'packaged'), 'final');
  expect(run.state.type, JSON.stringify(run.state)).toBe('COMPLETED');
  expect(JSON.parse(run.result!)).toEqual({ salute: 'ahoy', source: 'job template', cwd: workingDir });
});

it('a cancelled run on a worker ends Cancelled and its process is gone', async () => {
  const server = await startServer();
  await createPool(server);
  await deploy(server, writeProject(YAML));
  const worker = startWorker(server);
  await worker.ready();

  const runId = await runOnDemand(server, 'nap', 'long');
  await waitForRun(server, runId, 'RUNNING');
  const { pid } = await worker.started(runId);
  expect(alive(pid!)).toBe(true);

  await server.client.cancelFlowRun({ params: { id: runId } });
  const run = await waitForRun(server, runId, 'final');
  expect(run.state.type, JSON.stringify(run.state)).toBe('CANCELLED');
  await waitUntil(() => !alive(pid!), { what: `the run's process ${pid} to end` });
  await waitUntil(() => worker.events().some((e) => e.event === 'ended' && e.flowRunId === runId), { what: 'the ended line' });
  expect(worker.events().find((e) => e.event === 'ended')?.outcome).toMatch(/^Cancelled/);
});

it("a worker killed with -9: its runs' processes notice, stop and record their runs Crashed", async () => {
  const server = await startServer();
  await createPool(server);
  await deploy(server, writeProject(YAML));
  const worker = startWorker(server, ['--limit', '2']);
  await worker.ready();
  const ids = [await runOnDemand(server, 'nap', 'long'), await runOnDemand(server, 'nap', 'long')];
  for (const id of ids) await waitForRun(server, id, 'RUNNING');
  const pids = await Promise.all(ids.map(async (id) => (await worker.started(id)).pid!));

  worker.proc.kill('SIGKILL');
  for (const id of ids) {
    const run = await waitForRun(server, id, 'final');
    expect(run.state.type).toBe('CRASHED');
    // Recorded by the run's own process when the worker's pipe closed, not by the server's sweep of silent runs.
    expect(run.state.message).toContain('received SIGTERM');
  }
  await waitUntil(() => pids.every((pid) => !alive(pid)), { what: "the runs' processes to end" });
});

it('SIGTERM: the worker takes no more runs and waits for its run to finish, then says goodbye', async () => {
  const server = await startServer();
  await createPool(server);
  await deploy(server, writeProject(YAML));
  const worker = startWorker(server, ['--name', 'patient']);
  await worker.ready();
  const runId = await runOnDemand(server, 'nap', 'long', { seconds: 3 });
  await waitForRun(server, runId, 'RUNNING');

  worker.proc.kill('SIGTERM');
  await worker.proc.waitForOutput('waiting for 1 run to finish; Ctrl+C again hands them back', 'stderr');
  // Due now, but the worker takes no more.
  const later = await runOnDemand(server, 'greet', 'on-demand');
  const ended = await worker.proc.wait();
  expect(ended.code, showOutput(ended)).toBe(0);
  expect((await server.client.getFlowRun({ params: { id: runId } })).state.type).toBe('COMPLETED');
  expect((await server.client.getFlowRun({ params: { id: later } })).state.type).toBe('SCHEDULED');
  expect(ended.stderr).toContain("Worker 'patient' stopped.");
});

it('a second SIGTERM stops the running runs and hands them back, Scheduled again for another worker', async () => {
  const server = await startServer();
  await createPool(server);
  await deploy(server, writeProject(YAML));
  const worker = startWorker(server, ['--limit', '2']);
  await worker.ready();
  const ids = [await runOnDemand(server, 'nap', 'long'), await runOnDemand(server, 'nap', 'long')];
  for (const id of ids) await waitForRun(server, id, 'RUNNING');
  const pids = await Promise.all(ids.map(async (id) => (await worker.started(id)).pid!));

  worker.proc.kill('SIGTERM');
  await worker.proc.waitForOutput('waiting for 2 runs to finish', 'stderr');
  worker.proc.kill('SIGTERM');
  const ended = await worker.proc.wait();
  expect(ended.code, showOutput(ended)).toBe(0);
  expect(ended.stderr).toContain('handing them back');
  for (const id of ids) expect((await server.client.getFlowRun({ params: { id } })).state.type).toBe('SCHEDULED');
  expect(pids.some(alive)).toBe(false);

  const next = startWorker(server, ['--limit', '2', '--name', 'next']);
  for (const id of ids) {
    await next.started(id);
    expect((await waitForRun(server, id, 'RUNNING')).workerName).toBe('next');
  }
});

it('says that a worker needs a server, and how to start one', async () => {
  const done = await runCli(['worker', 'start', '--pool', 'local'], { home: tempFolder() });
  expect(done.code).toBe(2);
  expect(done.stderr).toContain('a worker takes its runs from a Flowdeck server');
  expect(done.stderr).toContain('flowdeck server start');
});

it('a run whose flow file fails to load on the worker is Crashed, pointing at its output', async () => {
  const server = await startServer();
  await createPool(server, { env: { FAIL_TO_LOAD: 'yes' } });
  const project = writeProject(`deployments:
  - name: fragile
    entrypoint: flows/fragile.ts:fragile
    workPool: local
`);
  writeFileSync(
    join(project, 'flows', 'fragile.ts'),
    "import { flow } from 'flowdeck';\nif (process.env.FAIL_TO_LOAD) throw new Error('no database on this machine');\n" +
      "export const fragile = flow({ name: 'fragile' }, async () => 1);\n",
  );
  await deploy(server, project);
  const worker = startWorker(server);
  await worker.ready();

  const runId = await runOnDemand(server, 'fragile', 'fragile');
  const run = await waitForRun(server, runId, 'final');
  expect(run.state.type).toBe('CRASHED');
  const logPath = join(worker.home, 'runs', `${runId}.log`);
  expect(run.state.message).toContain(`its output is in ${logPath}`);
  expect(readFileSync(logPath, 'utf8')).toContain('no database on this machine');
});

it('flow-run execute runs a Scheduled run of a deployment in this process, and refuses one that has ended', async () => {
  const server = await startServer();
  await createPool(server);
  const project = writeProject(YAML);
  await deploy(server, project);
  const id = await deploymentId(server, 'greet', 'on-demand');
  // No worker runs: the due run waits, Scheduled, for someone to start it.
  const { id: runId } = await server.client.runDeployment({ params: { id }, body: { parameters: { name: 'hand' } } });
  const options = { home: tempFolder(), cwd: project, env: { FLOWDECK_API_URL: server.api } };

  const done = await runCli(['flow-run', 'execute', runId, '--json'], options);
  expect(done.code, showOutput(done)).toBe(0);
  expect(JSON.parse(done.stdout.trim().split('\n').pop()!)).toMatchObject({ flowRunId: runId, state: { type: 'COMPLETED' } });
  expect(JSON.parse((await server.client.getFlowRun({ params: { id: runId } })).result!)).toMatchObject({ greeting: 'HELLO HAND!' });

  const again = await runCli(['flow-run', 'execute', runId], options);
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('is Completed; only a Scheduled or Pending run can be executed');
});
