// Re-runs with real `flowdeck` processes: a retry after a fix reuses what completed, a retry after
// a SIGKILL reuses what completed before it, a run from a chosen task with edited inputs is a new
// linked run, and all of it through a real server with a key. Each task body appends its name to a
// log file, so what ran again is counted, not read from states.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowRun, TaskRun } from '../../app/core/index.js';
import {
  killStrayProcesses,
  lastJsonLine,
  readStore,
  runCli,
  showOutput,
  spawnCli,
  waitUntil,
  type CliOptions,
  type CliProcess,
} from '../helpers/cli.js';
import { makeTempHome } from '../helpers/temp-home.js';

/** Heartbeats five times a second, and a run silent for a second is crashed. */
const FAST_CRASH = { FLOWDECK_HEARTBEAT_SECONDS: '0.2', FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS: '1' };

/** Five chained tasks; the fourth is broken until the file is fixed. `gate`, when given, holds the third until that file exists. */
function flowSource(fourth: 'broken' | 'fixed'): string {
  const four = fourth === 'broken' ? `throw new Error('four is broken');` : `return \`\${x.label}:\${x.year * 2n}\`;`;
  return `import { appendFileSync, existsSync } from 'node:fs';
import { flow, task } from 'flowdeck';

const ran = (log: string, name: string) => appendFileSync(log, name + '\\n');
const one = task({ name: 'one' }, (log: string) => (ran(log, 'one'), new Date('2026-02-03T04:05:06.007Z')));
const two = task({ name: 'two' }, (log: string, at: Date) => (ran(log, 'two'), new Map([['year', at.getUTCFullYear()]])));
const three = task({ name: 'three' }, async (year: number, label: string, log: string, gate: string) => {
  ran(log, 'three');
  while (gate !== '' && !existsSync(gate)) await new Promise((resolve) => setTimeout(resolve, 20));
  return { year: BigInt(year), label, nested: { at: new Date(0) } };
});
const four = task({ name: 'four' }, (log: string, x: { year: bigint; label: string }) => {
  ran(log, 'four');
  ${four}
});
const five = task({ name: 'five' }, (log: string, s: string) => (ran(log, 'five'), s.toUpperCase()));

export default flow({ name: 'five-steps' }, async ({ log, gate = '' }: { log: string; gate?: string }) => {
  const at = await one(log);
  const year = (await two(log, at)).get('year')!;
  const x = await three(year, 'run', log, gate);
  return five(log, await four(log, x));
});
`;
}

let home: ReturnType<typeof makeTempHome>;
let otherHome: ReturnType<typeof makeTempHome>;
let flowFile: string;
let log: string;

beforeEach(() => {
  home = makeTempHome();
  otherHome = makeTempHome();
  flowFile = join(home.home, 'five-steps.ts');
  log = join(home.home, 'ran.log');
  writeFileSync(flowFile, flowSource('broken'));
});

afterEach(async () => {
  await killStrayProcesses();
  home.cleanup();
  otherHome.cleanup();
});

/** The task bodies that ran since the last call, in order. */
let seen = 0;
function ranSince(): string[] {
  const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  const fresh = lines.slice(seen);
  seen = lines.length;
  return fresh;
}
beforeEach(() => (seen = 0));

async function cli(args: string[], options: CliOptions, code: number) {
  const result = await runCli(args, options);
  expect(result.code, showOutput(result)).toBe(code);
  return result;
}

/** `name:state` of each task run of the given attempt, in creation order. */
function attemptOf(taskRuns: TaskRun[], attempt: number): string[] {
  return taskRuns.filter((t) => t.flowRunAttempt === attempt).map((t) => `${t.name}:${t.state.name}`);
}

