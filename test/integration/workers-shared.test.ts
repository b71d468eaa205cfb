// A pool whose job template has runsPerProcess above 1: its worker runs many runs at once in one
// warm flow process. Each run keeps its own parameters and outcome, a cancelled or failing run ends
// alone (a cancelled one that cannot end gets its process killed, and its neighbours Crashed), runs
// of another bundle go to another process, a worker killed with -9 leaves none of them Running, and
// a second SIGTERM hands them all back.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { WorkPoolRead } from '../../app/core/api/index.js';
import { runCli, showOutput, waitUntil } from '../helpers/cli.js';
import {
  alive,
  createPool,
  deploy,
  deploymentId,
  startServer,
  startWorker,
  tempHome,
  waitForRun,
  writeProject,
  type TestServer,
} from './workers-support.js';

const YAML = `deployments:
  - name: numbered
    entrypoint: flows/numbered.ts:numbered
    workPool: local
  - name: long
    entrypoint: flows/work.ts:nap
    workPool: local
`;

/** Answers its number and the process that ran it; throws when told to. */
const NUMBERED_FLOW =
  "import { flow } from 'flowdeck';\n" +
  "import { z } from 'zod';\n" +
  'export const numbered = flow(\n' +
  "  { name: 'numbered', parameters: z.object({ n: z.number(), fail: z.boolean().default(false) }) },\n" +
  '  async ({ n, fail }: { n: number; fail: boolean }) => {\n' +
  '    await new Promise((resolve) => setTimeout(resolve, 100));\n' +
  '    if (fail) throw new Error(`number ${n} fails`);\n' +
  '    return { n, pid: process.pid };\n' +
  '  },\n' +
  ');\n';

/**
 * `stuck` holds its process's whole thread once it has waited a moment: nothing in that process
 * answers any more. `rest` waits long. One file, so one bundle and one shared process.
 */
const STUCK_FLOW =
  "import { flow } from 'flowdeck';\n" +
  "export const stuck = flow({ name: 'stuck' }, async () => {\n" +
  '  await new Promise((resolve) => setTimeout(resolve, 300));\n' +
  '  for (;;);\n' +
  '});\n' +
  "export const rest = flow({ name: 'rest' }, () => new Promise((resolve) => setTimeout(resolve, 600_000)));\n";

async function sharedProject(server: TestServer, runsPerProcess: number): Promise<void> {
  await createPool(server, { runsPerProcess });
  const folder = writeProject(
    `${YAML}  - name: stuck\n    entrypoint: flows/stuck.ts:stuck\n    workPool: local\n  - name: rest\n    entrypoint: flows/stuck.ts:rest\n    workPool: local\n`,
  );
  writeFileSync(join(folder, 'flows', 'numbered.ts'), NUMBERED_FLOW);
  writeFileSync(join(folder, 'flows', 'stuck.ts'), STUCK_FLOW);
  await deploy(server, folder);
}

async function runDeployment(server: TestServer, flow: string, name: string, parameters: Record<string, unknown>): Promise<string> {
  const id = await deploymentId(server, flow, name);
  return (await server.client.runDeployment({ params: { id }, body: { parameters } })).id;
}

it('20 runs due at once run in one shared process, each with its own parameters; the one that throws fails alone', async () => {
  const server = await startServer();
  await sharedProject(server, 25);
  // Made before any worker runs: all of them are due when it starts.
  const ids: string[] = [];
  for (let n = 0; n < 20; n++) ids.push(await runDeployment(server, 'numbered', 'numbered', { n, fail: n === 7 }));
  const worker = startWorker(server);
  await worker.ready();

  const runs = await Promise.all(ids.map((id) => waitForRun(server, id, 'final')));
  const pids = new Set<number>();
  runs.forEach((run, n) => {
    if (n === 7) {
      expect(run.state.type, JSON.stringify(run.state)).toBe('FAILED');
      expect(run.state.message).toContain('number 7 fails');
      return;
    }
    expect(run.state.type, JSON.stringify(run.state)).toBe('COMPLETED');
    const result = JSON.parse(run.result!) as { n: number; pid: number };
    expect(result.n).toBe(n);
    pids.add(result.pid);
  });
  expect(pids.size).toBe(1);
  const [pid] = pids;
  // The worker names the one process and its one output file for every run.
  await waitUntil(() => worker.events().filter((e) => e.event === 'ended').length === 20, { what: 'an ended line for every run' });
  // Each outcome as the shared process saw it end.
  const outcomes = worker
    .events()
    .filter((e) => e.event === 'ended')
    .map((e) => e.outcome);
  expect(outcomes.filter((o) => o === 'Completed')).toHaveLength(19);
  expect(outcomes.filter((o) => o === 'Failed')).toHaveLength(1);
  const started = worker.events().filter((e) => e.event === 'started');
  expect(started.map((e) => e.pid)).toEqual(Array(20).fill(pid));
  const logPath = join(worker.home, 'runs', `shared-${pid}.log`);
  expect(new Set(started.map((e) => e.logPath))).toEqual(new Set([logPath]));
  expect(existsSync(logPath)).toBe(true);
  // Kept warm for the next runs.
  expect(alive(pid)).toBe(true);
});

