// Re-runs on a real store: a retry reuses the recorded result of every task run that completed in
// an earlier attempt, and a run from a chosen task reuses what came before it. Task bodies count
// their calls, so "not run again" is what happened, not what a state says.
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReuseOptions, TaskRun } from '../../app/core/index.js';
import { flow, task, type Flow, type Task } from '../../app/engine/index.js';
import { loadReusePlan, ResultsElsewhereError } from '../../app/engine/hosting.js';
import { journalFileOf } from '../../app/engine/result-journal.js';
import { retryFlowRun } from '../../app/server/index.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';
import { logsOf, taskRunsOf } from './support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

/** Marks a finished run AwaitingRetry and runs its flow again as its next attempt, reusing what it recorded unless `all`. */
async function retry(f: Pick<Flow, 'run'>, flowRunId: string, options: Omit<ReuseOptions, 'fromFlowRunId'> & { all?: boolean } = {}) {
  const run = (await env.store.getFlowRun(flowRunId))!;
  expect((await retryFlowRun(env.store, flowRunId, 'again')).ok).toBe(true);
  const { all, ...reuse } = options;
  return f.run(run.parameters, { flowRunId, flowRunName: run.name, ...(all ? {} : { reuse: { fromFlowRunId: flowRunId, ...reuse } }) });
}

/** Every task run of a flow run made by its `attempt`th attempt, in creation order. */
async function attemptRuns(flowRunId: string, attempt: number): Promise<TaskRun[]> {
  return (await env.store.listTaskRuns(flowRunId)).filter((t) => t.flowRunAttempt === attempt);
}

/** `name:state` of each task run, in creation order. */
const states = (runs: TaskRun[]) => runs.map((t) => `${t.name}:${t.state.name}`);

/** A value JSON cannot carry: a reused result must be this very value, not a look-alike. */
function richValue() {
  return {
    at: new Date('2026-03-04T05:06:07.089Z'),
    counts: new Map<string, bigint>([['big', 2n ** 70n]]),
    nested: { list: [1, { deep: new Set(['x']) }], none: undefined as unknown },
  };
}

