import { describe, expect, it } from 'vitest';
import { elapsedTime, runTime, type State, type TaskRun } from '../../app/core/index.js';
import { formatDuration } from '../../app/cli/output/format.js';
import { openTestStore } from '../helpers/store-factory.js';
import { cli, idColumn, useSeededStore } from './harness.js';

const env = useSeededStore();

const RETRY_WAIT_MS = 150;

/** A task run's run time and elapsed time as the CLI writes them, from what the store holds. */
async function timesOf(taskRunId: string): Promise<{ ran: string; elapsed: string }> {
  const store = await openTestStore({ path: env.dbPath });
  try {
    const run = (await store.getTaskRun(taskRunId))!;
    const ran = runTime(await store.listStates(taskRunId), Date.now());
    const elapsed = elapsedTime(run, Date.now());
    expect(elapsed! - ran!).toBeGreaterThanOrEqual(RETRY_WAIT_MS);
    return { ran: formatDuration(ran), elapsed: formatDuration(elapsed) };
  } finally {
    await store.close();
  }
}

/** A flow run whose `fetch-users` task failed twice and then succeeded, and a `load` task after it. */
async function seedRetriedRun(): Promise<{ flowRunId: string; fetchId: string; loadId: string }> {
  const flowRunId = await env.seed.flowRun({ name: 'nightly' });
  await env.seed.move('flow', flowRunId, 'RUNNING', 'Running');
  const fetchId = await env.seed.taskRun(flowRunId, { name: 'fetch-users', retries: 3, tags: ['api', 'slow'], inputs: '{"limit":3}' });
  const names = [await env.seed.move('task', fetchId, 'RUNNING', 'Running')];
  for (const status of [503, 502]) {
    names.push(
      await env.seed.move('task', fetchId, 'FAILED', 'Failed', {
        message: `Task run failed: HTTP ${status}`,
        error: { name: 'HttpError', message: `HTTP ${status} from api.example.com` },
      }),
    );
    // Each retry waits, so the task's elapsed time is its run time and more.
    await new Promise((resolve) => setTimeout(resolve, RETRY_WAIT_MS));
    names.push(await env.seed.move('task', fetchId, 'RUNNING', 'Running'));
  }
  names.push(await env.seed.move('task', fetchId, 'COMPLETED', 'Completed', { resultPreview: '[{"id":1}]' }));
  // The store turned retried failures into AwaitingRetry and later attempts into Retrying.
  expect(names).toEqual(['Running', 'AwaitingRetry', 'Retrying', 'AwaitingRetry', 'Retrying', 'Completed']);
  const loadId = await env.seed.taskRun(flowRunId, { name: 'load-0', upstream: [fetchId], cacheKey: 'load-abc' });
  await env.store.close();
  return { flowRunId, fetchId, loadId };
}

describe('flowdeck task-run ls', () => {
  it('lists the task runs of a flow run with attempts and tags', async () => {
    const { flowRunId, fetchId, loadId } = await seedRetriedRun();
    const result = await cli(env.home, 'task-run', 'ls', '--flow-run', flowRunId);
    expect(result.code).toBe(0);
    const lines = result.out.trimEnd().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['ID', 'NAME', 'STATE', 'ATTEMPTS', 'STARTED', 'RUN TIME', 'ELAPSED', 'TAGS']);
    // Run time is the time spent running; elapsed also holds the waits between attempts.
    const times = await timesOf(fetchId);
    expect(lines[1].split(/\s{2,}/).slice(5)).toEqual([times.ran, times.elapsed, 'api, slow']);
    expect(lines[1]).toMatch(/fetch-users\s+Completed\s+3\s+\d{4}-\d\d-\d\d \S+\s+/);
    expect(lines[2]).toMatch(/load-0\s+Pending\s+0\s+-\s+-\s+-$/);

    // Task runs of one flow run are made within moments, so their shown ids must still differ.
    const shown = idColumn(result.out);
    expect(fetchId.startsWith(shown[0])).toBe(true);
    expect(loadId.startsWith(shown[1])).toBe(true);
    for (const [i, short] of shown.entries()) {
      const inspected = await cli(env.home, 'task-run', 'inspect', short, '--json');
      expect(inspected.code).toBe(0);
      expect((JSON.parse(inspected.out) as TaskRun).id).toBe([fetchId, loadId][i]);
    }

    const json = await cli(env.home, 'task-run', 'ls', '--flow-run', flowRunId, '--json');
    expect((JSON.parse(json.out) as TaskRun[]).map((t) => [t.name, t.runCount])).toEqual([
      ['fetch-users', 3],
      ['load-0', 0],
    ]);
  });

  it('says so when a flow run has no task runs yet', async () => {
    const flowRunId = await env.seed.flowRun({ name: 'empty' });
    await env.store.close();
    const result = await cli(env.home, 'task-run', 'ls', '--flow-run', flowRunId);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Flow run empty has no task runs yet.');
  });

  it('needs --flow-run naming a known flow run', async () => {
    const missing = await cli(env.home, 'task-run', 'ls');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('missing --flow-run ID');
    const unknown = await cli(env.home, 'task-run', 'ls', '--flow-run', 'deadbeef');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("no flow run with id 'deadbeef'");
  });
});

