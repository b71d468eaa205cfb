// Every example in resources/examples, run by the real CLI in its own process and FLOWDECK_HOME,
// then checked against what the store recorded.
import { copyFileSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  countFlowRuns,
  example,
  EXAMPLES_DIR,
  fixtureFlow,
  killStrayProcesses,
  lastJsonLine,
  maxOverlap,
  readStore,
  REPO_ROOT,
  runCli,
  runningSpans,
  showOutput,
  stateNames,
  type CliResult,
  type RunJson,
} from '../helpers/cli.js';
import { makeTempHome } from '../helpers/temp-home.js';

type TempHome = ReturnType<typeof makeTempHome>;
const homes: TempHome[] = [];
function newHome(): TempHome {
  const home = makeTempHome();
  homes.push(home);
  return home;
}

afterEach(killStrayProcesses);
afterAll(() => {
  for (const home of homes) home.cleanup();
});

interface Expectation {
  example: string;
  type: string;
  name: string;
  code: number;
  result?: unknown;
  /** Commands to run in the same FLOWDECK_HOME before the example. */
  before?: string[][];
}

const EXPECTED: Expectation[] = [
  { example: 'hello', type: 'COMPLETED', name: 'Completed', code: 0, result: ['Hello, world!'] },
  { example: 'retries', type: 'COMPLETED', name: 'Completed', code: 0, result: 101.5 },
  { example: 'caching', type: 'COMPLETED', name: 'Completed', code: 0, result: 49 },
  { example: 'map-fanout', type: 'COMPLETED', name: 'Completed', code: 0, result: 110 },
  { example: 'subflow', type: 'COMPLETED', name: 'Completed', code: 0, result: 6 },
  {
    example: 'concurrency',
    type: 'COMPLETED',
    name: 'Completed',
    code: 0,
    result: ['orders: ok', 'customers: ok', 'invoices: ok', 'products: ok', 'returns: ok'],
    before: [['concurrency-limit', 'create', 'warehouse', '2']],
  },
  { example: 'cpu-threads', type: 'COMPLETED', name: 'Completed', code: 0, result: [196418, 121393, 75025, 46368] },
  { example: 'failure', type: 'FAILED', name: 'Failed', code: 1, result: null },
  { example: 'timeout', type: 'FAILED', name: 'TimedOut', code: 1, result: null },
];

interface Ran {
  home: TempHome;
  result: CliResult;
  json: RunJson;
}

/** Runs `work` over the items, at most `limit` at a time (CI has two cores). */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}

/** Each example's run, or why it could not be run; a broken example fails only its own tests. */
const ran = new Map<string, Ran | Error>();

function outcome(name: string): Ran {
  const run = ran.get(name);
  if (!run) throw new Error(`example ${name} did not run`);
  if (run instanceof Error) throw run;
  return run;
}

beforeAll(async () => {
  await pool(EXPECTED, 3, async (expectation) => {
    const home = newHome();
    try {
      for (const args of expectation.before ?? []) {
        const setup = await runCli(args, { home: home.home });
        if (setup.code !== 0) throw new Error(`setup of ${expectation.example} failed: ${showOutput(setup)}`);
      }
      const result = await runCli(['run', example(expectation.example), '--json'], { home: home.home });
      let json: RunJson;
      try {
        json = lastJsonLine(result.stdout);
      } catch (error) {
        throw new Error(`${expectation.example}: ${(error as Error).message}\n${showOutput(result)}`, { cause: error });
      }
      ran.set(expectation.example, { home, result, json });
    } catch (error) {
      ran.set(expectation.example, error instanceof Error ? error : new Error(String(error)));
    }
  });
}, 180_000);

describe('every example', () => {
  it('has an expectation here, so a new example is run too', () => {
    const onDisk = readdirSync(EXAMPLES_DIR)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.replace(/\.ts$/, ''))
      .sort();
    expect(onDisk).toEqual(EXPECTED.map((e) => e.example).sort());
  });

  for (const expectation of EXPECTED) {
    const title = `${expectation.example} ends ${expectation.type}/${expectation.name} with exit ${expectation.code}`;
    it(title, async () => {
      const { result, json, home } = outcome(expectation.example);
      expect(result.code, showOutput(result)).toBe(expectation.code);
      expect(json.state).toEqual({ type: expectation.type, name: expectation.name });
      expect(json.result).toEqual(expectation.result);
      if (expectation.code !== 0) expect(json.error).toBeTruthy();
      // The store agrees with what was printed.
      const stored = await readStore(home.dbPath, (store) => store.flowRun(json.flowRunId));
      expect(stored?.state.type).toBe(expectation.type);
      expect(stored?.state.name).toBe(expectation.name);
      expect(stored?.entrypoint).toBe(`${example(expectation.example)}:${stored?.flowName}`);
    });
  }
});

