// The HTTP reporter against a real server on loopback over a real SQLite file: the engine runs
// flows through it exactly as through the local store.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, ApiUnreachableError, type ReportOperation } from '../../../app/core/api/index.js';
import { configureEngine } from '../../../app/engine/hosting.js';
import { flow, getRunContext, getRunLogger, task } from '../../../app/engine/index.js';
import { HttpReporter, reportTransport, type ConnectionEvent, type SendReport } from '../../../app/engine/reporting/index.js';
import { createServer, type FlowdeckServer, type RunStore } from '../../../app/server/index.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

interface Running {
  store: RunStore;
  server: FlowdeckServer;
  port: number;
}

let temp: ReturnType<typeof makeTempHome>;
let running: Running | null = null;
let reporter: HttpReporter | null = null;

async function startServer(port = 0, apiKey?: string): Promise<Running> {
  const store = await openTestStore({ path: temp.dbPath, silenceFromOpen: true });
  const server = await createServer({ store, host: '127.0.0.1', port, crashSweepIntervalMs: 0, apiKey });
  const url = await server.listen();
  return { store, server, port: Number(new URL(url).port) };
}

async function stopServer(): Promise<void> {
  if (!running) return;
  await running.server.close();
  await running.store.close();
  running = null;
}

function apiUrl(port: number): string {
  return `http://127.0.0.1:${port}/api`;
}

/** The engine reporting to the server through a reporter whose reports are counted. */
function reportTo(port: number, options: { apiKey?: string; send?: (inner: SendReport) => SendReport } = {}) {
  const counts = { reports: 0, operations: 0 };
  const events: ConnectionEvent[] = [];
  const inner = reportTransport({ apiUrl: apiUrl(port), apiKey: options.apiKey });
  const counted: SendReport = (body, operations) => {
    counts.reports++;
    counts.operations += operations;
    return inner(body, operations);
  };
  reporter = new HttpReporter({
    apiUrl: apiUrl(port),
    apiKey: options.apiKey,
    home: join(temp.home, 'client'),
    onConnection: (event) => events.push(event),
    send: options.send ? options.send(counted) : counted,
  });
  configureEngine({ reporter, home: join(temp.home, 'client') });
  return { reporter, counts, events };
}

beforeEach(async () => {
  temp = makeTempHome();
  running = await startServer();
});

afterEach(async () => {
  reporter?.abandon();
  reporter = null;
  configureEngine({ reporter: null });
  await stopServer();
  temp.cleanup();
});

const double = task({ name: 'double' }, async (x: number) => {
  getRunLogger().info(`doubling ${x}`);
  return x * 2;
});

