import { afterEach, beforeEach, expect, it } from 'vitest';
import { flow, task } from '../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

it('runs a flow with tasks, retries and a map', async () => {
  let calls = 0;
  const flaky = task({ name: 'flaky', retries: 2, retryDelaySeconds: 0.01 }, async (x: number) => {
    calls++;
    if (calls < 3) throw new Error(`boom ${calls}`);
    return x * 2;
  });
  const double = task(function double(x: number) {
    return x * 2;
  });
  const f = flow({ name: 'smoke' }, async () => {
    const a = await flaky(21);
    const many = await double.map([1, 2, 3]).result();
    return { a, many };
  });
  const outcome = await f.run();
  expect(outcome.state.name).toBe('Completed');
  expect(outcome.result).toEqual({ a: 42, many: [2, 4, 6] });
  const runs = await env.store.listTaskRuns(outcome.flowRunId);
  expect(runs).toHaveLength(4);
  const flakyRun = runs.find((r) => r.taskKey === 'flaky')!;
  expect((await env.store.listStates(flakyRun.id)).map((s) => `${s.name}:${s.attempt}`)).toEqual([
    'Pending:1',
    'Running:1',
    'AwaitingRetry:1',
    'Retrying:2',
    'AwaitingRetry:2',
    'Retrying:3',
    'Completed:3',
  ]);
});
