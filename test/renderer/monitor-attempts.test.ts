import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { State } from '../../app/core/index.js';
import { flow, task } from '../../app/engine/index.js';
import {
  attemptBands,
  attemptLabel,
  flowRunAttempts,
  retryMessages,
  shownAttempt,
  taskRunsOfAttempt,
} from '../../app/renderer/monitor/model/attempts.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';

function state(type: State['type'], name: string, attempt: number, timestamp: number, message?: string): State {
  return { type, name, attempt, timestamp, ...(message !== undefined ? { message } : {}) };
}

describe('attempts of a real flow run that retried', () => {
  let env: EngineStore;
  beforeEach(async () => (env = await useEngineStore()));
  afterEach(() => env.dispose());

  it('groups its task runs by the attempt that made them, with the failure the retry followed', async () => {
    let calls = 0;
    const extract = task({ name: 'extract' }, () => 1);
    const load = task({ name: 'load' }, (x: number) => {
      calls++;
      if (calls === 1) throw new Error('the database was away');
      return x + 1;
    });
    const outcome = await flow({ name: 'etl', retries: 1 }, async () => load(await extract())).run();
    expect(outcome.result).toBe(2);
    const taskRuns = await env.store.listTaskRuns(outcome.flowRunId);
    const flowStates = await env.store.listStates(outcome.flowRunId);
    const run = await env.store.getFlowRun(outcome.flowRunId);

    const attempts = flowRunAttempts(taskRuns, flowStates, run!.runCount);
    const names = (ids: string[]) => ids.map((id) => taskRuns.find((t) => t.id === id)!.name);
    expect(attempts.map((a) => [a.attempt, names(a.taskRunIds)])).toEqual([
      [1, ['extract-0', 'load-0']],
      [2, ['extract-0', 'load-0']],
    ]);
    expect(attempts[0].retryMessage).toBeNull();
    expect(attempts[1].retryMessage).toContain('the database was away');

    // The latest is shown first; each attempt shows only its own task runs.
    expect(shownAttempt(attempts, null)).toBe(2);
    const second = taskRunsOfAttempt(taskRuns, 2);
    expect(second.map((t) => [t.name, t.state.name])).toEqual([
      ['extract-0', 'Completed'],
      ['load-0', 'Completed'],
    ]);
    expect(taskRunsOfAttempt(taskRuns, 1).map((t) => [t.name, t.state.type])).toEqual([
      ['extract-0', 'COMPLETED'],
      ['load-0', 'FAILED'],
    ]);
    expect(taskRunsOfAttempt(taskRuns, 'all')).toHaveLength(4);
  });
});

describe('attempts of a flow run', () => {
  it('takes the message of the AwaitingRetry state before each later attempt, not of other states', () => {
    const states = [
      state('PENDING', 'Pending', 0, 1),
      state('RUNNING', 'Running', 1, 2),
      state('FAILED', 'Failed', 1, 3, 'boom'),
      state('SCHEDULED', 'AwaitingRetry', 1, 4, 'retried from the UI, reusing completed tasks'),
      state('RUNNING', 'Retrying', 2, 5),
      state('FAILED', 'Failed', 2, 6, 'boom again'),
      state('SCHEDULED', 'AwaitingRetry', 2, 7, 'retried from the CLI, running every task again'),
      state('RUNNING', 'Retrying', 3, 8),
      state('RUNNING', 'Running', 3, 9),
    ];
    expect([...retryMessages(states)]).toEqual([
      [2, 'retried from the UI, reusing completed tasks'],
      [3, 'retried from the CLI, running every task again'],
    ]);
  });

  it('has one attempt for a run never retried, and keeps an attempt that has made no task run yet', () => {
    const once = flowRunAttempts([{ id: 'a', flowRunAttempt: 1 }], [state('RUNNING', 'Running', 1, 1)], 1);
    expect(once).toEqual([{ attempt: 1, taskRunIds: ['a'], retryMessage: null }]);
    expect(shownAttempt(once, null)).toBe(1);
    expect(shownAttempt(once, 'all')).toBe(1);

    const justRetried = flowRunAttempts(
      [{ id: 'a', flowRunAttempt: 1 }],
      [
        state('RUNNING', 'Running', 1, 1),
        state('SCHEDULED', 'AwaitingRetry', 1, 2, 'retried from the UI, reusing completed tasks'),
        state('RUNNING', 'Retrying', 2, 3),
      ],
      2,
    );
    expect(justRetried.map((a) => [a.attempt, a.taskRunIds, a.retryMessage])).toEqual([
      [1, ['a'], null],
      [2, [], 'retried from the UI, reusing completed tasks'],
    ]);
  });

  it('shows the attempt chosen while it exists, the latest otherwise', () => {
    const attempts = flowRunAttempts(
      [
        { id: 'a', flowRunAttempt: 1 },
        { id: 'b', flowRunAttempt: 2 },
        { id: 'c', flowRunAttempt: 3 },
      ],
      [],
      3,
    );
    expect(shownAttempt(attempts, 1)).toBe(1);
    expect(shownAttempt(attempts, 'all')).toBe('all');
    expect(shownAttempt(attempts, 7)).toBe(3);
    expect(shownAttempt(attempts, 0)).toBe(3);
    expect(attemptLabel(2, 3)).toBe('Attempt 2 of 3');
  });

  it('bands timeline rows under one header per attempt, keeping their order', () => {
    const attempts = flowRunAttempts(
      [
        { id: 'a1', flowRunAttempt: 1 },
        { id: 'b1', flowRunAttempt: 1 },
        { id: 'a2', flowRunAttempt: 2 },
      ],
      [],
      2,
    );
    const rows = [{ taskRunId: 'b1' }, { taskRunId: 'a2' }, { taskRunId: 'a1' }];
    expect(attemptBands(rows, attempts).map((item) => (item.kind === 'header' ? item.label : item.row.taskRunId))).toEqual([
      'Attempt 1 of 2',
      'b1',
      'a1',
      'Attempt 2 of 2',
      'a2',
    ]);
  });
});