describe('histories the examples leave in the store', () => {
  it('hello: one task run, its greeting logged, the run named from its parameters', async () => {
    const { home, json } = outcome('hello');
    await readStore(home.dbPath, async (store) => {
      const run = (await store.flowRun(json.flowRunId))!;
      expect(run.name).toBe('hello-world');
      expect(run.parameters).toEqual({ name: 'world', times: 1 });
      expect(stateNames(await store.states(run.id))).toEqual(['Pending', 'Running', 'Completed']);
      const tasks = await store.taskRuns(run.id);
      expect(tasks.map((t) => [t.name, t.state.name])).toEqual([['greet-0', 'Completed']]);
      expect((await store.logs(run.id)).map((l) => l.message)).toEqual(['Hello, world!']);
    });
  });

  it('retries: every attempt of the task is recorded with its error, attempts 1 to 3', async () => {
    const { home, json } = outcome('retries');
    await readStore(home.dbPath, async (store) => {
      const tasks = await store.taskRuns(json.flowRunId);
      expect(tasks).toHaveLength(1);
      const [fetch] = tasks;
      expect(fetch.taskKey).toBe('fetch-quote');
      expect(fetch.tags).toEqual(['api']);
      expect(fetch.runCount).toBe(3);
      const states = await store.states(fetch.id);
      expect(states.map((s) => `${s.name}:${s.attempt}`)).toEqual([
        'Pending:1',
        'Running:1',
        'AwaitingRetry:1',
        'Retrying:2',
        'AwaitingRetry:2',
        'Retrying:3',
        'Completed:3',
      ]);
      const waits = states.filter((s) => s.name === 'AwaitingRetry');
      expect(waits.map((s) => s.type)).toEqual(['SCHEDULED', 'SCHEDULED']);
      expect(waits.map((s) => s.error?.message)).toEqual(['quote service unavailable (attempt 1)', 'quote service unavailable (attempt 2)']);
      for (const wait of waits) {
        expect(wait.error?.stack).toContain('quote service unavailable');
        expect(wait.scheduledTime).toBeGreaterThanOrEqual(wait.timestamp);
      }
      // The attempt that succeeded logged under its own attempt number.
      const logs = (await store.logs(json.flowRunId)).filter((l) => l.taskRunId === fetch.id);
      expect(logs.map((l) => [l.message, l.attempt])).toContainEqual(['got a quote for FDK on attempt 3', 3]);
    });
  });

  it('caching: a second run in another process reuses the result, its task run Cached', async () => {
    const { home, json: first } = outcome('caching');
    const again = await runCli(['run', example('caching'), '--json'], { home: home.home });
    expect(again.code, showOutput(again)).toBe(0);
    const second = lastJsonLine(again.stdout);
    expect(second.state).toEqual({ type: 'COMPLETED', name: 'Completed' });
    expect(second.result).toBe(49);
    expect(second.flowRunId).not.toBe(first.flowRunId);
    await readStore(home.dbPath, async (store) => {
      const [computed] = await store.taskRuns(first.flowRunId);
      const [reused] = await store.taskRuns(second.flowRunId);
      expect(computed.state.name).toBe('Completed');
      expect(reused.state).toMatchObject({ type: 'COMPLETED', name: 'Cached' });
      expect(stateNames(await store.states(reused.id))).toEqual(['Pending', 'Cached']);
      // Both runs name the same cache entry and the same persisted result.
      const key = computed.state.cacheKey;
      expect(key).toBeTruthy();
      expect(reused.state.cacheKey).toBe(key);
      expect(reused.state.resultRef).toBe(computed.state.resultRef);
      // The slow body ran only the first time.
      const computedLines = async (flowRunId: string) => (await store.logs(flowRunId)).filter((l) => l.message.includes('the slow way')).length;
      expect(await computedLines(first.flowRunId)).toBe(1);
      expect(await computedLines(second.flowRunId)).toBe(0);
    });
  });

  it('caching: the task runs themselves record their cache key (shown by task-run inspect)', async () => {
    const { home, json } = outcome('caching');
    await readStore(home.dbPath, async (store) => {
      const [computed] = await store.taskRuns(json.flowRunId);
      expect(computed.state.cacheKey).toBeTruthy();
      expect(computed.cacheKey).toBe(computed.state.cacheKey);
    });
  });

  it('map-fanout: one task run per item, then one that adds them up', async () => {
    const { home, json } = outcome('map-fanout');
    await readStore(home.dbPath, async (store) => {
      const tasks = await store.taskRuns(json.flowRunId);
      const scores = tasks.filter((t) => t.taskKey === 'score');
      expect(scores).toHaveLength(10);
      expect(scores.map((t) => t.name).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `score-${i + 1}`).sort());
      expect(scores.map((t) => t.dynamicKey).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
      expect(new Set(scores.map((t) => t.state.name))).toEqual(new Set(['Completed']));
      expect(scores.map((t) => Number(t.result)).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => (i + 1) * 2));
      const totals = tasks.filter((t) => t.taskKey === 'total');
      expect(totals.map((t) => [t.state.name, t.result])).toEqual([['Completed', '110']]);
      expect(tasks).toHaveLength(11);
    });
  });

  it('subflow: each child flow run links to its parent', async () => {
    const { home, json } = outcome('subflow');
    await readStore(home.dbPath, async (store) => {
      const runs = await store.flowRuns();
      expect(runs).toHaveLength(3);
      const parent = runs.find((r) => r.id === json.flowRunId)!;
      expect(parent.flowName).toBe('nightly');
      expect(parent.parentFlowRunId).toBeNull();
      const children = runs.filter((r) => r.id !== parent.id);
      expect(children.map((r) => r.name).sort()).toEqual(['ingest-billing', 'ingest-crm']);
      for (const child of children) {
        expect(child.flowName).toBe('ingest');
        expect(child.parentFlowRunId).toBe(parent.id);
        expect(child.state.name).toBe('Completed');
        expect(child.result).toBe('3');
        expect((await store.taskRuns(child.id)).map((t) => [t.taskKey, t.state.name])).toEqual([
          ['extract', 'Completed'],
          ['load', 'Completed'],
        ]);
      }
      // A child's task runs are its own; its parent has one task run per subflow call, which the child links to,
      // and one that adds the counts up.
      const calls = (await store.taskRuns(parent.id)).filter((t) => t.taskKey === 'ingest');
      expect(calls.map((t) => t.state.name)).toEqual(['Completed', 'Completed']);
      expect((await store.taskRuns(parent.id)).filter((t) => t.taskKey === 'total').map((t) => t.result)).toEqual(['6']);
      expect(children.map((r) => r.parentTaskRunId).sort()).toEqual(calls.map((t) => t.id).sort());
      expect(children.map((r) => r.parameters).sort((a, b) => String(a.source).localeCompare(String(b.source)))).toEqual([
        { source: 'billing' },
        { source: 'crm' },
      ]);
    });
  });

  it('concurrency: with a limit of 2, no more than 2 warehouse task runs ran at once', async () => {
    const { home, json } = outcome('concurrency');
    await readStore(home.dbPath, async (store) => {
      const tasks = await store.taskRuns(json.flowRunId);
      expect(tasks).toHaveLength(5);
      const histories = await Promise.all(tasks.map((t) => store.states(t.id)));
      for (const [i, states] of histories.entries()) {
        expect(tasks[i].tags).toEqual(['warehouse']);
        expect(states.at(-1)?.name).toBe('Completed');
      }
      expect(maxOverlap(histories.flatMap(runningSpans))).toBeLessThanOrEqual(2);
      // Five runs started together and only two slots: some had to wait.
      expect(histories.flat().some((s) => s.name === 'AwaitingConcurrencySlot')).toBe(true);
    });
  });

  it('cpu-threads: the worker-thread task runs compute the right numbers', async () => {
    const { home, json } = outcome('cpu-threads');
    await readStore(home.dbPath, async (store) => {
      const tasks = await store.taskRuns(json.flowRunId);
      expect(tasks).toHaveLength(4);
      const byKey = [...tasks].sort((a, b) => a.dynamicKey - b.dynamicKey);
      expect(byKey.map((t) => [t.taskKey, t.state.name, t.result])).toEqual([
        ['fib', 'Completed', '196418'],
        ['fib', 'Completed', '121393'],
        ['fib', 'Completed', '75025'],
        ['fib', 'Completed', '46368'],
      ]);
    });
  });

  it('failure: the task run and the flow run are Failed, with the error recorded', async () => {
    const { home, json } = outcome('failure');
    expect(json.error).toContain('no valid email');
    await readStore(home.dbPath, async (store) => {
      const run = (await store.flowRun(json.flowRunId))!;
      expect(stateNames(await store.states(run.id))).toEqual(['Pending', 'Running', 'Failed']);
      expect(run.state.error?.message).toBe('1 row(s) have no valid email: ids 2');
      const [validate] = await store.taskRuns(run.id);
      const states = await store.states(validate.id);
      expect(stateNames(states)).toEqual(['Pending', 'Running', 'Failed']);
      expect(states.at(-1)?.error?.message).toBe('1 row(s) have no valid email: ids 2');
      expect(states.at(-1)?.error?.stack).toContain('failure.ts');
    });
  });

  it('timeout: the task run and the flow run end TimedOut', async () => {
    const { home, json } = outcome('timeout');
    expect(json.error).toContain('timed out');
    await readStore(home.dbPath, async (store) => {
      const [download] = await store.taskRuns(json.flowRunId);
      expect(download.state).toMatchObject({ type: 'FAILED', name: 'TimedOut' });
      expect(download.state.error?.name).toBe('TimeoutError');
      expect((await store.flowRun(json.flowRunId))?.state).toMatchObject({ type: 'FAILED', name: 'TimedOut' });
    });
  });
});