describe('a retry', () => {
  it('reuses the results of completed tasks as they were recorded, runs the failed one, and links each Cached run to its origin', async () => {
    const calls = { load: 0, shape: 0, save: 0 };
    let saveFails = true;
    let saved: unknown = null;
    const load = task({ name: 'load' }, () => (calls.load++, richValue()));
    const shape = task({ name: 'shape' }, (v: ReturnType<typeof richValue>) => (calls.shape++, { ...v, shaped: true }));
    const save = task({ name: 'save' }, (v: unknown) => {
      calls.save++;
      if (saveFails) throw new Error('disk full');
      saved = v;
      return 'saved';
    });
    const f = flow({ name: 'etl' }, async () => save(await shape(await load())));
    const first = await f.run();
    expect(first.state.name).toBe('Failed');
    const [loadRun, shapeRun] = await attemptRuns(first.flowRunId, 1);

    saveFails = false;
    const again = await retry(f, first.flowRunId);
    expect(again.state.name).toBe('Completed');
    expect(calls).toEqual({ load: 1, shape: 1, save: 2 });
    // The value handed on is the recorded one: a Date, a Map of BigInts, a Set, an undefined member.
    expect(saved).toEqual({ ...richValue(), shaped: true });
    const savedValue = saved as ReturnType<typeof richValue>;
    expect(savedValue.at).toBeInstanceOf(Date);
    expect(savedValue.counts.get('big')).toBe(2n ** 70n);
    expect('none' in savedValue.nested).toBe(true);

    const second = await attemptRuns(first.flowRunId, 2);
    expect(states(second)).toEqual(['load-0:Cached', 'shape-0:Cached', 'save-0:Completed']);
    expect(second[0]).toMatchObject({
      reusedFrom: loadRun.id,
      state: { type: 'COMPLETED', message: `reused the result of task run load-0 (${loadRun.id}, attempt 1)` },
    });
    expect(second[1].reusedFrom).toBe(shapeRun.id);
    expect(second[1].state.resultRef).toBe(shapeRun.state.resultRef);
    expect(second[2].reusedFrom).toBeNull();
    // Cached runs never started: Completed is their only state.
    expect((await env.store.listStates(second[0].id)).map((s) => s.name)).toEqual(['Cached']);
    const logs = await logsOf(env.store, first.flowRunId);
    expect(logs.map((l) => l.message)).toContain('reused the recorded results of 2 task run(s) of earlier attempts');
  });

  it('with all, runs every task again', async () => {
    let loads = 0;
    let fail = true;
    const load = task({ name: 'load' }, () => ++loads);
    const check = task({ name: 'check' }, (n: number) => {
      if (fail) throw new Error('not yet');
      return n;
    });
    const f = flow({ name: 'all-again' }, async () => check(await load()));
    const first = await f.run();
    fail = false;
    const again = await retry(f, first.flowRunId, { all: true });
    expect(again.result).toBe(2);
    expect(loads).toBe(2);
    expect(states(await attemptRuns(first.flowRunId, 2))).toEqual(['load-0:Completed', 'check-0:Completed']);
  });

  it('matches a map by item: of five items where the fourth failed, only the fourth runs again', async () => {
    const ran: number[] = [];
    let failing: number | null = 3;
    const square = task({ name: 'square' }, (n: number) => {
      ran.push(n);
      if (n === failing) throw new Error(`item ${n} failed`);
      return n * n;
    });
    const f = flow({ name: 'squares' }, async () => square.map([0, 1, 2, 3, 4]).result());
    const first = await f.run();
    expect(first.state.name).toBe('Failed');
    expect(ran.sort()).toEqual([0, 1, 2, 3, 4]);
    ran.length = 0;
    failing = null;
    const again = await retry(f, first.flowRunId);
    expect(again.result).toEqual([0, 1, 4, 9, 16]);
    expect(ran).toEqual([3]);
    const second = await attemptRuns(first.flowRunId, 2);
    expect(second.map((t) => [t.dynamicKey, t.state.name]).sort()).toEqual([
      [0, 'Cached'],
      [1, 'Cached'],
      [2, 'Cached'],
      [3, 'Completed'],
      [4, 'Cached'],
    ]);
  });

  it('runs again a task whose result was not persisted, and a call that matches nothing', async () => {
    const calls = { kept: 0, unkept: 0, step: 0 };
    let steps = 2;
    let fail = true;
    const kept = task({ name: 'kept' }, () => (calls.kept++, 'kept'));
    const unkept = task({ name: 'unkept', persistResult: false }, () => (calls.unkept++, 'unkept'));
    const step = task({ name: 'step' }, (i: number) => (calls.step++, i));
    const f = flow({ name: 'partly-kept' }, async () => {
      await kept();
      await unkept();
      for (let i = 0; i < steps; i++) await step(i);
      if (fail) throw new Error('flow body failed');
      return 'done';
    });
    const first = await f.run();
    expect(first.state.name).toBe('Failed');
    fail = false;
    steps = 3;
    expect((await retry(f, first.flowRunId)).state.name).toBe('Completed');
    expect(calls).toEqual({ kept: 1, unkept: 2, step: 3 });
    expect(states(await attemptRuns(first.flowRunId, 2))).toEqual([
      'kept-0:Cached',
      'unkept-0:Completed',
      'step-0:Cached',
      'step-1:Cached',
      'step-2:Completed',
    ]);
    const logs = (await logsOf(env.store, first.flowRunId)).map((l) => l.message);
    expect(logs).toContain('runs again: the result of task run unkept-0 was not recorded');
  });

  it('runs again a task whose result cannot be recorded, and reuses the rest', async () => {
    const calls = { plain: 0, handle: 0 };
    let fail = true;
    const plain = task({ name: 'plain' }, () => (calls.plain++, [1n, 2n]));
    // A function cannot be serialized: nothing is recorded, and the retry computes it again.
    const handle = task({ name: 'handle' }, () => (calls.handle++, { close: () => 'closed' }));
    const f = flow({ name: 'unrecordable' }, async () => {
      const values = await plain();
      const opened = await handle();
      if (fail) throw new Error('flow body failed');
      return `${values.length} ${opened.close()}`;
    });
    const first = await f.run();
    const [, handleRun] = await attemptRuns(first.flowRunId, 1);
    expect(handleRun.state).toMatchObject({ name: 'Completed' });
    expect(handleRun.state.resultRef ?? null).toBeNull();
    fail = false;
    expect((await retry(f, first.flowRunId)).result).toBe('2 closed');
    expect(calls).toEqual({ plain: 1, handle: 2 });
    expect(states(await attemptRuns(first.flowRunId, 2))).toEqual(['plain-0:Cached', 'handle-0:Completed']);
  });

  it('reuses a result kept in the cache as the task run that computed it left it', async () => {
    let lookups = 0;
    let fail = true;
    const lookup = task({ name: 'cached-lookup', cachePolicy: 'inputs' }, (id: number) => (lookups++, new Map([[id, new Date(id)]])));
    const check = task({ name: 'check-lookup' }, (m: Map<number, Date>) => {
      if (fail) throw new Error('not yet');
      return m.get(5)!.getTime();
    });
    const f = flow({ name: 'cache-and-retry' }, async () => check(await lookup(5)));
    const first = await f.run();
    const [lookupRun] = await attemptRuns(first.flowRunId, 1);
    expect(lookupRun.state.resultRef).not.toMatch(/\.results#/);
    fail = false;
    expect((await retry(f, first.flowRunId)).result).toBe(5);
    expect(lookups).toBe(1);
    const [again] = await attemptRuns(first.flowRunId, 2);
    expect(again).toMatchObject({ reusedFrom: lookupRun.id, state: { name: 'Cached', resultRef: lookupRun.state.resultRef } });
  });

  it("reuses a subflow's completed inner tasks in the child its call made", async () => {
    const calls = { fetch: 0, parse: 0 };
    let parseFails = true;
    const fetchPage = task({ name: 'fetch-page' }, () => (calls.fetch++, new Map([['page', 1]])));
    const parse = task({ name: 'parse' }, (page: Map<string, number>) => {
      calls.parse++;
      if (parseFails) throw new Error('bad page');
      return page.get('page');
    });
    const child = flow({ name: 'scrape' }, async () => parse(await fetchPage()));
    const parent = flow({ name: 'scrape-all' }, async () => child());
    const first = await parent.run();
    expect(first.state.name).toBe('Failed');
    parseFails = false;
    const again = await retry(parent, first.flowRunId);
    expect(again.result).toBe(1);
    expect(calls).toEqual({ fetch: 1, parse: 2 });
    const children = (await env.store.listFlowRuns({ limit: 10 })).filter((r) => r.parentFlowRunId === first.flowRunId);
    expect(children).toHaveLength(2);
    const newest = children.find((c) => c.state.name === 'Completed')!;
    const oldest = children.find((c) => c.id !== newest.id)!;
    const [oldFetch] = await taskRunsOf(env.store, oldest.id, 'fetch-page');
    expect(states(await env.store.listTaskRuns(newest.id))).toEqual(['fetch-page-0:Cached', 'parse-0:Completed']);
    expect((await taskRunsOf(env.store, newest.id, 'fetch-page'))[0].reusedFrom).toBe(oldFetch.id);
  });

  it('names the origin, not the run that reused it, through a second retry', async () => {
    let loads = 0;
    let failures = 2;
    const load = task({ name: 'load' }, () => (loads++, { n: 7n }));
    const use = task({ name: 'use' }, (v: { n: bigint }) => {
      if (failures-- > 0) throw new Error('not yet');
      return v.n * 2n;
    });
    const f = flow({ name: 'twice-retried' }, async () => use(await load()));
    const first = await f.run();
    const [origin] = await attemptRuns(first.flowRunId, 1);
    expect((await retry(f, first.flowRunId)).state.name).toBe('Failed');
    const third = await retry(f, first.flowRunId);
    expect(third.result).toBe(14n);
    expect(loads).toBe(1);
    const [viaSecond] = await attemptRuns(first.flowRunId, 2);
    const [viaThird] = await attemptRuns(first.flowRunId, 3);
    expect(viaSecond.reusedFrom).toBe(origin.id);
    expect(viaThird.reusedFrom).toBe(origin.id);
    expect(viaThird.state.message).toBe(`reused the result of task run load-0 (${origin.id}, attempt 1)`);
  });

  it('refuses, naming the run, when its results file is not on this machine', async () => {
    let fail = true;
    const load = task({ name: 'load' }, () => 1);
    const check = task({ name: 'check' }, (n: number) => {
      if (fail) throw new Error('no');
      return n;
    });
    const f = flow({ name: 'results-gone' }, async () => check(await load()));
    const first = await f.run();
    unlinkSync(join(env.home, journalFileOf(first.flowRunId)));
    const refused = loadReusePlan(env.store, { fromFlowRunId: first.flowRunId }, env.home);
    await expect(refused).rejects.toBeInstanceOf(ResultsElsewhereError);
    await expect(refused).rejects.toThrow(
      new RegExp(
        `^the recorded results of flow run ${first.flowRunId} are not on this machine .*Run it again there, or with --all to run every task again$`,
      ),
    );
    // Nothing was changed by asking.
    expect((await env.store.getFlowRun(first.flowRunId))!.state.name).toBe('Failed');
    fail = false;
    expect((await retry(f, first.flowRunId, { all: true })).result).toBe(1);
  });
});

describe('a task whose code changed since', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowdeck-reuse-code-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A task named 'measure' from its own module, so two versions share the task key. */
  async function measureVersion(version: string, body: string): Promise<Task<[], number>> {
    const engine = pathToFileURL(resolve('app/engine/index.ts')).href;
    const file = join(dir, `measure-${version}.ts`);
    writeFileSync(file, `import { task } from '${engine}';\nexport const measure = task({ name: 'measure' }, () => { ${body} });\n`);
    return ((await import(/* @vite-ignore */ pathToFileURL(file).href)) as { measure: Task<[], number> }).measure;
  }

  it('runs again on a retry, unless told to reuse changed code', async () => {
    let measured = 0;
    (globalThis as { onMeasure?: () => void }).onMeasure = () => measured++;
    let measure = await measureVersion('one', 'globalThis.onMeasure(); return 1;');
    let fail = true;
    const check = task({ name: 'check-measure' }, (n: number) => {
      if (fail) throw new Error('no');
      return n;
    });
    const f = flow({ name: 'changing-code' }, async () => check(await measure()));
    const first = await f.run();
    expect(measured).toBe(1);

    measure = await measureVersion('two', 'globalThis.onMeasure(); return 2;');
    const second = await retry(f, first.flowRunId);
    expect(second.state.name).toBe('Failed');
    expect(measured).toBe(2);
    expect(states(await attemptRuns(first.flowRunId, 2))[0]).toBe('measure-0:Completed');
    const logs = (await logsOf(env.store, first.flowRunId)).map((l) => l.message);
    expect(logs).toContain("runs again: its task's code changed since task run measure-0 (reuse it anyway with --reuse-changed)");

    measure = await measureVersion('three', 'globalThis.onMeasure(); return 3;');
    fail = false;
    const third = await retry(f, first.flowRunId, { reuseChangedCode: true });
    // The result of attempt 2, the latest that made the call, computed by code 'two'.
    expect(third.result).toBe(2);
    expect(measured).toBe(2);
  });
});

