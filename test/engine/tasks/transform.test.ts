// transform inside real flows on a real store: a named, tracked step around an inline function.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flow, task } from '../../../app/engine/index.js';
import { transform } from '../../../app/engine/tasks/index.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';
import { onlyTaskRun } from '../support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

describe('transform', () => {
  it('answers fn(value), sync or async, and records the step with its inputs', async () => {
    const outcome = await flow({ name: 'transforms' }, async () => {
      const rows = [{ n: 1 }, { n: 2 }, { n: 3 }];
      const total = await transform(rows, function sum(list) {
        return list.reduce((acc, row) => acc + row.n, 0);
      });
      const doubled = await transform(total, async (value) => value * 2);
      return [total, doubled];
    }).run();
    expect(outcome.result).toEqual([6, 12]);
    const runs = await env.store.listTaskRuns(outcome.flowRunId);
    expect(runs.map((r) => [r.name, r.state.name])).toEqual([
      ['transform-0', 'Completed'],
      ['transform-1', 'Completed'],
    ]);
    expect(runs[0].inputs).toBe('[[{"n":1},{"n":2},{"n":3}],"[Function sum]"]');
    expect(runs[0].state.type).toBe('COMPLETED');
  });

  it('takes a name of its own and a future as its value', async () => {
    const load = task({ name: 'load' }, () => ['a', 'b']);
    const count = transform.withOptions({ name: 'count-rows' });
    const outcome = await flow({ name: 'named' }, async () => count(load.submit(), (rows: string[]) => rows.length)).run();
    expect(outcome.result).toBe(2);
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'transform');
    expect(run.name).toBe('count-rows-0');
    expect(run.upstream).toEqual([(await onlyTaskRun(env.store, outcome.flowRunId, 'load')).id]);
  });

  it('a function that throws fails the step', async () => {
    const outcome = await flow({ name: 'throws' }, () =>
      transform('x', () => {
        throw new Error('cannot parse x');
      }).catch((e: Error) => e.message),
    ).run();
    expect(outcome.result).toBe('cannot parse x');
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'transform')).state.message).toBe('cannot parse x');
  });
});
