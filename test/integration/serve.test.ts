// flow.serve() and flow.deploy() in real `flowdeck` processes: a serve process registers its
// deployment and runs its runs (scheduled and on demand) against a real server on loopback and
// against the local database with no server, and stops cleanly on Ctrl+C; deploy() in code stores
// a deployment and the bundle of its flow's files, as a worker needs them.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { DeploymentRead } from '../../app/core/api/deployments.js';
import type { FlowRun } from '../../app/core/index.js';
import { bundleHash } from '../../app/server/bundles/bundle-hash.js';
import { BundleStore, localBundleFolder } from '../../app/server/bundles/bundle-store.js';
import { openTestStore } from '../helpers/store-factory.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { killStrayProcesses, readStore, runCli, showOutput, spawnCli, waitUntil, type CliProcess } from '../helpers/cli.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'serving');

let serverHome: ReturnType<typeof makeTempHome>;
let clientHome: ReturnType<typeof makeTempHome>;
/** A project folder of its own (with a package.json), holding a copy of the fixtures. */
let project: string;

beforeEach(() => {
  serverHome = makeTempHome();
  clientHome = makeTempHome();
  project = join(clientHome.home, 'project');
  cpSync(FIXTURES, project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'served-project', private: true, type: 'module' }));
});

afterEach(async () => {
  await killStrayProcesses();
  serverHome.cleanup();
  clientHome.cleanup();
});

async function startServer(): Promise<string> {
  const proc = spawnCli(['server', 'start', '--port', '0'], { home: serverHome.home });
  await proc.waitForOutput(/listening on http:\/\/127\.0\.0\.1:\d+/);
  return `http://127.0.0.1:${/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(proc.stdout)![1]}/api`;
}

async function api<T>(url: string, init?: { method: string; body: unknown }): Promise<T> {
  const response = await fetch(
    url,
    init ? { method: init.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) } : undefined,
  );
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The lines the serve process printed for runs that ended, by run name. */
function endedRuns(proc: CliProcess): Map<string, string> {
  const ended = new Map<string, string>();
  for (const match of proc.stdout.matchAll(/^\d\d:\d\d:\d\d (\S+) (Completed|Failed|Crashed|Cancelled)$/gm)) ended.set(match[1], match[2]);
  return ended;
}

async function stopWithSigint(proc: CliProcess) {
  proc.child.kill('SIGINT');
  return proc.wait();
}

it('serves a flow against a server: runs its interval schedule and a run asked for, and stops on Ctrl+C', async () => {
  const apiUrl = await startServer();
  const serve = spawnCli(['run', 'serve.ts'], { home: clientHome.home, cwd: project, env: { FLOWDECK_API_URL: apiUrl } });
  await serve.waitForOutput(/^Next runs /m);
  expect(serve.stdout).toMatch(/^Serving {3}hello\/every-second \S+ \(up to 10 runs at once, on http:\/\/127\.0\.0\.1:\d+\/api\)$/m);
  expect(serve.stdout).toMatch(/^Schedule {2}every second/m);

  const deployment = await api<DeploymentRead>(`${apiUrl}/deployments/name/hello/every-second`);
  expect(deployment).toMatchObject({ workPool: null, bundle: null, entrypoint: 'flows.ts:hello', parameters: { n: 3 } });
  // Two scheduled runs, made by the server's scheduler and run by the serve process.
  await waitUntil(() => [...endedRuns(serve).values()].filter((state) => state === 'Completed').length >= 2, {
    what: 'two scheduled runs to complete',
  });
  const onDemand = await api<FlowRun>(`${apiUrl}/deployments/${deployment.id}/runs`, { method: 'POST', body: { parameters: { n: 21 } } });
  await waitUntil(() => endedRuns(serve).get(onDemand.name) === 'Completed', { what: 'the run asked for to complete' });

  const done = await stopWithSigint(serve);
  expect(done.code, showOutput(done)).toBe(0);
  expect(done.stderr).toContain('received SIGINT: taking no more runs');
  expect(done.stdout.trimEnd().split('\n').at(-1)).toBe('stopped serving hello/every-second; its schedules are paused until it is served again');
  expect(done.stderr).not.toMatch(/has no flow|error:/);

  const run = await api<FlowRun & { result?: unknown }>(`${apiUrl}/flow-runs/${onDemand.id}`);
  expect(run).toMatchObject({ deploymentId: deployment.id, parameters: { n: 21 }, state: { type: 'COMPLETED' } });
  expect(run.workerName).toMatch(/^serve-/);
  const served = await api<DeploymentRead>(`${apiUrl}/deployments/${deployment.id}`);
  const completed = served.recent.filter((r) => r.state.type === 'COMPLETED');
  expect(completed.length).toBeGreaterThanOrEqual(3);
  // Every run it started, it finished: nothing is left Running or Pending behind it.
  expect(served.recent.filter((r) => r.state.type === 'RUNNING' || r.state.type === 'PENDING')).toEqual([]);
});

