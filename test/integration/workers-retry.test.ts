// Retrying a deployment's run hands it back to its pool: a real worker claims it and runs the next
// attempt from the bundle, reusing the tasks that completed (or, with --all, running every one
// again); a served deployment's retried run goes back to its serve process.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { TaskRun } from '../../app/core/index.js';
import { lastJsonLine, runCli, showOutput, spawnCli, stateNames } from '../helpers/cli.js';
import {
  createPool,
  deploy,
  deploymentId,
  FAST_ENV,
  startServer,
  startWorker,
  tempFolder,
  tempHome,
  waitForRun,
  writeProject,
} from './workers-support.js';

/**
 * `fetch` counts its calls in a file; `load` fails until a file named `ready` exists, so a run
 * fails first and its retry completes once the test has made the file.
 */
const ETL_FLOW = `import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { flow, task } from 'flowdeck';
import { z } from 'zod';

const fetchRows = task({ name: 'fetch' }, (dir: string) => {
  appendFileSync(join(dir, 'fetched'), 'x');
  return 21;
});

const load = task({ name: 'load' }, (dir: string, rows: number) => {
  if (!existsSync(join(dir, 'ready'))) throw new Error('the warehouse is not ready');
  return rows * 2;
});

export const etl = flow({ name: 'etl', parameters: z.object({ dir: z.string() }) }, async ({ dir }: { dir: string }) =>
  load(dir, await fetchRows(dir)),
);
`;

function fetches(dir: string): number {
  return existsSync(join(dir, 'fetched')) ? readFileSync(join(dir, 'fetched'), 'utf8').length : 0;
}

function ofAttempt(taskRuns: readonly TaskRun[], attempt: number): string[] {
  return taskRuns.filter((t) => t.flowRunAttempt === attempt).map((t) => `${t.taskKey}:${t.state.name}`);
}

it('a worker takes a retried run of its pool and runs the next attempt from the bundle, reusing the completed task; --all runs every task again', async () => {
  const server = await startServer();
  await createPool(server);
  const project = writeProject(`deployments:
  - name: nightly
    entrypoint: flows/etl.ts:etl
    workPool: local
`);
  writeFileSync(join(project, 'flows', 'etl.ts'), ETL_FLOW);
  await deploy(server, project);
  const worker = startWorker(server, ['--name', 'retrier']);
  await worker.ready();
  const cli = { home: tempHome(), cwd: tempFolder(), env: { ...FAST_ENV, FLOWDECK_API_URL: server.api } };

  const dir = tempFolder('flowdeck-etl-');
  const id = await deploymentId(server, 'etl', 'nightly');
  const runId = (await server.client.runDeployment({ params: { id }, body: { parameters: { dir } } })).id;
  const failed = await waitForRun(server, runId, 'final');
  expect(failed.state.type, JSON.stringify(failed.state)).toBe('FAILED');
  expect(fetches(dir)).toBe(1);

  writeFileSync(join(dir, 'ready'), '');
  const retried = await runCli(['flow-run', 'retry', runId.slice(0, 12), '--watch', '--json'], cli);
  expect(retried.code, showOutput(retried)).toBe(0);
  expect(lastJsonLine(retried.stdout)).toEqual({ flowRunId: runId, state: { type: 'COMPLETED', name: 'Completed' }, result: 42 });
  const done = await server.client.getFlowRun({ params: { id: runId } });
  expect(done).toMatchObject({ runCount: 2, workerName: 'retrier', deploymentId: id, workPool: 'local' });
  expect(stateNames(await server.client.listFlowRunStates({ params: { id: runId } }))).toEqual([
    'Scheduled',
    'Pending',
    'Running',
    'Failed',
    'AwaitingRetry',
    'Pending',
    'Retrying',
    'Completed',
  ]);
  // The second attempt reused the first one's fetch: it did not run again.
  const taskRuns = await server.client.listFlowRunTaskRuns({ params: { id: runId } });
  expect(ofAttempt(taskRuns, 1)).toEqual(['fetch:Completed', 'load:Failed']);
  expect(ofAttempt(taskRuns, 2)).toEqual(['fetch:Cached', 'load:Completed']);
  expect(taskRuns.find((t) => t.flowRunAttempt === 2 && t.taskKey === 'fetch')?.reusedFrom).toBe(taskRuns[0].id);
  expect(fetches(dir)).toBe(1);

  // --all: every task runs again, on the worker too.
  const again = tempFolder('flowdeck-etl-');
  const second = (await server.client.runDeployment({ params: { id }, body: { parameters: { dir: again } } })).id;
  expect((await waitForRun(server, second, 'final')).state.type).toBe('FAILED');
  writeFileSync(join(again, 'ready'), '');
  const all = await runCli(['flow-run', 'retry', second, '--all'], cli);
  expect(all.code, showOutput(all)).toBe(0);
  expect(all.stdout).toContain('waiting for a worker of work pool local to run its attempt 2, running every task again');
  const rerun = await waitForRun(server, second, 'final');
  expect(rerun.state.type, JSON.stringify(rerun.state)).toBe('COMPLETED');
  expect(ofAttempt(await server.client.listFlowRunTaskRuns({ params: { id: second } }), 2)).toEqual(['fetch:Completed', 'load:Completed']);
  expect(fetches(again)).toBe(2);
});

it("a served deployment's retried run is taken by its serve process, which reuses the completed task", async () => {
  const server = await startServer();
  const project = tempFolder('flowdeck-served-');
  writeFileSync(join(project, 'etl.ts'), ETL_FLOW);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'served-project', private: true, type: 'module' }));
  const serve = spawnCli(['serve', 'etl.ts', '--flow', 'etl', '--name', 'served'], {
    home: tempHome(),
    cwd: project,
    env: { ...FAST_ENV, FLOWDECK_API_URL: server.api },
  });
  await serve.waitForOutput(/^Schedule {2}none/m);
  const dir = tempFolder('flowdeck-etl-');
  const id = await deploymentId(server, 'etl', 'served');
  const runId = (await server.client.runDeployment({ params: { id }, body: { parameters: { dir } } })).id;
  expect((await waitForRun(server, runId, 'final')).state.type).toBe('FAILED');

  writeFileSync(join(dir, 'ready'), '');
  const retried = await server.client.retryFlowRun({ params: { id: runId }, body: { source: 'api' } });
  expect(retried.state).toMatchObject({ type: 'SCHEDULED', name: 'AwaitingRetry', message: 'retried through the API, reusing completed tasks' });
  const done = await waitForRun(server, runId, 'final');
  expect(done.state.type, JSON.stringify(done.state)).toBe('COMPLETED');
  expect(ofAttempt(await server.client.listFlowRunTaskRuns({ params: { id: runId } }), 2)).toEqual(['fetch:Cached', 'load:Completed']);
  expect(fetches(dir)).toBe(1);
});
