// `flowdeck run` reporting to a real `flowdeck server start` process whose database lives on a
// small tmpfs that fills up while the run goes on: the run waits rather than claim Completed, the
// server says it is degraded (once in its log), and once the disk is grown again every state,
// task run and log line arrives exactly once.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Health } from '../../app/core/api/index.js';
import type { TaskRun } from '../../app/core/index.js';
import {
  fixtureFlow,
  killStrayProcesses,
  lastJsonLine,
  readStore,
  showOutput,
  spawnCli,
  stateNames,
  waitUntil,
  type CliProcess,
} from '../helpers/cli.js';
import { mountSmallDisk, type SmallDisk } from '../helpers/small-disk.js';
import { makeTempHome } from '../helpers/temp-home.js';

const MiB = 1024 * 1024;
const TASKS = 40;
const LINES = 500;

let disk: SmallDisk | { unavailable: string };
let serverHome: ReturnType<typeof makeTempHome>;
let clientHome: ReturnType<typeof makeTempHome>;

beforeEach(() => {
  serverHome = makeTempHome();
  clientHome = makeTempHome();
  disk = mountSmallDisk(8 * MiB);
});

afterEach(async () => {
  await killStrayProcesses();
  if (!('unavailable' in disk)) disk.cleanup();
  serverHome.cleanup();
  clientHome.cleanup();
});

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function startServer(database: string): Promise<{ proc: CliProcess; api: string }> {
  // A short heartbeat timeout: beats the server could not store must not get the run marked Crashed.
  const proc = spawnCli(['server', 'start', '--port', '0', '--database', database], {
    home: serverHome.home,
    env: { FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS: '4' },
  });
  await proc.waitForOutput(/listening on http:\/\/127\.0\.0\.1:\d+/);
  const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(proc.stdout)![1]);
  return { proc, api: `http://127.0.0.1:${port}/api` };
}

it('keeps a run from claiming Completed while the server cannot store its reports, then delivers each exactly once', async (ctx) => {
  ctx.skip('unavailable' in disk, 'unavailable' in disk ? disk.unavailable : '');
  const small = disk as SmallDisk;
  const dbPath = join(small.dir, 'flowdeck.db');
  const server = await startServer(dbPath);
  const flowRunId = `full-disk-${Date.now()}`;
  const run = spawnCli(
    ['run', fixtureFlow('chatty'), '--param', `tasks=${TASKS}`, '--param', `lines=${LINES}`, '--param', 'ms=5', '--flow-run-id', flowRunId, '--json'],
    { home: clientHome.home, env: { FLOWDECK_API_URL: server.api, FLOWDECK_HEARTBEAT_SECONDS: '0.5' } },
  );
  await waitUntil(
    async () => {
      const answer = await fetch(`${server.api}/flow-runs/${flowRunId}/task-runs`);
      return answer.ok && ((await answer.json()) as TaskRun[]).length >= 5;
    },
    { what: 'five task runs on the server' },
  );

  small.fill();
  const degraded = await waitUntil(
    async () => {
      const health = await getJson<Health>(`${server.api}/health`);
      return health.status === 'degraded' ? health : null;
    },
    { what: 'the health check to say degraded' },
  );
  expect(degraded.problems).toEqual([
    {
      component: 'database',
      message: expect.stringMatching(/^cannot write to the database .*flowdeck\.db: the disk is full/),
      since: expect.any(Number),
    },
  ]);
  await run.waitForOutput('cannot store reports now', 'stderr');
  // The flow's own work goes on to its end, its task runs started from the journal...
  await run.waitForOutput(`task ${TASKS - 1} line ${LINES - 1}`, 'stderr', 60_000);
  // ...but the run does not end, nor claim anything, while the server lacks its history.
  await sleep(3_000);
  expect(run.done, `--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`).toBe(false);
  expect(run.stdout).toBe('');
  const meanwhile = await getJson<{ state: { type: string } }>(`${server.api}/flow-runs/${flowRunId}`);
  expect(meanwhile.state.type).toBe('RUNNING');
  expect((await getJson<Health>(`${server.api}/health`)).status).toBe('degraded');

  small.resize(64 * MiB);
  const done = await run.wait(120_000);
  expect(done.code, showOutput(done)).toBe(0);
  expect(lastJsonLine(done.stdout)).toMatchObject({ flowRunId, state: { type: 'COMPLETED', name: 'Completed' }, result: (TASKS * (TASKS - 1)) / 2 });
  expect(done.stderr).toContain('stores reports again');
  // Everything was delivered: no journal is left behind.
  const outbox = join(clientHome.home, 'outbox');
  expect(existsSync(outbox) ? readdirSync(outbox) : []).toEqual([]);

  await waitUntil(async () => (await getJson<Health>(`${server.api}/health`)).status === 'ok', { what: 'the health check to say ok again' });
  server.proc.kill('SIGTERM');
  const stopped = await server.proc.wait();
  // Once when writes began to fail and once when they worked again; no stack for each report.
  const log = stopped.stderr.split('\n').filter((line) => line.startsWith('flowdeck server:'));
  expect(log, stopped.stderr).toEqual([
    expect.stringMatching(/^flowdeck server: cannot write to the database .*: the disk is full/),
    expect.stringMatching(/^flowdeck server: the database .* takes writes again/),
  ]);
  expect(stopped.stderr).not.toMatch(/SqliteError|\n\s+at /);

  await readStore(dbPath, async (store) => {
    expect(stateNames(await store.states(flowRunId))).toEqual(['Pending', 'Running', 'Completed']);
    const taskRuns: TaskRun[] = await store.taskRuns(flowRunId);
    expect(taskRuns.map((t) => t.name).sort()).toEqual(Array.from({ length: TASKS }, (_, i) => `chatty-${i}`).sort());
    for (const taskRun of taskRuns) expect(stateNames(await store.states(taskRun.id)), taskRun.name).toEqual(['Pending', 'Running', 'Completed']);
    const messages = (await store.logs(flowRunId)).map((l) => l.message);
    const expected = Array.from({ length: TASKS }, (_, i) => Array.from({ length: LINES }, (_, n) => `task ${i} line ${n}`)).flat();
    expect(messages).toHaveLength(expected.length);
    expect(new Set(messages)).toEqual(new Set(expected));
  });
}, 180_000);
