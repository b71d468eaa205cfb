// Five worker processes race for 500 runs that come due at once: each run is claimed by one
// worker only, once. The pool's job is `true`, a process that ends at once without running the
// flow, so the test measures claims, not flow processes; the worker then records each run Crashed.
import { expect, it } from 'vitest';
import { readStore, waitUntil } from '../helpers/cli.js';
import { deploy, deploymentId, startServer, startWorker, writeProject } from './workers-support.js';

const RUNS = 500;
const WORKERS = 5;

it('five workers racing over 500 due runs claim each run once', async () => {
  const server = await startServer();
  await server.client.createWorkPool({ body: { name: 'local', paused: true, jobTemplate: { command: ['true'] } } });
  await deploy(
    server,
    writeProject(`deployments:
  - name: many
    entrypoint: flows/work.ts:greet
    workPool: local
`),
  );
  const id = await deploymentId(server, 'greet', 'many');
  const created: string[] = [];
  for (let batch = 0; batch < RUNS / 50; batch++) {
    const runs = await Promise.all(Array.from({ length: 50 }, () => server.client.runDeployment({ params: { id }, body: {} })));
    created.push(...runs.map((run) => run.id));
  }
  const workers = Array.from({ length: WORKERS }, (_, i) => startWorker(server, ['--name', `racer-${i}`, '--limit', '20']));
  await Promise.all(workers.map((worker) => worker.ready()));
  // Every run is due; resuming the pool lets all five workers at them at once.
  await server.client.updateWorkPool({ params: { pool: 'local' }, body: { paused: false } });

  await waitUntil(() => workers.reduce((sum, worker) => sum + worker.events().filter((e) => e.event === 'ended').length, 0) >= RUNS, {
    what: `${RUNS} runs to end`,
    safetyNetMs: 50_000,
    intervalMs: 200,
  });
  const started = workers.flatMap((worker) =>
    worker
      .events()
      .filter((e) => e.event === 'started')
      .map((e) => e.flowRunId),
  );
  // A run started twice is shown with its history, to see how it came to be claimed again.
  const twice = started.filter((runId, i) => started.indexOf(runId) !== i);
  const histories = await readStore(server.dbPath, (store) =>
    Promise.all(twice.map(async (runId) => `${runId}: ${(await store.states(runId)).map((s) => s.name).join(' > ')}`)),
  );
  expect(histories).toEqual([]);
  expect(started).toHaveLength(RUNS);
  expect(new Set(started)).toEqual(new Set(created));

  await readStore(server.dbPath, async (store) => {
    for (const runId of created) {
      const run = (await store.flowRun(runId))!;
      expect(run.workerName).toMatch(/^racer-\d$/);
      // Scheduled, perhaps renamed Late while the pool was paused, then claimed once: one Pending.
      const types = (await store.states(runId)).map((s) => s.type);
      expect(types.filter((type) => type === 'PENDING')).toHaveLength(1);
      expect(types.slice(types.indexOf('PENDING'))).toEqual(['PENDING', 'CRASHED']);
      expect(types.slice(0, types.indexOf('PENDING')).every((type) => type === 'SCHEDULED')).toBe(true);
    }
  });
});
