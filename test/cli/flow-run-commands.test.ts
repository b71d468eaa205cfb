import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { newId, type FlowRun, type State, type StoredLog, type TaskRun } from '../../app/core/index.js';
import { openTestStore } from '../helpers/store-factory.js';
import { cli, idColumn, useSeededStore } from './harness.js';

const env = useSeededStore();

/** Seeds the store, then closes it so the CLI reads only what reached the file. */
async function seeded<T>(body: () => Promise<T>): Promise<T> {
  const value = await body();
  await env.store.close();
  return value;
}

describe('flowdeck flow-run ls', () => {
  it('says how to start when there are no runs, and --json prints an empty list', async () => {
    const plain = await cli(env.home, 'flow-run', 'ls');
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('No flow runs yet. Run one with: flowdeck run FILE');
    const json = await cli(env.home, 'flow-run', 'ls', '--json');
    expect(JSON.parse(json.out)).toEqual([]);
  });

  it('lists runs newest first and filters by flow, state type or state name, and limit', async () => {
    const ids = await seeded(async () => {
      const done = await env.seed.flowRun({ name: 'done-run', flowName: 'etl' });
      await env.seed.move('flow', done, 'RUNNING', 'Running');
      await env.seed.move('flow', done, 'COMPLETED', 'Completed');
      const failed = await env.seed.flowRun({ name: 'failed-run', flowName: 'etl' });
      await env.seed.move('flow', failed, 'RUNNING', 'Running');
      await env.seed.move('flow', failed, 'FAILED', 'Failed', { message: 'boom' });
      const timedOut = await env.seed.flowRun({ name: 'slow-run', flowName: 'reports' });
      await env.seed.move('flow', timedOut, 'RUNNING', 'Running');
      await env.seed.move('flow', timedOut, 'FAILED', 'TimedOut');
      const running = await env.seed.flowRun({ name: 'busy-run', flowName: 'reports' });
      await env.seed.move('flow', running, 'RUNNING', 'Running');
      return { done, failed, timedOut, running };
    });

    const all = await cli(env.home, 'flow-run', 'ls');
    expect(all.code).toBe(0);
    const lines = all.out.trim().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['ID', 'NAME', 'FLOW', 'STATE', 'STARTED', 'ELAPSED']);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[1])).toEqual(['busy-run', 'slow-run', 'failed-run', 'done-run']);
    expect(lines[2]).toMatch(/slow-run\s+reports\s+TimedOut\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\s+\d+ms/);

    const names = async (...argv: string[]) => {
      const result = await cli(env.home, 'flow-run', 'ls', '--json', ...argv);
      expect(result.code).toBe(0);
      return (JSON.parse(result.out) as FlowRun[]).map((r) => r.name);
    };
    expect(await names('--flow', 'reports')).toEqual(['busy-run', 'slow-run']);
    expect(await names('--state', 'failed')).toEqual(['slow-run', 'failed-run']);
    expect(await names('--state', 'Failed')).toEqual(['slow-run', 'failed-run']);
    expect(await names('--state', 'timedout')).toEqual(['slow-run']);
    expect(await names('--state', 'COMPLETED', '--state', 'running')).toEqual(['busy-run', 'done-run']);
    expect(await names('--state', 'FAILED', '--flow', 'etl')).toEqual(['failed-run']);
    expect(await names('--limit', '2')).toEqual(['busy-run', 'slow-run']);

    const none = await cli(env.home, 'flow-run', 'ls', '--state', 'CANCELLED');
    expect(none.code).toBe(0);
    expect(none.out).toContain('No flow runs match');
    expect(ids.done).toBeTruthy();
  });

  it('shows ids short enough to read yet distinct enough to paste back', async () => {
    // Runs made in the same millisecond share most of their time-ordered ids.
    const created = await seeded(() => Promise.all([1, 2, 3].map((n) => env.seed.flowRun({ name: `run-${n}` }))));
    const table = await cli(env.home, 'flow-run', 'ls');
    const shown = idColumn(table.out);
    expect(shown).toHaveLength(3);
    for (const short of shown) {
      expect(short.length).toBeGreaterThanOrEqual(8);
      const inspected = await cli(env.home, 'flow-run', 'inspect', short, '--json');
      expect(inspected.code).toBe(0);
      const run = JSON.parse(inspected.out) as FlowRun;
      expect(run.id.startsWith(short)).toBe(true);
    }
    expect(new Set(shown).size).toBe(3);
    expect(created).toHaveLength(3);
  });

  it('refuses an unknown state or a bad limit with exit code 2', async () => {
    const state = await cli(env.home, 'flow-run', 'ls', '--state', 'Sleepy');
    expect(state.code).toBe(2);
    expect(state.err).toContain("unknown state 'Sleepy'");
    const limit = await cli(env.home, 'flow-run', 'ls', '--limit', 'ten');
    expect(limit.code).toBe(2);
    expect(limit.err).toContain("--limit must be a whole number from 1 to 10000, got 'ten'");
    const zero = await cli(env.home, 'flow-run', 'ls', '--limit', '0');
    expect(zero.code).toBe(2);
  });
});