it('serves with the local profile and no server: the serve process schedules its own runs', async () => {
  const serve = spawnCli(['serve', 'flows.ts', '--flow', 'hello', '--name', 'local-every-second', '--interval', '1', '--param', 'n=4'], {
    home: clientHome.home,
    cwd: project,
  });
  await serve.waitForOutput(/^Next runs /m);
  await waitUntil(() => endedRuns(serve).size >= 2, { what: 'two scheduled runs to end' });
  const done = await stopWithSigint(serve);
  expect(done.code, showOutput(done)).toBe(0);
  expect(done.stdout.trimEnd().split('\n').at(-1)).toBe(
    'stopped serving hello/local-every-second; its schedules are paused until it is served again',
  );

  const runs = await readStore(clientHome.dbPath, async (store) => (await store.flowRuns()).filter((r) => r.startTime !== null));
  expect(runs.length).toBeGreaterThanOrEqual(2);
  for (const run of runs) {
    expect(run).toMatchObject({
      deploymentName: 'hello/local-every-second',
      parameters: { n: 4 },
      state: { type: 'COMPLETED' },
      autoScheduled: true,
    });
  }
});

/** Hourly, half an hour away from now: no run of it comes due while a test runs. */
function hourlyAwayFromNow(): string {
  return `${(new Date().getUTCMinutes() + 30) % 60} * * * *`;
}

/** The runs its schedules made that wait for a time still to come. */
function futureScheduledRuns(runs: readonly FlowRun[], after: number): FlowRun[] {
  return runs.filter((run) => run.autoScheduled && run.state.type === 'SCHEDULED' && run.expectedStartTime! > after);
}

it("pauses its deployment's schedules when stopped against a server, deleting their future runs; serving again resumes them", async () => {
  const apiUrl = await startServer();
  const remote = { home: clientHome.home, cwd: project, env: { FLOWDECK_API_URL: apiUrl } };
  const cron = hourlyAwayFromNow();
  const serve = spawnCli(['serve', 'flows.ts', '--flow', 'hello', '--name', 'hourly', '--cron', cron], remote);
  await serve.waitForOutput(/^Next runs /m);
  const deployment = await api<DeploymentRead>(`${apiUrl}/deployments/name/hello/hourly`);
  const runsOf = async () => (await api<{ items: FlowRun[] }>(`${apiUrl}/flow-runs?deploymentId=${deployment.id}&limit=200`)).items;
  await waitUntil(async () => futureScheduledRuns(await runsOf(), Date.now()).length >= 3, { what: 'the server to schedule its runs' });
  const later = await api<FlowRun>(`${apiUrl}/deployments/${deployment.id}/runs`, {
    method: 'POST',
    body: { scheduledTime: Date.now() + 3_600_000 },
  });

  const done = await stopWithSigint(serve);
  expect(done.code, showOutput(done)).toBe(0);
  expect(done.stdout.trimEnd().split('\n').at(-1)).toBe('stopped serving hello/hourly; its schedules are paused until it is served again');
  expect((await api<DeploymentRead>(`${apiUrl}/deployments/${deployment.id}`)).paused).toBe(true);
  const left = await runsOf();
  expect(futureScheduledRuns(left, 0)).toEqual([]);
  // The run asked for still waits for the deployment to be served again.
  expect(left.find((run) => run.id === later.id)?.state.name).toBe('Scheduled');

  const again = spawnCli(['serve', 'flows.ts', '--flow', 'hello', '--name', 'hourly', '--cron', cron], remote);
  await again.waitForOutput(/^Next runs /m);
  expect(again.stdout).not.toContain('Paused');
  expect((await api<DeploymentRead>(`${apiUrl}/deployments/${deployment.id}`)).paused).toBe(false);
  await waitUntil(async () => futureScheduledRuns(await runsOf(), Date.now()).length >= 3, { what: 'the server to schedule its runs again' });
  again.child.kill('SIGTERM');
  const stopped = await again.wait();
  expect(stopped.code, showOutput(stopped)).toBe(0);
  expect(stopped.stdout).toContain('stopped serving hello/hourly; its schedules are paused until it is served again');
  expect(futureScheduledRuns(await runsOf(), 0)).toEqual([]);
});