describe('flowdeck task-run inspect', () => {
  it('shows the retry history: every attempt, its failure and the retry that followed', async () => {
    const { flowRunId, fetchId } = await seedRetriedRun();
    const result = await cli(env.home, 'task-run', 'inspect', fetchId);
    expect(result.code).toBe(0);
    const out = result.out;
    expect(out).toMatch(/task key\s+fetch-users\n/);
    expect(out).toContain(`flow run      ${flowRunId} (nightly)`);
    expect(out).toMatch(/state\s+Completed\n/);
    expect(out).toMatch(/tags\s+api, slow\n/);
    expect(out).toMatch(/attempts\s+3 of at most 4\n/);
    expect(out).toMatch(/retry policy\s+3 retries, no delay\n/);
    expect(out).toMatch(/inputs\s+\{"limit":3\}\n/);
    expect(out).toMatch(/result\s+\[\{"id":1\}\]\n/);
    const times = await timesOf(fetchId);
    expect(out).toContain(`run time      ${times.ran}\n`);
    expect(out).toContain(`elapsed       ${times.elapsed}\n`);

    const history = out.slice(out.indexOf('State history')).trimEnd().split('\n').slice(1);
    expect(history[0].trim().split(/\s{2,}/)).toEqual(['TIME', 'STATE', 'ATTEMPT', 'MESSAGE', 'ERROR']);
    const rows = history.slice(1).map((line) => line.trim().split(/\s{2,}/));
    expect(rows.map((r) => [r[1], r[2]])).toEqual([
      ['Pending', '1'],
      ['Running', '1'],
      ['AwaitingRetry', '1'],
      ['Retrying', '2'],
      ['AwaitingRetry', '2'],
      ['Retrying', '3'],
      ['Completed', '3'],
    ]);
    expect(rows[2][3]).toMatch(/^Task run failed: HTTP 503 \(due \d{4}-\d\d-\d\d \S+\)$/);
    expect(rows[2][4]).toBe('HttpError: HTTP 503 from api.example.com');
    expect(rows[4][4]).toBe('HttpError: HTTP 502 from api.example.com');
    for (const row of rows) expect(row[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);

    const json = await cli(env.home, 'task-run', 'inspect', fetchId, '--json');
    expect(json.out.trim().split('\n')).toHaveLength(1);
    const parsed = JSON.parse(json.out) as TaskRun & { states: State[] };
    expect(parsed.id).toBe(fetchId);
    expect(parsed.states.map((s) => s.name)).toEqual(['Pending', 'Running', 'AwaitingRetry', 'Retrying', 'AwaitingRetry', 'Retrying', 'Completed']);
    expect(parsed.states[2].error).toEqual({ name: 'HttpError', message: 'HTTP 503 from api.example.com' });
  });

  it('names upstream task runs and the cache key', async () => {
    const { fetchId, loadId } = await seedRetriedRun();
    const result = await cli(env.home, 'task-run', 'inspect', loadId);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`upstream      ${fetchId} (fetch-users)`);
    expect(result.out).toMatch(/cache key\s+load-abc\n/);
    expect(result.out).toMatch(/retry policy\s+no retries\n/);
  });

  it('shows the stack of the error a failed task run ended with', async () => {
    const flowRunId = await env.seed.flowRun();
    await env.seed.move('flow', flowRunId, 'RUNNING', 'Running');
    const taskRunId = await env.seed.taskRun(flowRunId, { name: 'parse-0' });
    await env.seed.move('task', taskRunId, 'RUNNING', 'Running');
    await env.seed.move('task', taskRunId, 'FAILED', 'Failed', {
      error: { name: 'SyntaxError', message: 'Unexpected token', stack: 'SyntaxError: Unexpected token\n    at parse (flow.ts:7:9)' },
    });
    await env.store.close();
    const result = await cli(env.home, 'task-run', 'inspect', taskRunId);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/Failed\s+1\s+SyntaxError: Unexpected token\n/);
    expect(result.out).toContain('Error\n  SyntaxError: Unexpected token\n      at parse (flow.ts:7:9)');
  });

  it('exits 2 naming an unknown id', async () => {
    await env.store.close();
    const result = await cli(env.home, 'task-run', 'inspect', 'abcd1234');
    expect(result.code).toBe(2);
    expect(result.err).toContain("no task run with id 'abcd1234'");
  });
});