describe('flowdeck flow-run inspect', () => {
  it('shows the fields, the full state history and the task runs', async () => {
    const { flowRunId, taskRunId } = await seeded(async () => {
      const flowRunId = await env.seed.flowRun({ name: 'nightly', flowName: 'etl', parameters: { limit: 3 }, tags: ['prod'] });
      await env.seed.move('flow', flowRunId, 'RUNNING', 'Running');
      const taskRunId = await env.seed.taskRun(flowRunId, { name: 'extract-0', tags: ['api'] });
      await env.seed.move('task', taskRunId, 'RUNNING', 'Running');
      await env.seed.move('task', taskRunId, 'COMPLETED', 'Completed', { resultPreview: '[1,2,3]' });
      await env.seed.move('flow', flowRunId, 'FAILED', 'Failed', {
        message: 'the flow gave up',
        error: { name: 'TypeError', message: 'rows is undefined', stack: 'TypeError: rows is undefined\n    at load (etl.ts:12:3)' },
      });
      return { flowRunId, taskRunId };
    });

    const result = await cli(env.home, 'flow-run', 'inspect', flowRunId);
    expect(result.code).toBe(0);
    const out = result.out;
    expect(out).toContain(`id          ${flowRunId}`);
    expect(out).toMatch(/name\s+nightly/);
    expect(out).toMatch(/flow\s+etl/);
    expect(out).toMatch(/state\s+Failed the flow gave up/);
    expect(out).toMatch(/parameters\s+\{"limit":3\}/);
    expect(out).toMatch(/tags\s+prod/);
    expect(out).toMatch(/parent\s+-/);
    expect(out).toMatch(/attempts\s+1/);
    expect(out).toMatch(/run time\s+\d+ms\n/);
    expect(out).toMatch(/elapsed\s+\d+ms\n/);
    const history = out.slice(out.indexOf('State history'), out.indexOf('\nError'));
    const rows = history.trim().split('\n').slice(2);
    expect(rows.map((r) => r.trim().split(/\s{2,}/)[1])).toEqual(['Pending', 'Running', 'Failed']);
    expect(rows[2]).toMatch(/Failed\s+1\s+the flow gave up\s+TypeError: rows is undefined$/);
    expect(out).toContain('    at load (etl.ts:12:3)');
    expect(out).toContain('Task runs (1)');
    expect(out).toMatch(/extract-0\s+Completed\s+1\s+.*api/);

    const json = await cli(env.home, 'flow-run', 'inspect', flowRunId, '--json');
    expect(json.out.trim().split('\n')).toHaveLength(1);
    const parsed = JSON.parse(json.out) as FlowRun & { states: State[]; taskRuns: TaskRun[] };
    expect(parsed.id).toBe(flowRunId);
    expect(parsed.parameters).toEqual({ limit: 3 });
    expect(parsed.states.map((s) => s.name)).toEqual(['Pending', 'Running', 'Failed']);
    expect(parsed.taskRuns.map((t) => t.id)).toEqual([taskRunId]);
    expect(parsed.taskRuns[0].result).toBe('[1,2,3]');
  });

  it('accepts a unique prefix of at least 4 characters and names an unknown id', async () => {
    const id = await seeded(() => env.seed.flowRun({ name: 'only-run' }));
    const byPrefix = await cli(env.home, 'flow-run', 'inspect', id.slice(0, 4), '--json');
    expect(byPrefix.code).toBe(0);
    expect((JSON.parse(byPrefix.out) as FlowRun).id).toBe(id);

    const tooShort = await cli(env.home, 'flow-run', 'inspect', id.slice(0, 3));
    expect(tooShort.code).toBe(2);
    expect(tooShort.err).toContain(`no flow run with id '${id.slice(0, 3)}'`);

    const unknown = await cli(env.home, 'flow-run', 'inspect', 'ffffffff');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("no flow run with id 'ffffffff'");
    expect(unknown.out).toBe('');

    const missing = await cli(env.home, 'flow-run', 'inspect');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('missing ID');
  });

  it('says when a prefix is shared by more than one run', async () => {
    const [id, other] = await seeded(async () => [await env.seed.flowRun({ name: 'one-run' }), await env.seed.flowRun({ name: 'other-run' })]);
    // Ids made close together share a prefix, which names no one run.
    let shared = 0;
    while (id[shared] === other[shared]) shared++;
    expect(shared).toBeGreaterThanOrEqual(4);
    const ambiguous = await cli(env.home, 'flow-run', 'inspect', id.slice(0, shared));
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toContain(`more than one flow run has an id starting with '${id.slice(0, shared)}'; give more of the id`);
  });
});