it('cancelling one run of a shared process ends it Cancelled and leaves the others to complete', async () => {
  const server = await startServer();
  await sharedProject(server, 10);
  const cancelled = await runDeployment(server, 'nap', 'long', { seconds: 600 });
  // They outlast the cancel grace, after which a process that did not end its run is killed.
  const others = [await runDeployment(server, 'nap', 'long', { seconds: 5 }), await runDeployment(server, 'nap', 'long', { seconds: 5 })];
  const worker = startWorker(server);
  await worker.ready();
  for (const id of [cancelled, ...others]) await waitForRun(server, id, 'RUNNING');
  const pids = new Set(await Promise.all([cancelled, ...others].map(async (id) => (await worker.started(id)).pid)));
  expect(pids.size).toBe(1);

  await server.client.cancelFlowRun({ params: { id: cancelled } });
  const run = await waitForRun(server, cancelled, 'final');
  expect(run.state.type, JSON.stringify(run.state)).toBe('CANCELLED');
  for (const id of others) {
    const other = await waitForRun(server, id, 'final');
    expect(other.state.type, JSON.stringify(other.state)).toBe('COMPLETED');
  }
  expect(alive([...pids][0]!)).toBe(true);
});

it('a worker killed with -9: every run of its shared process is recorded Crashed by that process within 10 s', async () => {
  const server = await startServer();
  await sharedProject(server, 10);
  const ids = [
    await runDeployment(server, 'nap', 'long', {}),
    await runDeployment(server, 'nap', 'long', {}),
    await runDeployment(server, 'nap', 'long', {}),
  ];
  const worker = startWorker(server);
  await worker.ready();
  for (const id of ids) await waitForRun(server, id, 'RUNNING');
  const [pid] = new Set(await Promise.all(ids.map(async (id) => (await worker.started(id)).pid!)));

  worker.proc.kill('SIGKILL');
  for (const id of ids) {
    const run = await waitForRun(server, id, 'final', 10_000);
    expect(run.state.type).toBe('CRASHED');
    // Recorded by the shared process when the worker's pipe closed, not by the server's sweep of silent runs.
    expect(run.state.message).toContain('the worker that started this process is gone');
  }
  await waitUntil(() => !alive(pid), { what: 'the shared process to end' });
});

it('work-pool create --runs-per-process: stored in the job template, shown by inspect, bad values refused', async () => {
  const server = await startServer();
  const home = tempHome();
  const cli = (...args: string[]) => runCli(args, { home, env: { FLOWDECK_API_URL: server.api } });

  const created = await cli('work-pool', 'create', 'many', '--runs-per-process', '250', '--json');
  expect(created.code, showOutput(created)).toBe(0);
  expect((JSON.parse(created.stdout) as WorkPoolRead).jobTemplate.runsPerProcess).toBe(250);
  const shown = await cli('work-pool', 'inspect', 'many');
  expect(shown.stdout).toMatch(/runs per process +250 \(sharing one flow process\)/);
  const plain = await cli('work-pool', 'create', 'one', '--json');
  expect((JSON.parse(plain.stdout) as WorkPoolRead).jobTemplate.runsPerProcess).toBe(1);

  for (const bad of ['0', '1001', 'many', '2.5']) {
    const refused = await cli('work-pool', 'create', 'bad', '--runs-per-process', bad);
    expect(refused.code, showOutput(refused)).toBe(2);
    expect(refused.stderr).toContain(`--runs-per-process must be a whole number from 1 to 1000, got '${bad}'`);
  }
  const withCommand = await cli('work-pool', 'create', 'bad', '--runs-per-process', '4', '--command', 'node');
  expect(withCommand.code, showOutput(withCommand)).toBe(2);
  expect(withCommand.stderr).toContain('cannot go with --command');
  const help = await cli('work-pool', 'create', '--help');
  expect(help.stdout).toContain('share module state');
});