describe('--param', () => {
  it('coerces values by the flow schema: times=2 is a number and gives two lines', async () => {
    const home = newHome();
    const result = await runCli(['run', example('hello'), '--param', 'name=Ada', '--param', 'times=2', '--json'], { home: home.home });
    expect(result.code, showOutput(result)).toBe(0);
    const json = lastJsonLine(result.stdout);
    expect(json.result).toEqual(['Hello, Ada!', 'Hello, Ada!']);
    expect(result.stderr.match(/Hello, Ada!/g)).toHaveLength(2);
    await readStore(home.dbPath, async (store) => {
      const run = (await store.flowRun(json.flowRunId))!;
      expect(run.parameters).toEqual({ name: 'Ada', times: 2 });
      expect(run.name).toBe('hello-Ada');
      expect((await store.logs(run.id)).map((l) => l.message)).toEqual(['Hello, Ada!', 'Hello, Ada!']);
      expect((await store.taskRuns(run.id)).map((t) => t.name)).toEqual(['greet-0', 'greet-1']);
    });
  });

  it('keeps text as text when the schema wants a string: name=123', async () => {
    const home = newHome();
    const result = await runCli(['run', example('hello'), '--param', 'name=123', '--json'], { home: home.home });
    expect(result.code, showOutput(result)).toBe(0);
    expect(lastJsonLine(result.stdout).result).toEqual(['Hello, 123!']);
  });

  it('refuses a value of the wrong type with exit 2, naming the parameter, and records nothing', async () => {
    const home = newHome();
    const result = await runCli(['run', example('hello'), '--param', 'times=abc', '--json'], { home: home.home });
    expect(result.code, showOutput(result)).toBe(2);
    expect(result.stderr).toContain('times');
    expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(await countFlowRuns(home.dbPath)).toBe(0);
  });

  it('says what is wrong with a value of the right type that breaks a rule: times=0', async () => {
    const home = newHome();
    const result = await runCli(['run', example('hello'), '--param', 'times=0'], { home: home.home });
    expect(result.code, showOutput(result)).toBe(2);
    expect(result.stderr).toContain('times');
    // hello's schema says times >= 1; the message should say so rather than blame the type.
    expect(result.stderr).toMatch(/too small|>=\s*1|at least 1/i);
    expect(await countFlowRuns(home.dbPath)).toBe(0);
  });
});

describe('flow files anywhere', () => {
  it('runs a copy outside the repository, resolving flowdeck, zod and its own relative import', async () => {
    const folder = realpathSync(mkdtempSync(join(tmpdir(), 'flowdeck-elsewhere-')));
    try {
      expect(folder.startsWith(REPO_ROOT)).toBe(false);
      copyFileSync(fixtureFlow('anywhere'), join(folder, 'anywhere.ts'));
      copyFileSync(fixtureFlow('helper'), join(folder, 'helper.ts'));
      const home = newHome();
      const result = await runCli(['run', 'anywhere.ts', '--param', 'word=hey', '--json'], { home: home.home, cwd: folder });
      expect(result.code, showOutput(result)).toBe(0);
      const json = lastJsonLine(result.stdout);
      expect(json.state.name).toBe('Completed');
      expect(json.result).toEqual({ word: 'HEY!', mark: 'from-helper' });
      const run = await readStore(home.dbPath, (store) => store.flowRun(json.flowRunId));
      expect(run?.entrypoint).toBe(`${join(folder, 'anywhere.ts')}:anywhere`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