it('pauses its schedules when stopped with the local profile and no server', async () => {
  const serve = spawnCli(['serve', 'flows.ts', '--flow', 'hello', '--name', 'local-hourly', '--cron', hourlyAwayFromNow()], {
    home: clientHome.home,
    cwd: project,
  });
  await serve.waitForOutput(/^Next runs /m);
  const scheduled = () => readStore(clientHome.dbPath, async (store) => futureScheduledRuns(await store.flowRuns(), 0));
  await waitUntil(async () => (await scheduled()).length >= 3, { what: 'the serve process to schedule its runs' });
  const done = await stopWithSigint(serve);
  expect(done.code, showOutput(done)).toBe(0);
  expect(done.stdout.trimEnd().split('\n').at(-1)).toBe('stopped serving hello/local-hourly; its schedules are paused until it is served again');
  expect(await scheduled()).toEqual([]);
  const listed = await runCli(['deployment', 'inspect', 'hello/local-hourly', '--json'], { home: clientHome.home });
  expect(listed.code, showOutput(listed)).toBe(0);
  expect(JSON.parse(listed.stdout)).toMatchObject({ fullName: 'hello/local-hourly', paused: true });
});

it('serves several deployments from one process with serve(a, b), and pauses each when stopped', async () => {
  const apiUrl = await startServer();
  const serve = spawnCli(['run', 'serve-many.ts'], { home: clientHome.home, cwd: project, env: { FLOWDECK_API_URL: apiUrl } });
  await serve.waitForOutput(/^Schedule {2}none/m);
  expect(serve.stdout).toMatch(/^Serving {3}hello\/together \S+ \(up to 10 runs at once, on http:\/\/127\.0\.0\.1:\d+\/api\)$/m);
  expect(serve.stdout).toMatch(/^Serving {3}nap\/together \S+ \(up to 2 runs at once, on http:\/\/127\.0\.0\.1:\d+\/api\)$/m);
  const hello = await api<DeploymentRead>(`${apiUrl}/deployments/name/hello/together`);
  const nap = await api<DeploymentRead>(`${apiUrl}/deployments/name/nap/together`);
  expect(hello).toMatchObject({ workPool: null, entrypoint: 'flows.ts:hello', parameters: { n: 2 } });
  expect(nap).toMatchObject({ workPool: null, entrypoint: 'flows.ts:nap', schedules: [] });
  await waitUntil(() => [...endedRuns(serve).values()].filter((state) => state === 'Completed').length >= 1, {
    what: 'a scheduled run of hello to complete',
  });
  const onDemand = await api<FlowRun>(`${apiUrl}/deployments/${nap.id}/runs`, { method: 'POST', body: { parameters: { ms: 10 } } });
  await waitUntil(() => endedRuns(serve).get(onDemand.name) === 'Completed', { what: 'the run of nap asked for to complete' });

  const done = await stopWithSigint(serve);
  expect(done.code, showOutput(done)).toBe(0);
  expect(done.stdout.trimEnd().split('\n').slice(-2)).toEqual([
    'stopped serving hello/together; its schedules are paused until it is served again',
    'stopped serving nap/together; it is paused until it is served again',
  ]);
  for (const deployment of [hello, nap]) expect((await api<DeploymentRead>(`${apiUrl}/deployments/${deployment.id}`)).paused).toBe(true);
  expect((await api<FlowRun>(`${apiUrl}/flow-runs/${onDemand.id}`)).workerName).toMatch(/^serve-/);
});

it('serves several flows of a file under one name with `flowdeck serve --flow a --flow b`, with the local profile', async () => {
  const serve = spawnCli(['serve', 'flows.ts', '--flow', 'hello', '--flow', 'nap', '--name', 'pair', '--cron', hourlyAwayFromNow()], {
    home: clientHome.home,
    cwd: project,
  });
  await waitUntil(() => (serve.stdout.match(/^Next runs /gm) ?? []).length === 2, { what: 'both banners' });
  expect(serve.stdout).toMatch(/^Serving {3}hello\/pair /m);
  expect(serve.stdout).toMatch(/^Serving {3}nap\/pair /m);
  const done = await stopWithSigint(serve);
  expect(done.code, showOutput(done)).toBe(0);
  expect(done.stdout.trimEnd().split('\n').slice(-2)).toEqual([
    'stopped serving hello/pair; its schedules are paused until it is served again',
    'stopped serving nap/pair; its schedules are paused until it is served again',
  ]);
  const listed = await runCli(['deployment', 'ls', '--json'], { home: clientHome.home });
  expect(listed.code, showOutput(listed)).toBe(0);
  const deployments = JSON.parse(listed.stdout) as { fullName: string; paused: boolean; workPool: string | null }[];
  expect(deployments.map(({ fullName, paused, workPool }) => ({ fullName, paused, workPool }))).toEqual([
    { fullName: 'hello/pair', paused: true, workPool: null },
    { fullName: 'nap/pair', paused: true, workPool: null },
  ]);
});

