// A real server whose database lives on a small tmpfs that the test fills: a report it cannot
// store is refused whole (503), nothing of it is kept, the health check and the log say so once,
// and the same report sent again once space returns is stored exactly once.
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Report } from '../../../app/core/api/index.js';
import { newId } from '../../../app/core/index.js';
import { createServer, type FlowdeckServer, type RunStore } from '../../../app/server/index.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { waitUntil } from '../../helpers/cli.js';
import { mountSmallDisk, type SmallDisk } from '../../helpers/small-disk.js';
import { call, flowRunRequest, taskRunRequest } from './support.js';

const MiB = 1024 * 1024;

let disk: SmallDisk | { unavailable: string };
let store: RunStore | null = null;
let server: FlowdeckServer | null = null;
let api = '';
const notices: string[] = [];
const unexpected: unknown[] = [];

beforeEach(async () => {
  notices.length = 0;
  unexpected.length = 0;
  disk = mountSmallDisk(2 * MiB);
  if ('unavailable' in disk) return;
  store = await openTestStore({ path: join(disk.dir, 'flowdeck.db') });
  server = await createServer({
    store,
    host: '127.0.0.1',
    port: 0,
    crashSweepIntervalMs: 0,
    onUnexpectedError: (error) => unexpected.push(error),
    onNotice: (line) => notices.push(line),
  });
  api = `${await server.listen()}/api`;
});

afterEach(async () => {
  await server?.close();
  await store?.close();
  server = null;
  store = null;
  if (!('unavailable' in disk)) disk.cleanup();
});

function post(body: Report) {
  return call(`${api}/reports`, { method: 'POST', body });
}

it('refuses a report it cannot store whole, says so once, and stores the same report exactly once when space returns', async (ctx) => {
  ctx.skip('unavailable' in disk, 'unavailable' in disk ? disk.unavailable : '');
  const small = disk as SmallDisk;
  const flowRun = flowRunRequest();
  const started = await post({
    operations: [
      { kind: 'createFlowRun', request: flowRun },
      { kind: 'setState', request: { kind: 'flow', runId: flowRun.id, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } } },
    ],
  });
  expect(started.status).toBe(200);
  expect((await call(`${api}/health`)).json).toMatchObject({ status: 'ok', problems: [] });

  // More operations than one group commit holds, and log lines, which carry no ids.
  const taskRuns = Array.from({ length: 700 }, (_, i) => taskRunRequest(flowRun.id, { name: `step-${i}`, dynamicKey: i }));
  const report: Report = {
    operations: taskRuns.flatMap((request) => [
      { kind: 'createTaskRun' as const, request },
      {
        kind: 'setState' as const,
        request: { kind: 'task' as const, runId: request.id, transitionId: newId(), state: { type: 'RUNNING' as const, name: 'Running' } },
      },
    ]),
    logs: Array.from({ length: 5_000 }, (_, i) => ({
      flowRunId: flowRun.id,
      taskRunId: null,
      level: 20,
      message: `line ${i} ${'x'.repeat(80)}`,
      timestamp: Date.now(),
      attempt: 1,
    })),
  };

  small.fill();
  for (let attempt = 0; attempt < 3; attempt++) {
    const refused = await post({ ...report, replay: attempt > 0 });
    expect(refused.status, refused.text).toBe(503);
    expect(refused.json.message).toMatch(/^cannot write to the database .*flowdeck\.db: the disk is full \(SQLITE_FULL\); free some space/);
  }
  const degraded = await call(`${api}/health`);
  expect(degraded.status).toBe(200);
  expect(degraded.json).toMatchObject({
    status: 'degraded',
    problems: [{ component: 'database', message: expect.stringContaining('the disk is full'), since: expect.any(Number) }],
  });
  // Nothing of the refused report was kept.
  expect(await store!.listTaskRuns(flowRun.id)).toEqual([]);
  expect(await store!.countLogs(flowRun.id)).toBe(0);
  // Once in the log, however often it was refused; no stack for each operation.
  expect(notices).toHaveLength(1);
  expect(notices[0]).toMatch(/^cannot write to the database .*: the disk is full/);
  expect(unexpected).toEqual([]);

  small.resize(64 * MiB);
  const stored = await post({ ...report, replay: true });
  expect(stored.status, stored.text).toBe(200);
  expect(stored.json.results.every((r: { status?: string }) => r.status === 'ACCEPT')).toBe(true);
  const runs = await store!.listTaskRuns(flowRun.id);
  expect(runs).toHaveLength(700);
  expect(runs.every((run) => run.state.name === 'Running')).toBe(true);
  expect(await store!.countLogs(flowRun.id)).toBe(5_000);
  expect(new Set((await store!.listLogs(flowRun.id, { limit: 10_000 })).map((l) => l.message)).size).toBe(5_000);

  await waitUntil(async () => (await call(`${api}/health`)).json.status === 'ok', { what: 'the health check to say ok again' });
  expect(notices).toHaveLength(2);
  expect(notices[1]).toMatch(/takes writes again, after [\d.]+s of failed writes$/);
  expect(unexpected).toEqual([]);
});
