// Prefect's failure logs (tests/test_tasks.py test_tracebacks_are_logged, test_task_retry_logging;
// tests/test_flows.py test_raised_exceptions_include_tracebacks): a failed run's logs hold the
// error and its stack, once per failed attempt, at ERROR.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOG_LEVELS, type StoredLog } from '../../../app/core/index.js';
import { flow, task } from '../../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';
import { logsOf, onlyTaskRun } from '../support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

const errorsOf = (logs: StoredLog[]) => logs.filter((l) => l.level === LOG_LEVELS.ERROR);

function raiseValueError(): never {
  throw new RangeError('Test Exception');
}

describe('failure logs', () => {
  it("a failed task's error and stack are an ERROR line of the task run (test_tracebacks_are_logged)", async () => {
    const broken = task({ name: 'broken' }, () => raiseValueError());
    const outcome = await flow({ name: 'task-fails' }, () => broken()).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'broken');
    const lines = errorsOf(await logsOf(env.store, outcome.flowRunId, { taskRunId: run.id }));
    expect(lines).toHaveLength(1);
    expect(lines[0].message).toMatch(/^failed: RangeError: Test Exception\n\s+at raiseValueError /);
    expect(lines[0].logger).toBe('task');
    expect(lines[0].attempt).toBe(1);
  });

  it('a failed flow logs its error and stack at flow level, once (test_raised_exceptions_include_tracebacks)', async () => {
    const outcome = await flow({ name: 'flow-fails' }, () => raiseValueError()).run();
    const lines = errorsOf(await logsOf(env.store, outcome.flowRunId));
    expect(lines).toHaveLength(1);
    expect(lines[0].taskRunId).toBeNull();
    expect(lines[0].logger).toBe('flow');
    expect(lines[0].message).toMatch(/^flow run failed: RangeError: Test Exception\n\s+at raiseValueError /);
  });

  it("a task's failure that fails its flow is logged once in the task run and once in the flow run", async () => {
    const broken = task({ name: 'broken-through' }, () => raiseValueError());
    const outcome = await flow({ name: 'lets-it-through' }, () => broken()).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'broken-through');
    const lines = errorsOf(await logsOf(env.store, outcome.flowRunId));
    expect(lines.map((l) => [l.taskRunId, l.message.split('\n')[0]])).toEqual([
      [run.id, 'failed: RangeError: Test Exception'],
      [null, 'flow run failed: RangeError: Test Exception'],
    ]);
  });

  it('a retried task logs each failed attempt, the last saying retries are used up (test_task_retry_logging)', async () => {
    const broken = task({ name: 'retried', retries: 2, retryDelaySeconds: 0 }, () => raiseValueError());
    const outcome = await flow({ name: 'retry-logs' }, async () => {
      await broken().catch(() => undefined);
    }).run();
    expect(outcome.state.name).toBe('Completed');
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'retried');
    const lines = errorsOf(await logsOf(env.store, outcome.flowRunId, { taskRunId: run.id }));
    expect(lines.map((l) => [l.attempt, l.message.split('\n')[0].replace(/\d+ ms/, 'N ms')])).toEqual([
      [1, 'attempt 1 failed; retrying in N ms: RangeError: Test Exception'],
      [2, 'attempt 2 failed; retrying in N ms: RangeError: Test Exception'],
      [3, 'failed after 3 attempts: RangeError: Test Exception'],
    ]);
    for (const line of lines) expect(line.message).toMatch(/\n\s+at raiseValueError /);
    // The flow caught it: nothing at flow level.
    expect(errorsOf(await logsOf(env.store, outcome.flowRunId)).filter((l) => l.taskRunId === null)).toEqual([]);
  });

  it('a retried flow logs each failed attempt at flow level', async () => {
    const outcome = await flow({ name: 'flow-retries', retries: 1, retryDelaySeconds: 0 }, () => raiseValueError()).run();
    const lines = errorsOf(await logsOf(env.store, outcome.flowRunId));
    expect(lines.map((l) => [l.attempt, l.message.split('\n')[0]])).toEqual([
      [1, 'flow run attempt 1 failed; retrying: RangeError: Test Exception'],
      [2, 'flow run failed: RangeError: Test Exception'],
    ]);
  });

  it('a timed-out task logs its TimeoutError', async () => {
    const slow = task({ name: 'slow', timeoutSeconds: 0.05 }, () => new Promise((resolve) => setTimeout(resolve, 2000)));
    const outcome = await flow({ name: 'timeout-logs' }, async () => {
      await slow().catch(() => undefined);
    }).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'slow');
    const lines = errorsOf(await logsOf(env.store, outcome.flowRunId, { taskRunId: run.id }));
    expect(lines.map((l) => l.message.split('\n')[0])).toEqual(["failed: TimeoutError: task run 'slow-0' timed out after 0.05s"]);
  });

  it('credentials in an error are masked in its log lines', async () => {
    const leaky = task({ name: 'leaky' }, () => {
      throw new Error('cannot reach postgres://admin:s3cret-pw@db.example:5432/app');
    });
    const outcome = await flow({ name: 'masked-logs' }, () => leaky()).run();
    const logs = await logsOf(env.store, outcome.flowRunId);
    const errors = errorsOf(logs);
    expect(errors).toHaveLength(2);
    for (const line of errors) {
      expect(line.message).toContain('postgres://admin:***@db.example:5432/app');
      expect(line.message).not.toContain('s3cret-pw');
    }
  });

  it('a NotReady task logs why it did not run, as a warning, and no error of its own', async () => {
    const broken = task({ name: 'upstream' }, () => raiseValueError());
    const after = task({ name: 'downstream' }, (x: unknown) => x);
    const outcome = await flow({ name: 'not-ready-logs' }, async () => {
      await after.submit(broken.submit()).wait();
    }).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'downstream');
    const logs = await logsOf(env.store, outcome.flowRunId, { taskRunId: run.id });
    expect(logs.map((l) => [l.level, l.message.replace(/\(.*?\)/, '(ID)')])).toEqual([
      [
        LOG_LEVELS.WARNING,
        "did not run: upstream task run 'upstream-0' (ID) did not complete, so this task did not run; it ended Failed: Test Exception",
      ],
    ]);
  });

  it('a completed run logs no error', async () => {
    const fine = task({ name: 'fine' }, () => 1);
    const outcome = await flow({ name: 'no-errors' }, () => fine()).run();
    expect(errorsOf(await logsOf(env.store, outcome.flowRunId))).toEqual([]);
  });
});