describe('re-runs with a local store', () => {
  it('a retry after a fix reuses tasks one to three, --all runs all five; a run from three with new inputs is a new linked run', async () => {
    const options = { home: home.home };
    const first = lastJsonLine((await cli(['run', flowFile, '--param', `log=${log}`, '--json'], options, 1)).stdout);
    const second = lastJsonLine((await cli(['run', flowFile, '--param', `log=${log}`, '--json'], options, 1)).stdout);
    expect(ranSince()).toEqual(['one', 'two', 'three', 'four', 'one', 'two', 'three', 'four']);

    writeFileSync(flowFile, flowSource('fixed'));
    const retried = await cli(['flow-run', 'retry', first.flowRunId, '--json'], options, 0);
    expect(lastJsonLine(retried.stdout)).toMatchObject({ flowRunId: first.flowRunId, state: { name: 'Completed' }, result: 'RUN:4052' });
    expect(ranSince()).toEqual(['four', 'five']);
    const all = await cli(['flow-run', 'retry', second.flowRunId, '--all', '--json'], options, 0);
    expect(lastJsonLine(all.stdout).result).toBe('RUN:4052');
    expect(ranSince()).toEqual(['one', 'two', 'three', 'four', 'five']);

    const origin = await readStore(home.dbPath, async (store) => {
      const taskRuns = await store.taskRuns(first.flowRunId);
      expect(attemptOf(taskRuns, 2)).toEqual(['one-0:Cached', 'two-0:Cached', 'three-0:Cached', 'four-0:Completed', 'five-0:Completed']);
      const cached = taskRuns.filter((t) => t.state.name === 'Cached');
      expect(cached.map((t) => t.reusedFrom)).toEqual(taskRuns.slice(0, 3).map((t) => t.id));
      const logs = (await store.logs(first.flowRunId)).map((l) => l.message);
      expect(logs).toContain('reused the recorded results of 3 task run(s) of earlier attempts');
      expect(attemptOf(await store.taskRuns(second.flowRunId), 2)).toEqual([
        'one-0:Completed',
        'two-0:Completed',
        'three-0:Completed',
        'four-0:Completed',
        'five-0:Completed',
      ]);
      return taskRuns;
    });

    // Refusals exit 2 and change nothing.
    const before = await readStore(home.dbPath, (store) => store.flowRuns());
    const name = before.find((r) => r.id === first.flowRunId)!.name;
    for (const [args, message] of [
      [['--from', 'nine-0'], `flow run '${name}' has no task run 'nine-0'; its task runs are one-0, two-0, three-0, four-0, five-0`],
      [['--from', 'three-0', '--inputs', '{"year":1}'], '--inputs must be a JSON array'],
      [['--from', 'three-0', '--inputs', '[1999'], '--inputs is not JSON'],
      [['--from', 'three-0', '--inputs', '[1999]'], "task run 'three-0' was called with 4 arguments, but the inputs give 1"],
    ] as const) {
      const refused = await cli(['flow-run', 'rerun', first.flowRunId, ...args, '--json'], options, 2);
      expect(refused.stderr).toContain(message);
    }
    expect(ranSince()).toEqual([]);
    expect(await readStore(home.dbPath, (store) => store.flowRuns())).toEqual(before);

    const rerun = await cli(
      ['flow-run', 'rerun', first.flowRunId, '--from', 'three-0', '--inputs', `[1999, "edited", ${JSON.stringify(log)}, ""]`, '--json'],
      options,
      0,
    );
    const made = lastJsonLine(rerun.stdout);
    expect(made.flowRunId).not.toBe(first.flowRunId);
    expect(made.result).toBe('EDITED:3998');
    expect(ranSince()).toEqual(['three', 'four', 'five']);
    await readStore(home.dbPath, async (store) => {
      const taskRuns = await store.taskRuns(made.flowRunId);
      expect(taskRuns.map((t) => `${t.name}:${t.state.name}`)).toEqual([
        'one-0:Cached',
        'two-0:Cached',
        'three-0:Completed',
        'four-0:Completed',
        'five-0:Completed',
      ]);
      // Reused from the task runs that computed them: attempt 1 of the original.
      expect(taskRuns.slice(0, 2).map((t) => t.reusedFrom)).toEqual(origin.slice(0, 2).map((t) => t.id));
      const three = origin.find((t) => t.name === 'three-0' && t.flowRunAttempt === 2)!;
      expect((await store.flowRun(made.flowRunId))!.rerunOf).toEqual({ flowRunId: first.flowRunId, taskRunId: three.id });
      const original = (await store.flowRun(first.flowRunId))!;
      expect(original.reruns?.map((r) => r.id)).toEqual([made.flowRunId]);
      expect(original.runCount).toBe(2);
    });

    // With the code the run was started with, the fourth task is broken again, though the file is fixed.
    const asItWas = await cli(['flow-run', 'rerun', first.flowRunId, '--from', 'four-0', '--code', 'original', '--json'], options, 1);
    expect(lastJsonLine(asItWas.stdout).state.name).toBe('Failed');
    expect(ranSince()).toEqual(['four']);
  }, 60_000);

  it('a run killed with SIGKILL mid-way is Crashed, and its retry runs nothing that completed', async () => {
    writeFileSync(flowFile, flowSource('fixed'));
    const gate = join(home.home, 'gate');
    const options = { home: home.home, env: FAST_CRASH };
    const running: CliProcess = spawnCli(['run', flowFile, '--param', `log=${log}`, '--param', `gate=${gate}`, '--json'], options);
    await waitUntil(() => existsSync(log) && readFileSync(log, 'utf8').includes('three'), { what: 'the third task to start' });
    running.kill('SIGKILL');
    expect((await running.wait()).signal).toBe('SIGKILL');
    expect(ranSince()).toEqual(['one', 'two', 'three']);

    const crashed = await waitUntil(
      async () => {
        const listed = JSON.parse((await cli(['flow-run', 'ls', '--json'], options, 0)).stdout) as FlowRun[];
        return listed[0]?.state.type === 'CRASHED' ? listed[0] : null;
      },
      { what: 'the killed run to be found Crashed', intervalMs: 300 },
    );
    writeFileSync(gate, '');
    const retried = await cli(['flow-run', 'retry', crashed.id, '--json'], options, 0);
    expect(lastJsonLine(retried.stdout)).toMatchObject({ flowRunId: crashed.id, state: { name: 'Completed' }, result: 'RUN:4052' });
    expect(ranSince()).toEqual(['three', 'four', 'five']);
    await readStore(home.dbPath, async (store) => {
      const taskRuns = await store.taskRuns(crashed.id);
      expect(attemptOf(taskRuns, 1)).toEqual(['one-0:Completed', 'two-0:Completed', 'three-0:Crashed']);
      expect(attemptOf(taskRuns, 2)).toEqual(['one-0:Cached', 'two-0:Cached', 'three-0:Completed', 'four-0:Completed', 'five-0:Completed']);
    });
  }, 60_000);
});

