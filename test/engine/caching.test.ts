import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESULTS_FOLDER } from '../../app/core/index.js';
import { configureEngine } from '../../app/engine/hosting.js';
import { CachePolicies, flow, task, type CacheKeyContext } from '../../app/engine/index.js';
import { readResult } from '../../app/engine/results.js';
import { openTestStore, sqliteOf } from '../helpers/store-factory.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';
import { historyOf, logsOf, namesOf, onlyTaskRun, stateNamed, taskRunsOf } from './support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

/** Runs `body` once per flow run and returns the task runs of `key` it made, one per run. */
async function runEach(key: string, body: () => Promise<unknown>, times: number) {
  const f = flow({ name: `cache-${key}` }, body);
  const outcomes = [];
  for (let i = 0; i < times; i++) outcomes.push(await f.run());
  return Promise.all(outcomes.map(async (o) => ({ outcome: o, runs: await taskRunsOf(env.store, o.flowRunId, key) })));
}

describe("cachePolicy 'inputs'", () => {
  it('a later flow run with the same inputs is Cached and does not call the function', async () => {
    let calls = 0;
    const lookup = task({ name: 'lookup', cachePolicy: 'inputs' }, (id: number) => {
      calls++;
      return { id, at: calls };
    });
    const [first, second] = await runEach('lookup', () => lookup(7), 2);
    expect(calls).toBe(1);
    expect(second.outcome.result).toEqual({ id: 7, at: 1 });
    const original = first.runs[0];
    const cached = second.runs[0];
    expect(await historyOf(env.store, original.id)).toEqual(['Pending:1', 'Running:1', 'Completed:1']);
    expect(await historyOf(env.store, cached.id)).toEqual(['Pending:1', 'Cached:1']);
    const completed = await stateNamed(env.store, original.id, 'Completed');
    const hit = await stateNamed(env.store, cached.id, 'Cached');
    expect(hit.type).toBe('COMPLETED');
    expect(hit.message).toBe(`cached result of task run ${original.id}`);
    expect(completed.cacheKey).toMatch(/^lookup:[0-9a-f]{32}$/);
    expect(hit.cacheKey).toBe(completed.cacheKey);
    expect(hit.resultRef).toBe(completed.resultRef);
    expect(cached.runCount).toBe(0);
    const logs = await logsOf(env.store, second.outcome.flowRunId, { taskRunId: cached.id });
    expect(logs.map((l) => l.message)).toContain(`used a cached result (cached result of task run ${original.id})`);
  });

  it('different inputs are not cached; equal structured inputs are, whatever the key order', async () => {
    let calls = 0;
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the engine reads parameter names from the source
    const f = task({ name: 'structured', cachePolicy: 'inputs' }, (q: object) => ++calls);
    const outcome = await flow({ name: 'structured-inputs' }, async () => [
      await f({ a: 1, b: [1, 2] }),
      await f({ b: [1, 2], a: 1 }),
      await f({ a: 1, b: [2, 1] }),
      await f({ a: 1, b: [1, 2], c: undefined }),
    ]).run();
    expect(outcome.result).toEqual([1, 1, 2, 3]);
    expect((await taskRunsOf(env.store, outcome.flowRunId, 'structured')).map((r) => r.state.name)).toEqual([
      'Completed',
      'Cached',
      'Completed',
      'Completed',
    ]);
  });

  it('CachePolicies.inputs([...]) leaves the named arguments out of the key', async () => {
    let calls = 0;
    const load = task({ name: 'load', cachePolicy: CachePolicies.inputs(['debug']) }, (path: string, debug: boolean) => {
      calls++;
      return `${path}:${debug}`;
    });
    const outcome = await flow({ name: 'exclude-arg' }, async () => [await load('/a', false), await load('/a', true), await load('/b', true)]).run();
    expect(outcome.result).toEqual(['/a:false', '/a:false', '/b:true']);
    expect(calls).toBe(2);
    expect((await taskRunsOf(env.store, outcome.flowRunId, 'load')).map((r) => r.state.name)).toEqual(['Completed', 'Cached', 'Completed']);
  });

  it('Dates, Maps, Sets and BigInts round-trip through the cache, as inputs and as results', async () => {
    let calls = 0;
    const when = new Date('2024-05-06T07:08:09.010Z');
    const build = task({ name: 'build', cachePolicy: 'inputs' }, (at: Date, keys: Set<string>) => {
      calls++;
      return {
        at,
        map: new Map<string, unknown>([
          ['k', new Set(keys)],
          ['n', 12n],
        ]),
        bytes: new Uint8Array([1, 2, 3]),
      };
    });
    const [first, second] = await runEach('build', () => build(new Date(when), new Set(['x', 'y'])), 2);
    expect(calls).toBe(1);
    expect(second.runs[0].state.name).toBe('Cached');
    const value = second.outcome.result as { at: Date; map: Map<string, unknown>; bytes: Uint8Array };
    expect(value.at).toBeInstanceOf(Date);
    expect(value.at.getTime()).toBe(when.getTime());
    expect(value.map).toBeInstanceOf(Map);
    expect(value.map.get('k')).toEqual(new Set(['x', 'y']));
    expect(value.map.get('n')).toBe(12n);
    expect(value.bytes).toEqual(new Uint8Array([1, 2, 3]));
    expect(value).toEqual(first.outcome.result);
  });

  it('inputs that cannot be hashed skip caching with a warning, and the task still runs', async () => {
    let calls = 0;
    const apply = task({ name: 'apply', cachePolicy: 'inputs' }, (fn: (x: number) => number, x: number) => {
      calls++;
      return fn(x);
    });
    const [first, second] = await runEach('apply', () => apply((x) => x + 1, 1), 2);
    expect(calls).toBe(2);
    expect(second.outcome.result).toBe(2);
    for (const { outcome, runs } of [first, second]) {
      expect(await namesOf(env.store, runs[0].id)).toEqual(['Pending', 'Running', 'Completed']);
      expect((await stateNamed(env.store, runs[0].id, 'Completed')).cacheKey).toBeUndefined();
      const logs = await logsOf(env.store, outcome.flowRunId, { taskRunId: runs[0].id });
      const warning = logs.find((l) => l.message.startsWith('not cached'));
      expect(warning).toMatchObject({ level: 30, attempt: 1, message: 'not cached: a function cannot be part of a cache key' });
    }
  });
});