it('stops serving by itself when its deployment is deleted', async () => {
  const serve = spawnCli(['serve', 'flows.ts', '--flow', 'hello', '--name', 'short-lived', '--interval', '1'], {
    home: clientHome.home,
    cwd: project,
  });
  await waitUntil(() => endedRuns(serve).size >= 1, { what: 'a scheduled run to end' });
  const deleted = await runCli(['deployment', 'delete', 'hello/short-lived'], { home: clientHome.home });
  expect(deleted.code, showOutput(deleted)).toBe(0);
  const done = await serve.wait();
  expect(done.code, showOutput(done)).toBe(0);
  expect(done.stderr).toMatch(/the deployment hello\/short-lived no longer exists on \S+flowdeck\.db: taking no more runs/);
  expect(done.stdout.trimEnd().split('\n').at(-1)).toBe('stopped serving hello/short-lived');
});

it('lets a running run finish on the first Ctrl+C, and stops it as Crashed on the second', async () => {
  const apiUrl = await startServer();
  const serve = spawnCli(['run', 'serve-nap.ts'], { home: clientHome.home, cwd: project, env: { FLOWDECK_API_URL: apiUrl } });
  await serve.waitForOutput(/^Schedule {2}none/m);
  const deployment = await api<DeploymentRead>(`${apiUrl}/deployments/name/nap/on-demand`);
  const short = await api<FlowRun>(`${apiUrl}/deployments/${deployment.id}/runs`, { method: 'POST', body: { parameters: { ms: 1500 } } });
  await serve.waitForOutput(`started ${short.name}`);
  serve.child.kill('SIGINT');
  await serve.waitForOutput('waiting for 1 running run to finish (Ctrl+C again stops it)', 'stderr');
  const first = await serve.wait();
  expect(first.code, showOutput(first)).toBe(0);
  expect(endedRuns(serve).get(short.name)).toBe('Completed');

  const again = spawnCli(['run', 'serve-nap.ts'], { home: clientHome.home, cwd: project, env: { FLOWDECK_API_URL: apiUrl } });
  await again.waitForOutput(/^Schedule {2}none/m);
  const long = await api<FlowRun>(`${apiUrl}/deployments/${deployment.id}/runs`, { method: 'POST', body: { parameters: { ms: 600_000 } } });
  await again.waitForOutput(`started ${long.name}`);
  await waitUntil(async () => (await api<FlowRun>(`${apiUrl}/flow-runs/${long.id}`)).state.type === 'RUNNING', {
    what: 'the long run to be Running',
  });
  again.child.kill('SIGINT');
  await again.waitForOutput('Ctrl+C again stops it', 'stderr');
  again.child.kill('SIGINT');
  const second = await again.wait();
  expect(second.code, showOutput(second)).toBe(0);
  expect(second.stderr).toContain('stopping the running runs, recorded as Crashed');
  expect(second.stdout).toContain('stopped serving nap/on-demand; it is paused until it is served again');
  expect((await api<FlowRun>(`${apiUrl}/flow-runs/${long.id}`)).state.type).toBe('CRASHED');
});