describe('HttpReporter', () => {
  it('records a flow run with retries, a map and log lines on the server as the local store would', async () => {
    reportTo(running!.port);
    let calls = 0;
    const flaky = task({ name: 'flaky', retries: 2, retryDelaySeconds: 0.01 }, async () => {
      calls++;
      if (calls < 3) throw new Error(`boom ${calls}`);
      return 'ok';
    });
    const f = flow({ name: 'remote-smoke', tags: ['remote'] }, async () => {
      const first = await flaky();
      const many = await double.map([1, 2, 3]).result();
      getRunLogger().info('all done');
      return { first, many };
    });
    const outcome = await f.run();
    await reporter!.flush();
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.result).toEqual({ first: 'ok', many: [2, 4, 6] });

    const { store } = running!;
    expect(await store.getFlowRun(outcome.flowRunId)).toMatchObject({ state: { name: 'Completed' }, tags: ['remote'], pid: process.pid });
    const runs = await store.listTaskRuns(outcome.flowRunId);
    expect(runs.map((r) => `${r.taskKey}:${r.state.name}`).sort()).toEqual([
      'double:Completed',
      'double:Completed',
      'double:Completed',
      'flaky:Completed',
    ]);
    const flakyRun = runs.find((r) => r.taskKey === 'flaky')!;
    expect((await store.listStates(flakyRun.id)).map((s) => `${s.name}:${s.attempt}`)).toEqual([
      'Pending:1',
      'Running:1',
      'AwaitingRetry:1',
      'Retrying:2',
      'AwaitingRetry:2',
      'Retrying:3',
      'Completed:3',
    ]);
    expect((await store.listStates(outcome.flowRunId)).map((s) => s.name)).toEqual(['Pending', 'Running', 'Completed']);
    const messages = (await store.listLogs(outcome.flowRunId)).map((l) => l.message);
    expect(messages).toEqual(expect.arrayContaining(['doubling 1', 'doubling 2', 'doubling 3', 'all done']));
  });

  it('does not wait on the server for each task: a sequential flow takes far fewer reports than tasks', async () => {
    const { counts } = reportTo(running!.port);
    const f = flow({ name: 'sequential' }, async () => {
      let total = 0;
      for (let i = 0; i < 50; i++) total += await double(i);
      return total;
    });
    const outcome = await f.run();
    await reporter!.flush();
    expect(outcome.result).toBe(2450);
    // Plain tasks start as soon as their start is journaled; reports carry many of them.
    expect(counts.reports).toBeLessThan(50);
    expect(counts.operations).toBeGreaterThanOrEqual(50 * 3);
    expect(await running!.store.listTaskRuns(outcome.flowRunId)).toHaveLength(50);
  });

  it('carries a run through a server restart: every task run stored once, in order, nothing lost', async () => {
    const port = running!.port;
    const { events } = reportTo(port);
    let restarted!: Promise<void>;
    const f = flow({ name: 'through-restart' }, async () => {
      let total = 0;
      for (let i = 0; i < 40; i++) {
        if (i === 15) {
          // The server goes away while the flow is between tasks, and comes back a little later.
          await stopServer();
          restarted = new Promise((resolve) => setTimeout(resolve, 300)).then(async () => {
            running = await startServer(port);
          });
        }
        total += await double(i);
      }
      return total;
    });
    const outcome = await f.run();
    await restarted;
    await reporter!.flush();
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.result).toBe(1560);
    expect(events.map((e) => e.kind)).toEqual(['lost', 'restored']);

    const { store } = running!;
    const runs = await store.listTaskRuns(outcome.flowRunId);
    expect(runs).toHaveLength(40);
    expect(new Set(runs.map((r) => r.name)).size).toBe(40);
    for (const run of runs) expect((await store.listStates(run.id)).map((s) => s.name)).toEqual(['Pending', 'Running', 'Completed']);
    expect((await store.getFlowRun(outcome.flowRunId))!.state.name).toBe('Completed');
    expect((await store.listLogs(outcome.flowRunId)).filter((l) => l.message.startsWith('doubling'))).toHaveLength(40);
  });

  it('goes on while the server is away: plain tasks start from the journal, a tagged one waits for the server', async () => {
    const port = running!.port;
    const { events } = reportTo(port);
    let restartedAt = 0;
    const finishedAt: number[] = [];
    const tagged = task({ name: 'tagged', tags: ['db'] }, () => Date.now());
    const f = flow({ name: 'while-away' }, async () => {
      await double(0);
      await stopServer();
      for (let i = 1; i <= 20; i++) {
        await double(i);
        finishedAt.push(Date.now());
      }
      setTimeout(() => {
        void startServer(port).then((server) => {
          running = server;
          restartedAt = Date.now();
        });
      }, 200);
      return tagged();
    });
    const outcome = await f.run();
    await reporter!.flush();
    expect(outcome.state.name).toBe('Completed');
    expect(restartedAt).toBeGreaterThan(0);
    // All twenty ran before the server was back; the tagged task only after.
    expect(Math.max(...finishedAt)).toBeLessThan(restartedAt);
    expect(outcome.result as number).toBeGreaterThanOrEqual(restartedAt);
    expect(events.map((e) => e.kind)).toEqual(['lost', 'restored']);
    const runs = await running!.store.listTaskRuns(outcome.flowRunId);
    expect(runs).toHaveLength(22);
    for (const run of runs) expect((await running!.store.listStates(run.id)).map((s) => s.name)).toEqual(['Pending', 'Running', 'Completed']);
  });

  it('dates states by when they happened, not by when the server heard of them', async () => {
    const port = running!.port;
    reportTo(port);
    const slow = task({ name: 'slow-step' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 150));
    });
    const f = flow({ name: 'dated' }, async () => {
      await stopServer();
      await slow();
      setTimeout(() => void startServer(port).then((server) => (running = server)), 300);
    });
    const outcome = await f.run();
    await reporter!.flush();
    const [run] = await running!.store.listTaskRuns(outcome.flowRunId);
    const [, started, completed] = await running!.store.listStates(run.id);
    // Stored long after they happened, yet a task that ran 150 ms shows 150 ms.
    expect(completed.timestamp - started.timestamp).toBeGreaterThanOrEqual(140);
    expect(completed.timestamp - started.timestamp).toBeLessThan(400);
    expect(run.endTime! - run.startTime!).toBe(completed.timestamp - started.timestamp);
  });

  it('resends a report whose answer was lost, and the server records it once', async () => {
    let dropped = 0;
    // The server stores every second report, but its answer never arrives.
    const loseAnswers = (inner: SendReport): SendReport => {
      let n = 0;
      return async (body, operations) => {
        const results = await inner(body, operations);
        if (++n % 2 === 0) {
          dropped++;
          throw new ApiUnreachableError('test', 'socket hang up');
        }
        return results;
      };
    };
    reportTo(running!.port, { send: loseAnswers });
    const failedOnce = new Set<number>();
    // Fails its first attempt: a start and a failure of one run can travel in one report.
    const flaky = task({ name: 'flaky-step', retries: 1, retryDelaySeconds: 0 }, (i: number) => {
      if (!failedOnce.has(i)) {
        failedOnce.add(i);
        throw new Error(`first try of ${i}`);
      }
      return i;
    });
    const f = flow({ name: 'lost-answers' }, async () => {
      let total = 0;
      for (let i = 0; i < 20; i++) total += await (i % 2 === 0 ? double(i) : flaky(i));
      return total;
    });
    const outcome = await f.run();
    await reporter!.flush();
    expect(dropped).toBeGreaterThan(0);
    expect(outcome.result).toBe(280);
    const { store } = running!;
    const runs = await store.listTaskRuns(outcome.flowRunId);
    expect(runs).toHaveLength(20);
    for (const run of runs) {
      const expected =
        run.taskKey === 'double' ? ['Pending', 'Running', 'Completed'] : ['Pending', 'Running', 'AwaitingRetry', 'Retrying', 'Completed'];
      expect(
        (await store.listStates(run.id)).map((s) => s.name),
        run.name,
      ).toEqual(expected);
    }
    expect((await store.listStates(outcome.flowRunId)).map((s) => s.name)).toEqual(['Pending', 'Running', 'Completed']);
  });

  it('sends again, alone, an operation the server failed to store, and the server records everything once', async () => {
    // The server fails to store each task run's Completed state twice, as a server with a bug in
    // one operation does: the rest of the report, log lines included, is stored.
    const tries = new Map<string, number>();
    const failTwice = (op: ReportOperation) => {
      if (op.kind !== 'setState' || !isCompleted(op, 'task')) return false;
      tries.set(op.request.transitionId, (tries.get(op.request.transitionId) ?? 0) + 1);
      return tries.get(op.request.transitionId)! <= 2;
    };
    const { events } = reportTo(running!.port, { send: failOperations(failTwice) });
    const f = flow({ name: 'flaky-server' }, async () => {
      let total = 0;
      for (let i = 0; i < 5; i++) total += await double(i);
      return total;
    });
    const outcome = await f.run();
    await reporter!.flush();
    expect(outcome.state.name).toBe('Completed');
    expect([...tries.values()]).toEqual([3, 3, 3, 3, 3]);
    // Told each time the server could not store something, and each time it could again.
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(['unstored', 'restored']));
    expect(events.at(-1)).toEqual({ kind: 'restored', after: 'unstored' });
    expect(reporter!.undelivered()).toBeNull();
    const { store } = running!;
    const runs = await store.listTaskRuns(outcome.flowRunId);
    expect(runs).toHaveLength(5);
    for (const run of runs) expect((await store.listStates(run.id)).map((s) => s.name)).toEqual(['Pending', 'Running', 'Completed']);
    expect((await store.listLogs(outcome.flowRunId)).map((l) => l.message).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `doubling ${i}`));
  });

  it('keeps in the outbox what the server keeps failing to store, and the next reporter to it delivers it', async () => {
    const port = running!.port;
    const { events } = reportTo(port, { send: failOperations((op) => isCompleted(op, 'flow')) });
    const f = flow({ name: 'never-finished-here' }, async () => double(1));
    const error = await f.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(500);
    await reporter!.close();
    const kept = reporter!.undelivered();
    expect(kept).toMatchObject({ operations: 1, logLines: 0 });
    expect(events).toContainEqual(expect.objectContaining({ kind: 'kept', operations: 1, logLines: 0, outbox: kept!.outbox }));
    const [flowRun] = await running!.store.listFlowRuns({ limit: 1 });
    expect(flowRun.state.name).toBe('Running');
    expect((await running!.store.listLogs(flowRun.id)).map((l) => l.message)).toEqual(['doubling 1']);

    // The process is gone; the next one to this server delivers what it kept, once.
    renameSync(kept!.outbox, join(temp.home, 'client', 'outbox', basename(kept!.outbox).replace(/^\d+-/, `${await exitedPid()}-`)));
    const { reporter: next } = reportTo(port);
    await next.flush();
    expect((await running!.store.listStates(flowRun.id)).map((s) => s.name)).toEqual(['Pending', 'Running', 'Completed']);
    expect((await running!.store.listLogs(flowRun.id)).map((l) => l.message)).toEqual(['doubling 1']);
  });

  it('does not complete a flow run whose task run the server never recorded as Completed', async () => {
    reportTo(running!.port, { send: failOperations((op) => isCompleted(op, 'task')) });
    const f = flow({ name: 'incomplete-record' }, async () => double(3));
    const outcome = await f.run();
    await reporter!.close();
    expect(outcome.state.name).toBe('Failed');
    expect(outcome.error).toBeInstanceOf(ApiError);
    expect(reporter!.undelivered()).toMatchObject({ operations: 1, logLines: 0 });
    const { store } = running!;
    expect((await store.getFlowRun(outcome.flowRunId))!.state.name).toBe('Failed');
    const [taskRun] = await store.listTaskRuns(outcome.flowRunId);
    expect((await store.listStates(taskRun.id)).map((s) => s.name)).toEqual(['Pending', 'Running', 'Crashed']);
  });

  it('hears of a cancellation through its heartbeat and stops the flow', async () => {
    reportTo(running!.port);
    configureEngine({ heartbeatSeconds: 0.05 });
    let started!: () => void;
    const began = new Promise<void>((resolve) => (started = resolve));
    const slow = task({ name: 'slow' }, async () => {
      started();
      const { signal } = getRunContext();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20_000);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    });
    const f = flow({ name: 'cancel-me' }, async () => {
      await slow();
    });
    const pending = f.run();
    await began;
    const flowRunId = (await running!.store.listFlowRuns({ limit: 1 }))[0].id;
    const cancel = await fetch(`${apiUrl(running!.port)}/flow-runs/${flowRunId}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(cancel.status).toBe(200);
    const outcome = await pending;
    configureEngine({ heartbeatSeconds: 5 });
    await reporter!.flush();
    expect(outcome.state.type).toBe('CANCELLED');
    expect((await running!.store.listStates(flowRunId)).map((s) => s.name)).toEqual(['Pending', 'Running', 'Cancelling', 'Cancelled']);
  });

  it("rejects with the server's reason when the key is refused, and keeps nothing to resend", async () => {
    await stopServer();
    running = await startServer(0, 'right-key');
    reportTo(running.port, { apiKey: 'wrong-key' });
    const f = flow({ name: 'refused' }, async () => 1);
    const error = await f.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    await reporter!.close();
    expect(existsSync(join(temp.home, 'client', 'outbox')) ? readdirSync(join(temp.home, 'client', 'outbox')) : []).toEqual([]);
  });

  it('passes an operation the server refused to its caller while the rest of the report stands', async () => {
    const { reporter: r } = reportTo(running!.port);
    const results = await Promise.allSettled([
      r.setState({ kind: 'task', runId: 'no-such-run', transitionId: 't1', state: { type: 'RUNNING', name: 'Running' } }),
      r.heartbeat([]),
    ]);
    expect(results[0].status).toBe('fulfilled');
    expect((results[0] as PromiseFulfilledResult<{ status: string }>).value.status).toBe('ABORT');
    expect(results[1]).toMatchObject({ status: 'fulfilled' });
    const refused = await r
      .createTaskRun({
        id: 'orphan',
        flowRunId: 'no-such-flow-run',
        taskKey: 'k',
        name: 'n',
        dynamicKey: 0,
        retryPolicy: { retries: 0, retryDelaySeconds: [0] },
        state: { type: 'PENDING', name: 'Pending' },
        transitionId: 't2',
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(404);
    expect((refused as ApiError).message).toContain('no-such-flow-run');
  });
});

describe('HttpReporter outbox', () => {
  it('journals reports and delivers what a process left undelivered when the next reporter starts', async () => {
    const port = running!.port;
    // A first process: its reports never reach the server, and it is gone before they could.
    await stopServer();
    const stranded = new HttpReporter({ apiUrl: apiUrl(port), home: join(temp.home, 'client') });
    const flowRunId = '01a00000-0000-7000-8000-00000000abcd';
    void stranded
      .createFlowRun({
        id: flowRunId,
        flowName: 'left-behind',
        name: 'left-behind-1',
        parameters: {},
        tags: [],
        parentFlowRunId: null,
        parentTaskRunId: null,
        entrypoint: null,
        retryPolicy: { retries: 0, retryDelaySeconds: [0] },
        pid: null,
        hostname: null,
        state: { type: 'PENDING', name: 'Pending' },
        transitionId: 'left-1',
      })
      .catch(() => {});
    stranded.writeLogs([{ flowRunId, taskRunId: null, level: 20, message: 'written while the server was away', timestamp: Date.now(), attempt: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const kept = stranded.abandon();
    expect(kept).not.toBeNull();
    // The journal now belongs to no living process: renamed as a dead process's would be.
    const deadPid = await exitedPid();
    const dead = join(temp.home, 'client', 'outbox', basename(kept!).replace(/^\d+-/, `${deadPid}-`));
    renameSync(kept!, dead);

    running = await startServer(port);
    const { reporter: next, events } = reportTo(port);
    await next.flush();
    expect(events).toContainEqual({ kind: 'leftovers', batches: expect.any(Number) });
    expect(await running.store.getFlowRun(flowRunId)).toMatchObject({ name: 'left-behind-1', state: { name: 'Pending' } });
    expect((await running.store.listLogs(flowRunId)).map((l) => l.message)).toEqual(['written while the server was away']);
    expect(existsSync(dead)).toBe(false);
  });
});

function isCompleted(op: ReportOperation, kind: 'flow' | 'task'): boolean {
  return op.kind === 'setState' && op.request.kind === kind && op.request.state.type === 'COMPLETED';
}

/**
 * A server that fails to store some operations on their own: each operation `fails` picks is kept
 * from the real server and answered with a 500 in its place.
 */
function failOperations(fails: (op: ReportOperation) => boolean) {
  return (inner: SendReport): SendReport =>
    async (body, count) => {
      const report = JSON.parse(body) as { operations: ReportOperation[] };
      const dropped = new Set(report.operations.flatMap((op, i) => (fails(op) ? [i] : [])));
      if (dropped.size === 0) return inner(body, count);
      const kept = report.operations.filter((_, i) => !dropped.has(i));
      const answers = await inner(JSON.stringify({ ...report, operations: kept }), kept.length);
      let next = 0;
      return report.operations.map((_, i) =>
        dropped.has(i) ? { error: { status: 500, message: 'the server could not store this operation: a bug' } } : answers[next++],
      );
    };
}

/** The id of a process that has exited, so no living process owns a journal named after it. */
async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}