describe('other cache policies', () => {
  it("'taskSource' caches on the function's code alone, so new inputs still hit", async () => {
    let calls = 0;
    const t = task({ name: 'by-source', cachePolicy: 'taskSource' }, (x: number) => {
      calls++;
      return x;
    });
    const outcome = await flow({ name: 'source' }, async () => [await t(1), await t(2)]).run();
    expect(outcome.result).toEqual([1, 1]);
    expect(calls).toBe(1);
  });

  it("'default' needs both the same inputs and the same code", async () => {
    let calls = 0;
    const t = task({ name: 'by-default', cachePolicy: 'default' }, (x: number) => {
      calls++;
      return x * 10;
    });
    const outcome = await flow({ name: 'default-policy' }, async () => [await t(1), await t(1), await t(2)]).run();
    expect(outcome.result).toEqual([10, 10, 20]);
    expect(calls).toBe(2);
    const [a, b, c] = await taskRunsOf(env.store, outcome.flowRunId, 'by-default');
    expect([a.state.name, b.state.name, c.state.name]).toEqual(['Completed', 'Cached', 'Completed']);
    // Different code gives a different key for the same inputs.
    const ctx = (source: string): CacheKeyContext => ({
      taskKey: 'k',
      taskSource: source,
      flowRunId: 'f',
      flowParameters: {},
      inputs: { '0': 1 },
      args: [1],
    });
    const policy = CachePolicies.combine(CachePolicies.inputs(), CachePolicies.taskSource());
    expect(policy.computeKey(ctx('(x) => x'))).not.toBe(policy.computeKey(ctx('(x) => x + 1')));
  });

  it("'none' and no policy never cache", async () => {
    let calls = 0;
    const none = task({ name: 'no-cache', cachePolicy: 'none' }, () => ++calls);
    const plain = task({ name: 'plain' }, () => ++calls);
    const outcome = await flow({ name: 'none-policy' }, async () => [await none(), await none(), await plain(), await plain()]).run();
    expect(outcome.result).toEqual([1, 2, 3, 4]);
    for (const run of await env.store.listTaskRuns(outcome.flowRunId)) {
      expect(run.state.name).toBe('Completed');
      expect(run.state.cacheKey).toBeUndefined();
      // Recorded with the run's other results for a retry to reuse, never as a cache entry.
      expect(run.state.resultRef).toMatch(new RegExp(`^${RESULTS_FOLDER}/runs/${outcome.flowRunId}\\.results#\\d+\\+\\d+$`));
    }
    expect(readdirSync(join(env.home, RESULTS_FOLDER))).toEqual(['runs']);
  });

  it('cacheKeyFn decides the key from the context and arguments; null or empty means no caching', async () => {
    const contexts: CacheKeyContext[] = [];
    let calls = 0;
    const t = task(
      {
        name: 'keyed',
        cacheKeyFn: (ctx, user: string, _attempt: number) => {
          contexts.push(ctx);
          if (user === 'nobody') return null;
          if (user === 'empty') return '';
          return `user-${user}`;
        },
      },
      (user: string, attempt: number) => `${user}:${attempt}:${++calls}`,
    );
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the engine reads parameter names from the source
    const outcome = await flow({ name: 'key-fn' }, async (params: { region: string }) => [
      await t('ann', 1),
      await t('ann', 2),
      await t('nobody', 1),
      await t('nobody', 1),
      await t('empty', 1),
      await t('empty', 1),
    ]).run({ region: 'eu' });
    expect(outcome.result).toEqual(['ann:1:1', 'ann:1:1', 'nobody:1:2', 'nobody:1:3', 'empty:1:4', 'empty:1:5']);
    const runs = await taskRunsOf(env.store, outcome.flowRunId, 'keyed');
    expect((await stateNamed(env.store, runs[0].id, 'Completed')).cacheKey).toBe('user-ann');
    expect(runs[1].state.name).toBe('Cached');
    expect(contexts[0]).toMatchObject({
      taskKey: 'keyed',
      flowRunId: outcome.flowRunId,
      flowParameters: { region: 'eu' },
      inputs: { '0': 'ann', '1': 1, user: 'ann', attempt: 1 },
      args: ['ann', 1],
    });
    expect(contexts[0].taskSource).toContain('++calls');
  });

  it('a cacheKeyFn that throws fails the task run', async () => {
    const t = task(
      {
        name: 'bad-key',
        cacheKeyFn: () => {
          throw new Error('no key for you');
        },
      },
      () => 1,
    );
    let error: unknown;
    const outcome = await flow({ name: 'bad-key' }, async () => {
      error = await t().catch((e: unknown) => e);
    }).run();
    expect((error as Error).message).toBe('no key for you');
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'bad-key');
    expect(await historyOf(env.store, run.id)).toEqual(['Pending:1', 'Failed:1']);
    expect(run.state.message).toBe('the cache key could not be computed: no key for you');
    expect(run.state.error?.message).toBe('no key for you');
  });

  it('CachePolicies.flowParameters and runId scope the cache to parameters or to one flow run', async () => {
    let byParams = 0;
    let byRun = 0;
    const p = task({ name: 'by-params', cachePolicy: CachePolicies.flowParameters() }, () => ++byParams);
    const r = task({ name: 'by-run', cachePolicy: CachePolicies.runId() }, () => ++byRun);
    const f = flow({ name: 'scoped' }, async (_params: { day: string }) => [await p(), await p(), await r(), await r()]);
    const a = await f.run({ day: 'mon' });
    const b = await f.run({ day: 'mon' });
    const c = await f.run({ day: 'tue' });
    expect([a.result, b.result, c.result]).toEqual([
      [1, 1, 1, 1],
      [1, 1, 2, 2],
      [2, 2, 3, 3],
    ]);
  });
});

