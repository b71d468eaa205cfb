// Results shared through a result-storage block: two FLOWDECK_HOMEs stand for two machines that
// report to one real server with a key. A cache entry written by a run in one home is a cache hit
// in the other, and a re-run from the other home reuses the first home's results. Each task body
// appends its name to a log file, so what ran is counted, not read from states.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskRun } from '../../app/core/index.js';
import { killStrayProcesses, lastJsonLine, runCli, showOutput, spawnCli, type CliOptions } from '../helpers/cli.js';
import { makeTempHome } from '../helpers/temp-home.js';

const KEY = 'a-key-for-shared-results';

const FLOW_SOURCE = `import { appendFileSync } from 'node:fs';
import { flow, task } from 'flowdeck';

const ran = (log: string, name: string) => appendFileSync(log, name + '\\n');
const measure = task({ name: 'measure', cacheKeyFn: () => 'measure-v1' }, (log: string) => (ran(log, 'measure'), new Map([['n', 21n]])));
const double = task({ name: 'double' }, (log: string, m: Map<string, bigint>) => (ran(log, 'double'), m.get('n')! * 2n));
const label = task({ name: 'label' }, (log: string, n: bigint) => (ran(log, 'label'), 'answer ' + n));

export default flow({ name: 'shared-results' }, async ({ log }: { log: string }) => {
  const m = await measure(log);
  return label(log, await double(log, m));
});
`;

let serverHome: ReturnType<typeof makeTempHome>;
let homeA: ReturnType<typeof makeTempHome>;
let homeB: ReturnType<typeof makeTempHome>;
let work: string;
let flowFile: string;
let log: string;

beforeEach(() => {
  serverHome = makeTempHome();
  homeA = makeTempHome();
  homeB = makeTempHome();
  work = mkdtempSync(join(tmpdir(), 'flowdeck-shared-'));
  flowFile = join(work, 'shared-results.ts');
  log = join(work, 'ran.log');
  writeFileSync(flowFile, FLOW_SOURCE);
});

afterEach(async () => {
  await killStrayProcesses();
  serverHome.cleanup();
  homeA.cleanup();
  homeB.cleanup();
  rmSync(work, { recursive: true, force: true });
});

let seen = 0;
function ranSince(): string[] {
  const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  const since = lines.slice(seen);
  seen = lines.length;
  return since;
}

async function cli(args: string[], options: CliOptions, expected: number) {
  const result = await runCli(args, options);
  expect(result.code, showOutput(result)).toBe(expected);
  return result;
}

async function startServer(): Promise<string> {
  const server = spawnCli(['server', 'start', '--port', '0'], { home: serverHome.home, env: { FLOWDECK_SERVER_API_KEY: KEY } });
  await server.waitForOutput(/listening on http:\/\/127\.0\.0\.1:\d+/);
  return `http://127.0.0.1:${/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(server.stdout)![1]}/api`;
}