describe('flowdeck flow-run logs', () => {
  const LINE = /^\d\d:\d\d:\d\d\.\d{3} /;

  it('prints every line with time, level and task name, and filters by level and task', async () => {
    const { flowRunId, taskRunId } = await seeded(async () => {
      const flowRunId = await env.seed.flowRun();
      await env.seed.move('flow', flowRunId, 'RUNNING', 'Running');
      const taskRunId = await env.seed.taskRun(flowRunId, { name: 'fetch-users', retries: 1 });
      const t = Date.now();
      env.store.writeLogs([
        { flowRunId, taskRunId: null, level: 20, message: 'loading 3', timestamp: t, attempt: 1 },
        { flowRunId, taskRunId, level: 30, message: 'slow response', timestamp: t + 1, attempt: 1 },
        { flowRunId, taskRunId, level: 40, message: 'request failed', timestamp: t + 2, attempt: 1 },
        { flowRunId, taskRunId, level: 20, message: 'second try worked', timestamp: t + 3, attempt: 2 },
        { flowRunId, taskRunId: null, level: 10, message: 'done', timestamp: t + 4, attempt: 1 },
      ]);
      return { flowRunId, taskRunId };
    });

    const result = await cli(env.home, 'flow-run', 'logs', flowRunId);
    expect(result.code).toBe(0);
    const lines = result.out.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(LINE);
    expect(lines.map((l) => l.slice(13))).toEqual([
      'INFO     loading 3',
      'WARNING  [fetch-users] slow response',
      'ERROR    [fetch-users] request failed',
      'INFO     [fetch-users #2] second try worked',
      'DEBUG    done',
    ]);

    const warnings = await cli(env.home, 'flow-run', 'logs', flowRunId, '--level', 'warning');
    expect(
      warnings.out
        .trimEnd()
        .split('\n')
        .map((l) => l.slice(13)),
    ).toEqual(['WARNING  [fetch-users] slow response', 'ERROR    [fetch-users] request failed']);

    const ofTask = await cli(env.home, 'flow-run', 'logs', flowRunId, '--task', taskRunId, '--json');
    const parsed = ofTask.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as StoredLog);
    expect(parsed.map((l) => l.message)).toEqual(['slow response', 'request failed', 'second try worked']);
    expect(parsed.every((l) => l.taskRunId === taskRunId)).toBe(true);

    const badLevel = await cli(env.home, 'flow-run', 'logs', flowRunId, '--level', 'LOUD');
    expect(badLevel.code).toBe(2);
    expect(badLevel.err).toContain("unknown log level 'LOUD'");
  });

  it('pages through more lines than one read returns, in order', async () => {
    const flowRunId = await seeded(async () => {
      const flowRunId = await env.seed.flowRun();
      const t = Date.now();
      env.store.writeLogs(
        Array.from({ length: 2500 }, (_, i) => ({ flowRunId, taskRunId: null, level: 20, message: `line ${i}`, timestamp: t + i, attempt: 1 })),
      );
      return flowRunId;
    });
    const result = await cli(env.home, 'flow-run', 'logs', flowRunId, '--json');
    const messages = result.out
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as StoredLog).message);
    expect(messages).toHaveLength(2500);
    expect(messages[0]).toBe('line 0');
    expect(messages[2499]).toBe('line 2499');
  });

  it('refuses a task run of another flow run', async () => {
    const { flowRunId, otherTask } = await seeded(async () => {
      const flowRunId = await env.seed.flowRun();
      const other = await env.seed.flowRun();
      const otherTask = await env.seed.taskRun(other);
      return { flowRunId, otherTask };
    });
    const result = await cli(env.home, 'flow-run', 'logs', flowRunId, '--task', otherTask);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`belongs to flow run`);
  });

  it('--follow prints lines as they arrive and returns once the run has finished', async () => {
    const flowRunId = await env.seed.flowRun();
    await env.seed.move('flow', flowRunId, 'RUNNING', 'Running');
    env.store.writeLogs([{ flowRunId, taskRunId: null, level: 20, message: 'started', timestamp: Date.now(), attempt: 1 }]);
    await env.store.flush();

    // The flow finishes while the command is following it, as a flow process would.
    const finish = new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        env.store.writeLogs([{ flowRunId, taskRunId: null, level: 20, message: 'last words', timestamp: Date.now(), attempt: 1 }]);
        env.seed.move('flow', flowRunId, 'COMPLETED', 'Completed').then(() => resolve(), reject);
      }, 500);
    });
    const result = await cli(env.home, 'flow-run', 'logs', flowRunId, '--follow');
    await finish;
    expect(result.code).toBe(0);
    expect(
      result.out
        .trimEnd()
        .split('\n')
        .map((l) => l.slice(13)),
    ).toEqual(['INFO     started', 'INFO     last words']);
    expect(result.err).toContain('finished in state Completed');
    expect((await env.store.getFlowRun(flowRunId))?.state.type).toBe('COMPLETED');
  });

  it('--follow returns when the process running the flow dies', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const flowRunId = newId();
    await env.store.createFlowRun({
      id: flowRunId,
      flowName: 'etl',
      name: 'doomed',
      retryPolicy: { retries: 0, retryDelaySeconds: [0] },
      transitionId: newId(),
      state: { type: 'RUNNING', name: 'Running' },
      pid: child.pid!,
      hostname: hostname(),
    });
    await env.store.close();
    setTimeout(() => child.kill('SIGKILL'), 300);
    const result = await cli(env.home, 'flow-run', 'logs', flowRunId, '--follow');
    await exited;
    expect(result.code).toBe(0);
    expect(result.err).toContain('finished in state Crashed');
  });

  it('--follow of a finished run prints its logs and returns', async () => {
    const flowRunId = await seeded(async () => {
      const flowRunId = await env.seed.flowRun();
      await env.seed.move('flow', flowRunId, 'RUNNING', 'Running');
      env.store.writeLogs([{ flowRunId, taskRunId: null, level: 20, message: 'all there is', timestamp: Date.now(), attempt: 1 }]);
      await env.seed.move('flow', flowRunId, 'FAILED', 'Failed');
      return flowRunId;
    });
    const result = await cli(env.home, 'flow-run', 'logs', flowRunId, '--follow', '--json');
    expect(result.code).toBe(0);
    expect(
      result.out
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as StoredLog).message),
    ).toEqual(['all there is']);
  });
});