it('a second SIGTERM hands back every run of a shared process: each is Scheduled again and the process is gone', async () => {
  const server = await startServer();
  await sharedProject(server, 10);
  const ids = [await runDeployment(server, 'nap', 'long', {}), await runDeployment(server, 'nap', 'long', {})];
  const worker = startWorker(server);
  await worker.ready();
  for (const id of ids) await waitForRun(server, id, 'RUNNING');
  const [pid] = new Set(await Promise.all(ids.map(async (id) => (await worker.started(id)).pid!)));

  worker.proc.kill('SIGTERM');
  await worker.proc.waitForOutput('waiting for 2 runs to finish', 'stderr');
  worker.proc.kill('SIGTERM');
  const ended = await worker.proc.wait();
  expect(ended.code, showOutput(ended)).toBe(0);
  for (const id of ids) expect((await server.client.getFlowRun({ params: { id } })).state.type).toBe('SCHEDULED');
  expect(alive(pid)).toBe(false);
});

it("runs of two bundles go to two shared processes, each working in its own bundle's folder", async () => {
  const server = await startServer();
  await createPool(server, { runsPerProcess: 10 });
  const first = writeProject('deployments:\n  - name: first\n    entrypoint: flows/work.ts:greet\n    workPool: local\n');
  const second = writeProject('deployments:\n  - name: second\n    entrypoint: flows/work.ts:greet\n    workPool: local\n');
  // A changed module the flow imports makes the second bundle another.
  appendFileSync(join(second, 'flows', 'lib', 'shout.ts'), '// the second project\n');
  await deploy(server, first);
  await deploy(server, second);
  const ids = [
    await runDeployment(server, 'greet', 'first', { name: 'a' }),
    await runDeployment(server, 'greet', 'second', { name: 'b' }),
    await runDeployment(server, 'greet', 'first', { name: 'c' }),
  ];
  const worker = startWorker(server);
  await worker.ready();

  const runs = await Promise.all(ids.map((id) => waitForRun(server, id, 'final')));
  for (const run of runs) expect(run.state.type, JSON.stringify(run.state)).toBe('COMPLETED');
  const folders = runs.map((run) => (JSON.parse(run.result!) as { cwd: string }).cwd);
  expect(folders[0]).toBe(folders[2]);
  expect(folders[1]).not.toBe(folders[0]);
  const pids = await Promise.all(ids.map(async (id) => (await worker.started(id)).pid));
  expect(pids[0]).toBe(pids[2]);
  expect(pids[1]).not.toBe(pids[0]);
});

it("a cancelled run that does not end within the grace period: its shared process is killed, and the process's other runs are Crashed", async () => {
  const server = await startServer();
  await sharedProject(server, 10);
  const others = [await runDeployment(server, 'rest', 'rest', {}), await runDeployment(server, 'rest', 'rest', {})];
  const worker = startWorker(server);
  await worker.ready();
  for (const id of others) await waitForRun(server, id, 'RUNNING');
  const stuck = await runDeployment(server, 'stuck', 'stuck', {});
  await waitForRun(server, stuck, 'RUNNING');
  const { pid } = await worker.started(stuck);
  expect(new Set(await Promise.all(others.map(async (id) => (await worker.started(id)).pid)))).toEqual(new Set([pid]));

  // Well past the moment it holds the thread: the engine there cannot end the run any more.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await server.client.cancelFlowRun({ params: { id: stuck } });
  await waitUntil(() => !alive(pid!), { what: 'the stuck shared process to be killed' });
  for (const id of others) {
    const run = await waitForRun(server, id, 'final');
    expect(run.state.type, JSON.stringify(run.state)).toBe('CRASHED');
  }
  expect((await waitForRun(server, stuck, 'final')).state.type).toMatch(/^(CANCELLED|CRASHED)$/);
});