async function get<T>(api: string, path: string): Promise<T> {
  const response = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** Runs the flow in two homes with `block` as the default result storage; what ran and how, for each. */
async function runInBothHomes(block: string) {
  seen = 0;
  const api = await startServer();
  const machine = (home: string): CliOptions => ({
    home,
    env: { FLOWDECK_API_URL: api, FLOWDECK_API_KEY: KEY, FLOWDECK_DEFAULT_RESULT_STORAGE: 'result-storage/shared' },
  });
  await cli(
    ['block', 'create', 'result-storage/shared', '--data', block],
    { home: homeA.home, env: { FLOWDECK_API_URL: api, FLOWDECK_API_KEY: KEY } },
    0,
  );

  const first = lastJsonLine((await cli(['run', flowFile, '--param', `log=${log}`, '--json'], machine(homeA.home), 0)).stdout);
  expect(first.result).toBe('answer 42');
  expect(ranSince()).toEqual(['measure', 'double', 'label']);

  // The other machine: the cached task's result comes from the shared storage, not computed again.
  const second = lastJsonLine((await cli(['run', flowFile, '--param', `log=${log}`, '--json'], machine(homeB.home), 0)).stdout);
  expect(second.result).toBe('answer 42');
  expect(ranSince()).toEqual(['double', 'label']);
  const states = (await get<TaskRun[]>(api, `/flow-runs/${second.flowRunId}/task-runs`)).map((t) => `${t.name}:${t.state.name}`);
  expect(states).toEqual(['measure-0:Cached', 'double-0:Completed', 'label-0:Completed']);
  return { api, machine, first };
}

describe('shared result storage', () => {
  it('server kind: a cache entry from one home is a hit in another, and a re-run from the other home reuses the first one’s results', async () => {
    const { api, machine, first } = await runInBothHomes('{"kind":"server"}');
    // Kept on the server, under its FLOWDECK_HOME; neither machine kept results of its own.
    expect(readdirSync(join(serverHome.home, 'storage', 'shared')).filter((f) => f.endsWith('.bin')).length).toBeGreaterThanOrEqual(3);
    for (const home of [homeA.home, homeB.home]) {
      const own = join(home, 'storage');
      expect(existsSync(own) ? readdirSync(own).filter((f) => f.endsWith('.bin')) : []).toEqual([]);
    }

    // A machine without the setting does not know where the results are: refused, nothing runs.
    const unset = { home: homeB.home, env: { FLOWDECK_API_URL: api, FLOWDECK_API_KEY: KEY } };
    const refused = await cli(['flow-run', 'rerun', first.flowRunId, '--from', 'label-0', '--code', 'current'], unset, 2);
    expect(refused.stderr).toContain(`of flow run ${first.flowRunId} cannot be read here`);
    expect(refused.stderr).toContain('set FLOWDECK_DEFAULT_RESULT_STORAGE to that result-storage block to read it');
    expect(ranSince()).toEqual([]);

    const rerun = await cli(['flow-run', 'rerun', first.flowRunId, '--from', 'label-0', '--code', 'current', '--json'], machine(homeB.home), 0);
    const made = lastJsonLine(rerun.stdout);
    expect(made.result).toBe('answer 42');
    expect(ranSince()).toEqual(['label']);
    const states = (await get<TaskRun[]>(api, `/flow-runs/${made.flowRunId}/task-runs`)).map((t) => `${t.name}:${t.state.name}`);
    expect(states).toEqual(['measure-0:Cached', 'double-0:Cached', 'label-0:Completed']);
  }, 180_000);

  it('folder kind: results kept in a folder both machines share', async () => {
    const shared = join(work, 'shared-folder');
    await runInBothHomes(JSON.stringify({ kind: 'folder', path: shared }));
    expect(readdirSync(shared).filter((f) => f.endsWith('.bin')).length).toBeGreaterThanOrEqual(3);
    expect(existsSync(join(serverHome.home, 'storage', 'shared'))).toBe(false);
  }, 180_000);

  it('server kind without a server: the local database’s own results folder, read back for a cache hit', async () => {
    seen = 0;
    const local: CliOptions = { home: homeA.home, env: { FLOWDECK_DEFAULT_RESULT_STORAGE: 'result-storage/here' } };
    await cli(['block', 'create', 'result-storage/here', '--data', '{"kind":"server"}'], { home: homeA.home }, 0);
    expect(lastJsonLine((await cli(['run', flowFile, '--param', `log=${log}`, '--json'], local, 0)).stdout).result).toBe('answer 42');
    expect(lastJsonLine((await cli(['run', flowFile, '--param', `log=${log}`, '--json'], local, 0)).stdout).result).toBe('answer 42');
    expect(ranSince()).toEqual(['measure', 'double', 'label', 'double', 'label']);
    expect(readdirSync(join(homeA.home, 'storage', 'shared')).filter((f) => f.endsWith('.bin')).length).toBeGreaterThanOrEqual(3);

    // A flow's own persisted result goes there too.
    const persisted = join(work, 'persisted.ts');
    writeFileSync(
      persisted,
      `import { flow } from 'flowdeck';\nexport default flow({ name: 'persisted', persistResult: true }, () => new Date(5));\n`,
    );
    const run = lastJsonLine((await cli(['run', persisted, '--json'], local, 0)).stdout);
    const inspected = JSON.parse((await cli(['flow-run', 'inspect', run.flowRunId, '--json'], local, 0)).stdout) as { state: { resultRef?: string } };
    expect(inspected.state.resultRef).toMatch(/^server:[0-9a-f]{64}\.bin$/);
  }, 120_000);

  it('a default that names no block, or a block of another type, is an error before the flow runs', async () => {
    seen = 0;
    const missing = await cli(
      ['run', flowFile, '--param', `log=${log}`],
      { home: homeA.home, env: { FLOWDECK_DEFAULT_RESULT_STORAGE: 'result-storage/nowhere' } },
      2,
    );
    expect(missing.stderr).toContain('FLOWDECK_DEFAULT_RESULT_STORAGE names block result-storage/nowhere, and there is none');
    const wrongType = await cli(
      ['run', flowFile, '--param', `log=${log}`],
      { home: homeA.home, env: { FLOWDECK_DEFAULT_RESULT_STORAGE: 'secret/db' } },
      2,
    );
    expect(wrongType.stderr).toContain('FLOWDECK_DEFAULT_RESULT_STORAGE');
    expect(wrongType.stderr).toContain("must name a block of type result-storage (result-storage/NAME), got one of type 'secret'");
    expect(ranSince()).toEqual([]);
  }, 120_000);
});