describe('flowdeck flow-run cancel', () => {
  async function stateAfter(id: string): Promise<string> {
    const reader = await openTestStore({ path: env.dbPath });
    try {
      return (await reader.getFlowRun(id))!.state.name;
    } finally {
      await reader.close();
    }
  }

  it('asks a running run to stop, and says so again without changing it', async () => {
    const id = await seeded(async () => {
      const id = await env.seed.flowRun({ name: 'long-job' });
      await env.seed.move('flow', id, 'RUNNING', 'Running');
      return id;
    });
    const result = await cli(env.home, 'flow-run', 'cancel', id.slice(0, 13));
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Cancelling flow run long-job (${id}); its process stops within a second`);
    expect(await stateAfter(id)).toBe('Cancelling');

    const again = await cli(env.home, 'flow-run', 'cancel', id);
    expect(again.code).toBe(0);
    expect(again.out).toContain('Already cancelling');
    expect(await stateAfter(id)).toBe('Cancelling');
  });

  it('cancels a run that has not started outright', async () => {
    const id = await seeded(() => env.seed.flowRun({ name: 'queued' }));
    const result = await cli(env.home, 'flow-run', 'cancel', id);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Cancelled flow run queued');
    expect(await stateAfter(id)).toBe('Cancelled');
  });

  it('exits 1 for a run that already finished, and 2 for an unknown id', async () => {
    const id = await seeded(async () => {
      const id = await env.seed.flowRun({ name: 'finished' });
      await env.seed.move('flow', id, 'RUNNING', 'Running');
      await env.seed.move('flow', id, 'COMPLETED', 'Completed');
      return id;
    });
    const result = await cli(env.home, 'flow-run', 'cancel', id);
    expect(result.code).toBe(1);
    expect(result.err).toContain('already finished in state Completed');
    expect(await stateAfter(id)).toBe('Completed');

    const unknown = await cli(env.home, 'flow-run', 'cancel', newId());
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no flow run with id');
  });
});