describe('cache lifetime', () => {
  it('cacheExpirationSeconds lets an entry expire', async () => {
    // The store decides expiry by its own clock: move it forward instead of waiting.
    let skewMs = 0;
    const store = await openTestStore({ path: env.path, now: () => Date.now() + skewMs });
    configureEngine({ reporter: store });
    try {
      let calls = 0;
      const t = task({ name: 'expiring', cachePolicy: 'inputs', cacheExpirationSeconds: 60 }, () => ++calls);
      const f = flow({ name: 'expiry' }, () => t());
      const first = await f.run();
      skewMs = 59_000;
      const second = await f.run();
      skewMs = 61_000;
      const before = Date.now();
      const third = await f.run();
      const after = Date.now();
      expect([first.result, second.result, third.result]).toEqual([1, 1, 2]);
      expect((await onlyTaskRun(store, second.flowRunId, 'expiring')).state.name).toBe('Cached');
      expect((await onlyTaskRun(store, third.flowRunId, 'expiring')).state.name).toBe('Completed');
      // The third run's entry replaced the first; the store dates its expiry by its own clock.
      // Read from SQLite's row: no answer of the store carries a cache entry's expiry.
      const entry = sqliteOf(store).database.prepare<[], { expires_at: number }>('SELECT expires_at FROM cache_entries').get()!;
      expect(entry.expires_at).toBeGreaterThanOrEqual(before + skewMs + 60_000);
      expect(entry.expires_at).toBeLessThanOrEqual(after + skewMs + 60_000);
    } finally {
      await store.close();
      configureEngine({ reporter: env.store });
    }
  });

  it('refreshCache computes again and replaces the entry that later runs use', async () => {
    let calls = 0;
    const t = task({ name: 'refreshable', cachePolicy: 'inputs' }, () => ++calls);
    const fresh = t.withOptions({ refreshCache: true });
    const outcome = await flow({ name: 'refresh' }, async () => [await t(), await t(), await fresh(), await t()]).run();
    expect(outcome.result).toEqual([1, 1, 2, 2]);
    expect((await env.store.listTaskRuns(outcome.flowRunId)).map((r) => r.state.name)).toEqual(['Completed', 'Cached', 'Completed', 'Cached']);
  });

  it('a result is persisted under FLOWDECK_HOME/storage and reused by another process on the same database', async () => {
    let calls = 0;
    const report = task({ name: 'report', cachePolicy: 'inputs' }, (day: string) => ({ day, calls: ++calls }));
    const f = flow({ name: 'persisted' }, (params: { day: string }) => report(params.day));
    const first = await f.run({ day: 'mon' });
    const completed = (await onlyTaskRun(env.store, first.flowRunId, 'report')).state;
    expect(completed.resultRef).toMatch(new RegExp(`^${RESULTS_FOLDER}/[0-9a-f]{64}\\.bin$`));
    const file = join(env.home, completed.resultRef!);
    expect(existsSync(file)).toBe(true);
    expect(readResult(env.home, completed.resultRef!)).toEqual({ day: 'mon', calls: 1 });

    // Another process: the first store is closed, a fresh one opens the same file.
    await env.store.close();
    const other = await openTestStore({ path: env.path });
    configureEngine({ reporter: other, home: env.home });
    try {
      const second = await f.run({ day: 'mon' });
      expect(second.result).toEqual({ day: 'mon', calls: 1 });
      expect(calls).toBe(1);
      const cached = await onlyTaskRun(other, second.flowRunId, 'report');
      expect(cached.state.name).toBe('Cached');
      expect(cached.state.resultRef).toBe(completed.resultRef);
    } finally {
      await other.close();
    }
  });

  it('a Cached run whose result file is gone fails and says to refresh the cache', async () => {
    const { rmSync } = await import('node:fs');
    const t = task({ name: 'lost', cachePolicy: 'inputs' }, () => 'value');
    const f = flow({ name: 'lost-result' }, () => t());
    const first = await f.run();
    rmSync(join(env.home, (await onlyTaskRun(env.store, first.flowRunId, 'lost')).state.resultRef!));
    const second = await f.run();
    expect(second.state.name).toBe('Failed');
    expect((second.error as Error).message).toMatch(/was Cached but its result .* cannot be read .*refreshCache/);
  });

  it('persistResult writes the result and caches it within its flow run only', async () => {
    let calls = 0;
    const t = task({ name: 'kept', persistResult: true }, () => ({ n: ++calls, when: new Date(0) }));
    const f = flow({ name: 'persist-result' }, () => t());
    const first = await f.run();
    const second = await f.run();
    expect(calls).toBe(2);
    const run = await onlyTaskRun(env.store, first.flowRunId, 'kept');
    expect(run.state.name).toBe('Completed');
    expect(run.state.cacheKey).toMatch(/^kept:/);
    expect(run.state.resultRef).toMatch(new RegExp(`^${RESULTS_FOLDER}/`));
    expect(readResult(env.home, run.state.resultRef!)).toEqual({ n: 1, when: new Date(0) });
    expect((await onlyTaskRun(env.store, second.flowRunId, 'kept')).state.resultRef).not.toBe(run.state.resultRef);
  });

  it('persistResult on a flow writes the flow result', async () => {
    const f = flow({ name: 'flow-persist', persistResult: true }, () => new Map([['a', 1]]));
    const outcome = await f.run();
    const state = (await env.store.getFlowRun(outcome.flowRunId))!.state;
    expect(state.resultRef).toMatch(new RegExp(`^${RESULTS_FOLDER}/`));
    expect(readResult(env.home, state.resultRef!)).toEqual(new Map([['a', 1]]));
  });

  it('a result that cannot be persisted is not cached, with a warning, and the task still completes', async () => {
    let calls = 0;
    const t = task({ name: 'unpersistable', cachePolicy: 'inputs' }, () => {
      calls++;
      return { fn: () => 1 };
    });
    const [first, second] = await runEach('unpersistable', async () => typeof ((await t()) as { fn: unknown }).fn, 2);
    expect(first.outcome.result).toBe('function');
    expect(calls).toBe(2);
    expect(second.runs[0].state.name).toBe('Completed');
    const logs = await logsOf(env.store, first.outcome.flowRunId, { taskRunId: first.runs[0].id });
    expect(logs.some((l) => l.level === 30 && l.message.startsWith('the result could not be persisted, so it is not cached'))).toBe(true);
  });
});
