// Schedules run live through a worker: an interval schedule, a cron schedule with seconds in a
// named time zone, and a server restarted in the middle without a run made twice or missed.
import { expect, it } from 'vitest';
import type { FlowRunSummary } from '../../app/core/index.js';
import { waitUntil } from '../helpers/cli.js';
import { createPool, deploy, deploymentId, startServer, startWorker, writeProject, type TestServer } from './workers-support.js';

function scheduledProject(schedule: string, extra = ''): string {
  return writeProject(`deployments:
  - name: scheduled
    entrypoint: flows/work.ts:greet
    workPool: local
${extra}    schedules:
      - ${schedule}
`);
}

async function deploymentRuns(server: TestServer, id: string): Promise<FlowRunSummary[]> {
  const page = await server.client.listFlowRuns({ query: { deploymentId: id, limit: 200 } });
  return page.items;
}

/** Waits for `count` completed runs of the deployment; answers them, earliest due first. */
async function completedRuns(server: TestServer, id: string, count: number, safetyNetMs = 30_000): Promise<FlowRunSummary[]> {
  return waitUntil(
    async () => {
      const done = (await deploymentRuns(server, id)).filter((run) => run.state.type === 'COMPLETED');
      return done.length >= count ? done.sort((a, b) => a.expectedStartTime! - b.expectedStartTime!) : null;
    },
    { what: `${count} completed runs`, safetyNetMs, intervalMs: 200 },
  );
}

it('an interval schedule of 2 s makes runs that a worker runs, one every 2 s', async () => {
  const server = await startServer();
  await createPool(server);
  await deploy(server, scheduledProject('interval: 2'));
  const worker = startWorker(server);
  await worker.ready();
  const id = await deploymentId(server, 'greet', 'scheduled');

  const [first, second] = await completedRuns(server, id, 2);
  expect(first.autoScheduled).toBe(true);
  expect(second.expectedStartTime! - first.expectedStartTime!).toBe(2000);
  expect(first.expectedStartTime! % 2000).toBe(0);
  expect(first.workerName).toBe(second.workerName);
});

it('a cron schedule with seconds in a named time zone runs live on its time', async () => {
  const server = await startServer();
  await createPool(server);
  // Every 3 seconds, in a zone 5:45 ahead of UTC: due times fall on whole multiples of 3 s all the same.
  await deploy(server, scheduledProject('cron: "*/3 * * * * *"\n        timezone: Asia/Kathmandu'));
  const worker = startWorker(server);
  await worker.ready();
  const id = await deploymentId(server, 'greet', 'scheduled');

  const [run] = await completedRuns(server, id, 1);
  expect(run.expectedStartTime! % 3000).toBe(0);
  const states = await server.client.listFlowRunStates({ params: { id: run.id } });
  expect(states.map((s) => s.type)).toEqual(['SCHEDULED', 'PENDING', 'RUNNING', 'COMPLETED']);
  expect(states[2].timestamp).toBeGreaterThanOrEqual(run.expectedStartTime!);
});

it('a server restarted in the middle of a schedule makes no run twice and misses none', async () => {
  const server = await startServer();
  await createPool(server);
  await deploy(server, scheduledProject('interval: 2', '    catchUp: all\n'));
  const worker = startWorker(server);
  await worker.ready();
  const id = await deploymentId(server, 'greet', 'scheduled');
  const before = await completedRuns(server, id, 1);

  await server.stop();
  // Down for a while: runs come due meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const again = await startServer({ home: server.home, port: server.port });
  const restartedAt = Date.now();

  // Every run due up to a few seconds after the restart completes, each once.
  let seen = '';
  const runs = await waitUntil(
    async () => {
      const all = (await deploymentRuns(again, id)).sort((a, b) => a.expectedStartTime! - b.expectedStartTime!);
      const due = all.filter((run) => run.expectedStartTime! <= restartedAt + 2000);
      seen = due.map((run) => `${run.expectedStartTime} ${run.state.name} ${run.state.message ?? ''}`).join('\n');
      return due.length > 0 && due.every((run) => run.state.type === 'COMPLETED') ? { all, due } : null;
    },
    { what: 'the runs due across the restart to complete', intervalMs: 200 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; the runs due:\n${seen}\n--- worker\n${worker.proc.stdout}\n${worker.proc.stderr}`);
  });
  const times = runs.all.map((run) => run.expectedStartTime!);
  expect(new Set(times).size).toBe(times.length);
  for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBe(2000);
  expect(runs.due[0].expectedStartTime).toBe(before[0].expectedStartTime);
  // Each ran once: one Running in its history.
  for (const run of runs.due) {
    const states = await again.client.listFlowRunStates({ params: { id: run.id } });
    expect(states.filter((s) => s.type === 'RUNNING')).toHaveLength(1);
  }
  // The worker outlived the server's restart: it ran runs due on both sides of it. It says a run
  // ended once its process has exited, a moment after the run's final state is stored.
  await waitUntil(() => worker.events().filter((e) => e.event === 'ended').length >= runs.due.length, {
    what: `the worker to say the ${runs.due.length} runs ended`,
    intervalMs: 100,
  });
});