describe('a run from a chosen task', () => {
  it("from a map's item: the items before it are reused, it and every call after it run", async () => {
    const ran: number[] = [];
    const cube = task({ name: 'cube' }, (n: number) => (ran.push(n), { n, cubed: BigInt(n) ** 3n }));
    const f = flow({ name: 'cubes' }, async () => (await cube.map([0, 1, 2, 3, 4]).result()).map((r) => r.cubed));
    const first = await f.run();
    const third = (await env.store.listTaskRuns(first.flowRunId)).find((t) => t.dynamicKey === 2)!;
    ran.length = 0;
    const again = await f.run({}, { reuse: { fromFlowRunId: first.flowRunId, runAgain: [third.id] } });
    expect(again.result).toEqual([0n, 1n, 8n, 27n, 64n]);
    expect(ran.sort()).toEqual([2, 3, 4]);
  });

  it('chosen by a task run of an earlier attempt, runs again from the latest run of that call', async () => {
    let calls = { a: 0, b: 0, c: 0 };
    let fail = true;
    const a = task({ name: 'a' }, () => (calls.a++, 'a'));
    const b = task({ name: 'b' }, (x: string) => {
      calls.b++;
      if (fail) throw new Error('b failed');
      return `${x}b`;
    });
    const c = task({ name: 'c' }, (x: string) => (calls.c++, `${x}c`));
    const f = flow({ name: 'two-attempts' }, async () => c(await b(await a())));
    const first = await f.run();
    fail = false;
    await retry(f, first.flowRunId);
    const [aFirst, bFirst] = await attemptRuns(first.flowRunId, 1);
    expect(bFirst.state.name).toBe('Failed');
    calls = { a: 0, b: 0, c: 0 };
    const again = await f.run(
      {},
      { reuse: { fromFlowRunId: first.flowRunId, runAgain: [bFirst.id], inputs: { taskRunId: bFirst.id, args: ['x'] } } },
    );
    expect(again.result).toBe('xbc');
    expect(calls).toEqual({ a: 0, b: 1, c: 1 });
    const runs = await env.store.listTaskRuns(again.flowRunId);
    expect(states(runs)).toEqual(['a-0:Cached', 'b-0:Completed', 'c-0:Completed']);
    expect(runs[0].reusedFrom).toBe(aFirst.id);
  });

  it('reuses the calls before it, runs it with edited inputs and every call after it, and is linked to the run it came from', async () => {
    const calls: string[] = [];
    const one = task({ name: 'one' }, () => (calls.push('one'), new Date('2026-01-01T00:00:00Z')));
    const two = task({ name: 'two' }, (d: Date) => (calls.push('two'), d.getUTCFullYear()));
    const three = task({ name: 'three' }, (year: number, label: string) => (calls.push(`three ${year} ${label}`), `${label}-${year}`));
    const four = task({ name: 'four' }, (s: string) => (calls.push('four'), s.toUpperCase()));
    const f = flow({ name: 'four-steps' }, async () => four(await three(await two(await one()), 'run')));
    const first = await f.run();
    expect(first.result).toBe('RUN-2026');
    const [oneRun, twoRun, threeRun] = await env.store.listTaskRuns(first.flowRunId);
    calls.length = 0;

    const rerun = await f.run(
      {},
      {
        reuse: { fromFlowRunId: first.flowRunId, runAgain: [threeRun.id], inputs: { taskRunId: threeRun.id, args: [1999, 'edited'] } },
        rerunOf: { flowRunId: first.flowRunId, taskRunId: threeRun.id },
      },
    );
    expect(rerun.flowRunId).not.toBe(first.flowRunId);
    expect(rerun.result).toBe('EDITED-1999');
    expect(calls).toEqual(['three 1999 edited', 'four']);
    const runs = await env.store.listTaskRuns(rerun.flowRunId);
    expect(states(runs)).toEqual(['one-0:Cached', 'two-0:Cached', 'three-0:Completed', 'four-0:Completed']);
    expect(runs.map((t) => t.reusedFrom)).toEqual([oneRun.id, twoRun.id, null, null]);
    expect(runs[2].inputs).toBe('[1999,"edited"]');

    const made = (await env.store.getFlowRun(rerun.flowRunId))!;
    expect(made.rerunOf).toEqual({ flowRunId: first.flowRunId, taskRunId: threeRun.id });
    const original = (await env.store.getFlowRun(first.flowRunId))!;
    expect(original.reruns).toEqual([
      expect.objectContaining({ id: rerun.flowRunId, fromTaskRunId: threeRun.id, state: { type: 'COMPLETED', name: 'Completed' } }),
    ]);
    // The original is as it was.
    expect(original.state.name).toBe('Completed');
    expect(original.runCount).toBe(1);
  });
});