describe('re-runs against a real server with a key', () => {
  it('retry and run from a task through the API; a retry from another FLOWDECK_HOME is refused and changes nothing', async () => {
    const serverHome = makeTempHome();
    try {
      const KEY = 'a-key-for-re-runs';
      const server = spawnCli(['server', 'start', '--port', '0'], { home: serverHome.home, env: { FLOWDECK_SERVER_API_KEY: KEY } });
      await server.waitForOutput(/listening on http:\/\/127\.0\.0\.1:\d+/);
      const api = `http://127.0.0.1:${/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(server.stdout)![1]}/api`;
      const remote = (h: string) => ({ home: h, env: { FLOWDECK_API_URL: api, FLOWDECK_API_KEY: KEY } });
      const get = async <T>(path: string): Promise<T> => {
        const response = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
        expect(response.status, path).toBe(200);
        return (await response.json()) as T;
      };

      const first = lastJsonLine((await cli(['run', flowFile, '--param', `log=${log}`, '--json'], remote(home.home), 1)).stdout);
      const second = lastJsonLine((await cli(['run', flowFile, '--param', `log=${log}`, '--json'], remote(home.home), 1)).stdout);
      expect(ranSince()).toHaveLength(8);
      writeFileSync(flowFile, flowSource('fixed'));

      // Another machine's FLOWDECK_HOME has none of the results: refused, the run left as it was.
      const before = await get<FlowRun>(`/flow-runs/${second.flowRunId}`);
      const elsewhere = await cli(['flow-run', 'retry', second.flowRunId, '--json'], remote(otherHome.home), 2);
      expect(elsewhere.stderr).toContain(`the recorded results of flow run ${second.flowRunId} are not on this machine`);
      expect(elsewhere.stderr).toContain('Run it again there, or with --all to run every task again');
      expect(ranSince()).toEqual([]);
      const after = await get<FlowRun>(`/flow-runs/${second.flowRunId}`);
      expect(after.state).toEqual(before.state);
      expect(after.runCount).toBe(1);

      const retried = await cli(['flow-run', 'retry', first.flowRunId, '--json'], remote(home.home), 0);
      expect(lastJsonLine(retried.stdout)).toMatchObject({ flowRunId: first.flowRunId, result: 'RUN:4052' });
      expect(ranSince()).toEqual(['four', 'five']);
      const taskRuns = await get<TaskRun[]>(`/flow-runs/${first.flowRunId}/task-runs`);
      expect(attemptOf(taskRuns, 2)).toEqual(['one-0:Cached', 'two-0:Cached', 'three-0:Cached', 'four-0:Completed', 'five-0:Completed']);

      const rerun = await cli(
        ['flow-run', 'rerun', first.flowRunId, '--from', 'three-0', '--inputs', `[2001, "remote", ${JSON.stringify(log)}, ""]`, '--json'],
        remote(home.home),
        0,
      );
      const made = lastJsonLine(rerun.stdout);
      expect(made.result).toBe('REMOTE:4002');
      expect(ranSince()).toEqual(['three', 'four', 'five']);
      const madeRun = await get<FlowRun>(`/flow-runs/${made.flowRunId}`);
      expect(madeRun.rerunOf?.flowRunId).toBe(first.flowRunId);
      expect((await get<FlowRun>(`/flow-runs/${first.flowRunId}`)).reruns?.map((r) => r.id)).toEqual([made.flowRunId]);
      expect((await get<TaskRun[]>(`/flow-runs/${made.flowRunId}/task-runs`)).map((t) => t.state.name)).toEqual([
        'Cached',
        'Cached',
        'Completed',
        'Completed',
        'Completed',
      ]);
    } finally {
      await killStrayProcesses();
      serverHome.cleanup();
    }
  }, 60_000);
});