it('deploys a flow from code: the deployment a worker runs, with its flow file and local imports as a bundle', async () => {
  const pool = await runCli(['work-pool', 'create', 'local'], { home: clientHome.home });
  expect(pool.code, showOutput(pool)).toBe(0);
  const done = await runCli(['run', 'deploy.ts'], { home: clientHome.home, cwd: project });
  expect(done.code, showOutput(done)).toBe(0);
  expect(done.stdout).toMatch(/^deployed hello\/nightly \S+ to work pool local\/default: flows\.ts:hello, 2 files \(bundle [0-9a-f]{12}\)$/m);
  expect(done.stderr).not.toMatch(/has no flow|error:/);

  const store = await openTestStore({ path: clientHome.dbPath, sweepOnOpen: false });
  let deployment: DeploymentRead | null;
  try {
    deployment = await store.findDeployment('hello', 'nightly');
  } finally {
    await store.close();
  }
  expect(done.stdout).toContain(`deployment id ${deployment!.id}`);
  expect(deployment).toMatchObject({
    fullName: 'hello/nightly',
    entrypoint: 'flows.ts:hello',
    workPool: 'local',
    workQueue: 'default',
    parameters: { n: 5 },
    tags: ['etl'],
    version: '1.2',
    description: 'every night',
    paused: false,
    schedules: [{ schedule: { cron: '0 3 * * *', timezone: 'Asia/Shanghai' }, active: true }],
  });
  const bundle = new BundleStore(localBundleFolder(clientHome.home)).get(deployment!.bundle!);
  expect(bundle).toBeDefined();
  expect(bundleHash(bundle!)).toBe(deployment!.bundle);
  const files = Object.fromEntries(bundle!.files.map((file) => [file.path, Buffer.from(file.content, 'base64').toString('utf8')]));
  expect(Object.keys(files).sort()).toEqual(['flows.ts', 'lib/math.ts']);
  expect(files['flows.ts']).toBe(readFileSync(join(project, 'flows.ts'), 'utf8'));
  expect(files['lib/math.ts']).toBe(readFileSync(join(project, 'lib', 'math.ts'), 'utf8'));
});

it('deploys from code to a server, and a worker with a home and folder of its own runs the deployments', async () => {
  const apiUrl = await startServer();
  await api(`${apiUrl}/work-pools`, { method: 'POST', body: { name: 'local' } });
  const remote = { home: clientHome.home, cwd: project, env: { FLOWDECK_API_URL: apiUrl } };
  for (const file of ['deploy.ts', 'self-deploying.ts']) {
    const done = await runCli(['run', file], remote);
    expect(done.code, showOutput(done)).toBe(0);
  }
  const nightly = await api<DeploymentRead>(`${apiUrl}/deployments/name/hello/nightly`);
  const itself = await api<DeploymentRead>(`${apiUrl}/deployments/name/self-deploying/itself`);
  expect(itself).toMatchObject({ entrypoint: 'self-deploying.ts:default', workPool: 'local' });
  expect(itself.updatedAt).toBe(itself.createdAt);

  const workerHome = makeTempHome();
  try {
    const worker = spawnCli(['worker', 'start', '--pool', 'local'], {
      home: workerHome.home,
      cwd: workerHome.home,
      env: { FLOWDECK_API_URL: apiUrl },
    });
    const runs = [
      await api<FlowRun>(`${apiUrl}/deployments/${nightly.id}/runs`, { method: 'POST', body: { parameters: { n: 20 } } }),
      await api<FlowRun>(`${apiUrl}/deployments/${itself.id}/runs`, { method: 'POST', body: { parameters: { n: 20 } } }),
    ];
    const ended = await waitUntil(
      async () => {
        const now = await Promise.all(runs.map((run) => api<FlowRun>(`${apiUrl}/flow-runs/${run.id}`)));
        return now.every((run) => run.state.type !== 'SCHEDULED' && run.state.type !== 'PENDING' && run.state.type !== 'RUNNING') ? now : null;
      },
      { what: 'the worker to run both deployments', intervalMs: 100 },
    );
    expect(
      ended.map((run) => run.state.type),
      `${worker.stdout}\n${worker.stderr}`,
    ).toEqual(['COMPLETED', 'COMPLETED']);
    // Loaded to run one of its runs, the file that deploys itself did not deploy again.
    expect((await api<DeploymentRead>(`${apiUrl}/deployments/${itself.id}`)).updatedAt).toBe(itself.updatedAt);
    worker.child.kill('SIGTERM');
    await worker.wait();
  } finally {
    workerHome.cleanup();
  }
});

it('refuses a deployment to a work pool that does not exist, naming the flow and the pool, and stores nothing', async () => {
  writeFileSync(
    join(project, 'deploy-nowhere.ts'),
    "import { hello } from './flows.js';\nawait hello.deploy({ name: 'lost', workPool: 'nowhere' });\n",
  );
  const done = await runCli(['run', 'deploy-nowhere.ts'], { home: clientHome.home, cwd: project });
  expect(done.code, showOutput(done)).toBe(2);
  expect(done.stderr).toMatch(/deploy\(\) of flow 'hello': workPool: no work pool named 'nowhere'/);
  const store = await openTestStore({ path: clientHome.dbPath, sweepOnOpen: false });
  try {
    expect(await store.listDeployments()).toEqual([]);
  } finally {
    await store.close();
  }
});
