// The run commands against a real Flowdeck server on a loopback port: each must print exactly
// what it prints against the same database locally, and change the server's runs as it would
// change local ones.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliContext } from '../../app/cli/context.js';
import { RemoteRunsSource } from '../../app/cli/runs-source/remote-runs-source.js';
import { newId, type FlowRun } from '../../app/core/index.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { startTestServer, useTestServer, type TestServer } from '../server/http/support.js';
import { cli, idColumn, retries, Seed, type CliResult } from './harness.js';
import { cliWithEnv } from './settings-support.js';

const server = useTestServer();
let remoteHome: ReturnType<typeof makeTempHome>;
beforeEach(() => {
  remoteHome = makeTempHome();
});
afterEach(() => {
  // Everything went through the server: the CLI's own home never got a database.
  expect(existsSync(remoteHome.dbPath)).toBe(false);
  remoteHome.cleanup();
});

/** The command against the server's database file, in this process, as `flowdeck` without a server. */
function local(...argv: string[]): Promise<CliResult> {
  return cli(dirname(server.current.dbPath), ...argv);
}

/** The command from another FLOWDECK_HOME, with FLOWDECK_API_URL naming the server. */
function remote(...argv: string[]): Promise<CliResult> {
  return cliWithEnv(remoteHome.home, { FLOWDECK_API_URL: server.current.api }, ...argv);
}

/** Runs a read command both ways and expects the same exit code, output and errors. */
async function same(...argv: string[]): Promise<CliResult> {
  const here = await local(...argv);
  const there = await remote(...argv);
  expect(there, argv.join(' ')).toEqual(here);
  return there;
}

function seed(): Seed {
  return new Seed(server.current.store);
}

/** The shortest prefix of the id that no other run shares, as listings show it. */
async function short(kind: 'flow' | 'task', id: string): Promise<string> {
  return (await server.current.store.uniqueIdPrefixes(kind, [id])).get(id)!;
}

function commonPrefix(a: string, b: string): string {
  let length = 0;
  while (length < a.length && a[length] === b[length]) length++;
  return a.slice(0, length);
}

/** Finished runs only, so no duration changes between the two invocations. */
async function seedFinishedRuns() {
  const s = seed();
  const store = server.current.store;
  const t = Date.parse('2025-03-01T10:00:00Z');

  const done = await s.flowRun({ name: 'etl-done', flowName: 'etl', parameters: { limit: 5, mode: 'full' }, tags: ['nightly'] });
  await s.move('flow', done, 'RUNNING', 'Running');
  const extract = await s.taskRun(done, { name: 'extract-0', tags: ['api'], inputs: '{"limit":5}' });
  await s.move('task', extract, 'RUNNING', 'Running');
  await s.move('task', extract, 'COMPLETED', 'Completed', { resultPreview: '[1,2,3]' });
  const load = await s.taskRun(done, { name: 'load-0', retries: 1, upstream: [extract], cacheKey: 'load-key' });
  await s.move('task', load, 'RUNNING', 'Running');
  expect(
    await s.move('task', load, 'FAILED', 'Failed', {
      error: { name: 'Error', message: 'db busy', stack: 'Error: db busy\n    at load (etl.ts:3:9)' },
    }),
  ).toBe('AwaitingRetry');
  expect(await s.move('task', load, 'RUNNING', 'Running')).toBe('Retrying');
  await s.move('task', load, 'COMPLETED', 'Completed');
  await s.move('flow', done, 'COMPLETED', 'Completed', { resultPreview: '3' });
  store.writeLogs([
    { flowRunId: done, taskRunId: null, level: 20, message: 'loading 5', timestamp: t, attempt: 1 },
    { flowRunId: done, taskRunId: extract, level: 10, message: 'fetched page 1', timestamp: t + 1, attempt: 1 },
    { flowRunId: done, taskRunId: load, level: 40, message: 'db busy', timestamp: t + 2, attempt: 1, logger: 'etl.load' },
    { flowRunId: done, taskRunId: load, level: 30, message: 'second try', timestamp: t + 3, attempt: 2 },
    { flowRunId: done, taskRunId: null, level: 50, message: 'done, loudly', timestamp: t + 4, attempt: 1 },
  ]);

  const child = newId();
  const created = await store.createFlowRun({
    id: child,
    flowName: 'child',
    name: 'child-run',
    parentFlowRunId: done,
    parentTaskRunId: load,
    retryPolicy: retries(0),
    transitionId: newId(),
    state: { type: 'PENDING', name: 'Pending' },
  });
  expect(created.status).toBe('ACCEPT');
  await s.move('flow', child, 'RUNNING', 'Running');
  await s.move('flow', child, 'CANCELLED', 'Cancelled', { message: 'stopped by hand' });

  const failed = await s.flowRun({ name: 'etl-failed', flowName: 'etl' });
  await s.move('flow', failed, 'RUNNING', 'Running');
  await s.move('flow', failed, 'FAILED', 'Failed', {
    error: { name: 'TypeError', message: 'x is undefined', stack: 'TypeError: x is undefined\n    at main (etl.ts:9:1)' },
  });

  const slow = await s.flowRun({ name: 'reports-slow', flowName: 'reports' });
  await s.move('flow', slow, 'RUNNING', 'Running');
  await s.move('flow', slow, 'FAILED', 'TimedOut');

  const late = newId();
  await store.createFlowRun({
    id: late,
    flowName: 'reports',
    name: 'reports-late',
    retryPolicy: retries(0),
    transitionId: newId(),
    state: { type: 'SCHEDULED', name: 'Late', scheduledTime: t },
  });
  await store.flush();
  return { done, extract, load, child, failed, slow, late };
}

describe('read commands against a server named by FLOWDECK_API_URL', () => {
  it('flow-run ls prints the same table and JSON as locally, with every filter', async () => {
    await seedFinishedRuns();
    const table = await same('flow-run', 'ls');
    expect(table.code).toBe(0);
    expect(idColumn(table.out)).toHaveLength(5);
    const json = await same('flow-run', 'ls', '--json');
    expect((JSON.parse(json.out) as FlowRun[]).map((r) => r.name)).toEqual(['reports-late', 'reports-slow', 'etl-failed', 'child-run', 'etl-done']);
    for (const filters of [
      ['--flow', 'reports'],
      ['--state', 'failed'],
      ['--state', 'timedout'],
      ['--state', 'Late'],
      ['--state', 'COMPLETED', '--state', 'late'],
      ['--state', 'cancelled', '--flow', 'child'],
      ['--limit', '2'],
      ['--state', 'failed', '--limit', '1'],
      ['--state', 'RUNNING'],
      ['--flow', 'nope'],
    ]) {
      await same('flow-run', 'ls', ...filters);
      await same('flow-run', 'ls', '--json', ...filters);
    }
    expect((await same('flow-run', 'ls', '--state', 'bogus')).code).toBe(2);
  });

  it('flow-run inspect, task-run ls and task-run inspect print the same, by full id or prefix', async () => {
    const ids = await seedFinishedRuns();
    for (const id of [ids.done, await short('flow', ids.done), ids.child, ids.failed, ids.late]) {
      const plain = await same('flow-run', 'inspect', id);
      expect(plain.code).toBe(0);
      await same('flow-run', 'inspect', id, '--json');
    }
    const inspected = await remote('flow-run', 'inspect', ids.child);
    expect(inspected.out).toContain(`${ids.done} (etl-done)`);
    expect(inspected.out).toContain(`as task run ${ids.load}`);

    await same('task-run', 'ls', '--flow-run', ids.done);
    await same('task-run', 'ls', '--flow-run', await short('flow', ids.done), '--json');
    expect((await same('task-run', 'ls', '--flow-run', ids.failed)).out).toContain('has no task runs yet');
    for (const id of [ids.load, await short('task', ids.load), ids.extract]) {
      await same('task-run', 'inspect', id);
      await same('task-run', 'inspect', id, '--json');
    }
    expect((await remote('task-run', 'inspect', ids.load)).out).toContain(`${ids.extract} (extract-0)`);
  });

  it('flow-run logs prints the same lines, filtered alike', async () => {
    const ids = await seedFinishedRuns();
    const all = await same('flow-run', 'logs', ids.done);
    expect(all.out.trimEnd().split('\n')).toHaveLength(5);
    expect(all.out).toContain('[load-0 #2] second try');
    await same('flow-run', 'logs', ids.done, '--json');
    await same('flow-run', 'logs', ids.done, '--level', 'warning');
    await same('flow-run', 'logs', ids.done, '--level', '45', '--json');
    // Above CRITICAL, as any number may be a level.
    await same('flow-run', 'logs', ids.done, '--level', '99');
    await same('flow-run', 'logs', ids.done, '--task', await short('task', ids.load));
    expect((await same('flow-run', 'logs', ids.failed)).err).toContain('No logs for flow run etl-failed');
    expect((await same('flow-run', 'logs', ids.done, '--task', ids.extract.slice(0, 4) + 'zzzz')).code).toBe(2);
  });

  it('shows short ids that paste back, and refuses unknown, too short or shared prefixes as the local store does', async () => {
    const ids = await seedFinishedRuns();
    const shown = idColumn((await remote('flow-run', 'ls')).out);
    for (const short of shown) {
      const inspected = await remote('flow-run', 'inspect', short, '--json');
      expect(inspected.code).toBe(0);
      expect((JSON.parse(inspected.out) as FlowRun).id.startsWith(short)).toBe(true);
    }
    const shared = commonPrefix(ids.failed, ids.slow);
    expect(shared.length).toBeGreaterThanOrEqual(4);
    for (const given of ['nope-nope-nope', 'abc', '', 'x'.repeat(200)]) {
      const result = await same('flow-run', 'inspect', given);
      expect(result.code, given).toBe(2);
      expect(result.err, given).toContain(`no flow run with id '${given}'`);
    }
    const ambiguous = await same('flow-run', 'inspect', shared);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toContain(`more than one flow run has an id starting with '${shared}'`);
    expect((await same('task-run', 'inspect', ids.done)).code).toBe(2);
    expect((await same('task-run', 'ls')).code).toBe(2);
  });

  it('follows the logs of a running flow until it finishes', async () => {
    const s = seed();
    const store = server.current.store;
    const flowRunId = await s.flowRun({ name: 'busy-run' });
    await s.move('flow', flowRunId, 'RUNNING', 'Running');
    store.writeLogs([{ flowRunId, taskRunId: null, level: 20, message: 'started', timestamp: Date.now(), attempt: 1 }]);
    await store.flush();

    const finish = new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        store.writeLogs([{ flowRunId, taskRunId: null, level: 20, message: 'last words', timestamp: Date.now(), attempt: 1 }]);
        s.move('flow', flowRunId, 'COMPLETED', 'Completed').then(() => resolve(), reject);
      }, 1200);
    });
    const followed = await remote('flow-run', 'logs', await short('flow', flowRunId), '--follow');
    await finish;
    expect(followed.code).toBe(0);
    expect(
      followed.out
        .trimEnd()
        .split('\n')
        .map((line) => line.replace(/^\S+ \S+\s+/, '')),
    ).toEqual(['started', 'last words']);
    expect(followed.err).toBe('Flow run busy-run finished in state Completed.\n');
    expect(followed.out).toBe((await local('flow-run', 'logs', flowRunId)).out);
  });

  it('says the same when there are no runs or limits yet', async () => {
    expect((await same('flow-run', 'ls')).out).toContain('No flow runs yet');
    expect((await same('flow-run', 'ls', '--json')).out).toBe('[]\n');
    expect((await same('concurrency-limit', 'ls')).out).toContain('No concurrency limits');
    expect((await same('concurrency-limit', 'inspect', 'db')).code).toBe(2);
  });
});

describe('commands that change runs, against a server', () => {
  it('flow-run cancel cancels a run that has not started, asks a running one to stop, and refuses a finished one', async () => {
    const s = seed();
    const store = server.current.store;
    const pending = await s.flowRun({ name: 'waiting-run' });
    const running = await s.flowRun({ name: 'busy-run' });
    await s.move('flow', running, 'RUNNING', 'Running');
    const finished = await s.flowRun({ name: 'done-run' });
    await s.move('flow', finished, 'RUNNING', 'Running');
    await s.move('flow', finished, 'COMPLETED', 'Completed');

    const before = await remote('flow-run', 'cancel', await short('flow', pending));
    expect(before).toEqual({ code: 0, out: `Cancelled flow run waiting-run (${pending}) before it started.\n`, err: '' });
    expect((await store.getFlowRun(pending))!.state.type).toBe('CANCELLED');

    const asked = await remote('flow-run', 'cancel', running);
    expect(asked).toEqual({ code: 0, out: `Cancelling flow run busy-run (${running}); its process stops within a second.\n`, err: '' });
    expect((await store.getFlowRun(running))!.state.type).toBe('CANCELLING');
    const again = await remote('flow-run', 'cancel', running);
    expect(again.out).toBe(`Already cancelling flow run busy-run (${running}); its process stops within a second.\n`);

    const refused = await same('flow-run', 'cancel', finished);
    expect(refused).toEqual({ code: 1, out: '', err: `Cannot cancel flow run done-run (${finished}): it already finished in state Completed.\n` });
    expect((await store.getFlowRun(finished))!.state.type).toBe('COMPLETED');
  });

  it('flow-run retry refuses what the local database refuses, with the same words, changing nothing', async () => {
    const s = seed();
    const completed = await s.flowRun({ name: 'done-run' });
    await s.move('flow', completed, 'RUNNING', 'Running');
    await s.move('flow', completed, 'COMPLETED', 'Completed');
    const noEntrypoint = await s.flowRun({ name: 'failed-run' });
    await s.move('flow', noEntrypoint, 'RUNNING', 'Running');
    await s.move('flow', noEntrypoint, 'FAILED', 'Failed');

    const notRetryable = await same('flow-run', 'retry', completed);
    expect(notRetryable.code).toBe(2);
    expect(notRetryable.err).toBe("error: flow run 'done-run' is Completed; only Failed, Crashed or Cancelled runs can be retried\n");
    const nothingToRun = await same('flow-run', 'retry', await short('flow', noEntrypoint));
    expect(nothingToRun.err).toBe("error: flow run 'failed-run' has no entrypoint to run again\n");
    expect((await server.current.store.getFlowRun(noEntrypoint))!.state.name).toBe('Failed');
  });

  it("makes retry's state change on the server: AwaitingRetry, then refused while it waits", async () => {
    const s = seed();
    const failed = await s.flowRun({ name: 'failed-run' });
    await s.move('flow', failed, 'RUNNING', 'Running');
    await s.move('flow', failed, 'FAILED', 'Failed');
    const ctx = new CliContext(
      { FLOWDECK_HOME: remoteHome.home, FLOWDECK_API_URL: server.current.api },
      { write: () => {}, isTTY: false },
      { write: () => {}, isTTY: false },
      remoteHome.home,
    );
    try {
      const runs = await ctx.runs();
      expect(runs).toBeInstanceOf(RemoteRunsSource);
      const retried = await runs.retryFlowRun(failed, 'retried from the command line');
      expect(retried.state).toMatchObject({ type: 'SCHEDULED', name: 'AwaitingRetry', message: 'retried from the command line' });
      expect((await server.current.store.getFlowRun(failed))!.state).toEqual(retried.state);
      await expect(runs.retryFlowRun(failed, 'again')).rejects.toThrow(
        "flow run 'failed-run' is AwaitingRetry; only Failed, Crashed or Cancelled runs can be retried",
      );
    } finally {
      await ctx.close();
    }
    // The refusal the CLI prints for it is the local one.
    expect((await same('flow-run', 'retry', failed)).err).toBe(
      "error: flow run 'failed-run' is AwaitingRetry; only Failed, Crashed or Cancelled runs can be retried\n",
    );
  });

  it('concurrency-limit create, ls, inspect and delete work on the server', async () => {
    const store = server.current.store;
    const created = await remote('concurrency-limit', 'create', 'db', '2');
    expect(created).toEqual({ code: 0, out: "Created concurrency limit 'db': at most 2 task runs with this tag at once.\n", err: '' });
    expect((await remote('concurrency-limit', 'create', 'db', '2')).out).toBe(
      "Concurrency limit 'db' is already 2: at most 2 task runs with this tag at once.\n",
    );
    expect((await remote('concurrency-limit', 'create', 'db', '1')).out).toBe(
      "Changed concurrency limit 'db' from 2 to 1: at most 1 task run with this tag at once.\n",
    );
    expect((await remote('concurrency-limit', 'create', 'api', '0')).code).toBe(0);
    expect((await store.listConcurrencyLimits()).map((l) => [l.tag, l.limit])).toEqual([
      ['api', 0],
      ['db', 1],
    ]);

    // A task run holding the slot, shown by name and state.
    const s = seed();
    const flowRunId = await s.flowRun({ name: 'busy-run' });
    const taskRunId = await s.taskRun(flowRunId, { name: 'query-0', tags: ['db'] });
    await s.move('task', taskRunId, 'RUNNING', 'Running');
    expect((await store.getConcurrencyLimit('db'))!.activeSlots).toEqual([taskRunId]);

    await same('concurrency-limit', 'ls');
    await same('concurrency-limit', 'ls', '--json');
    const inspected = await same('concurrency-limit', 'inspect', 'db');
    expect(inspected.out).toContain(taskRunId);
    expect(inspected.out).toContain('query-0');
    await same('concurrency-limit', 'inspect', 'db', '--json');

    expect(await remote('concurrency-limit', 'delete', 'api')).toEqual({ code: 0, out: "Deleted concurrency limit 'api'.\n", err: '' });
    expect(await store.getConcurrencyLimit('api')).toBeNull();
    const gone = await same('concurrency-limit', 'delete', 'api');
    expect(gone.code).toBe(2);
    expect(gone.err).toContain("no concurrency limit for tag 'api'");
  });
});

describe('a server named by a profile', () => {
  it('is used by every run command once the profile is active', async () => {
    const ids = await seedFinishedRuns();
    const home = remoteHome.home;
    expect((await cliWithEnv(home, {}, 'profile', 'create', 'shared')).code).toBe(0);
    expect((await cliWithEnv(home, { FLOWDECK_PROFILE: 'shared' }, 'config', 'set', `FLOWDECK_API_URL=${server.current.api}`)).code).toBe(0);
    expect((await cliWithEnv(home, {}, 'profile', 'use', 'shared')).code).toBe(0);
    for (const argv of [
      ['flow-run', 'ls'],
      ['flow-run', 'inspect', await short('flow', ids.done)],
      ['flow-run', 'logs', ids.done],
      ['task-run', 'ls', '--flow-run', ids.done],
      ['task-run', 'inspect', ids.load],
      ['concurrency-limit', 'ls'],
    ]) {
      expect(await cliWithEnv(home, {}, ...argv), argv.join(' ')).toEqual(await local(...argv));
    }
  });
});

describe('a server that requires an API key', () => {
  let secured: TestServer;
  beforeEach(async () => {
    secured = await startTestServer({ apiKey: 'right-key' });
    await new Seed(secured.store).flowRun({ name: 'guarded-run' });
  });
  afterEach(() => secured.close());

  const SET_KEY = "set it in the environment (FLOWDECK_API_KEY=...) or in the profile with 'flowdeck config set FLOWDECK_API_KEY=...'";

  it('answers with the right key, from the environment or the profile', async () => {
    const fromEnv = await cliWithEnv(remoteHome.home, { FLOWDECK_API_URL: secured.api, FLOWDECK_API_KEY: 'right-key' }, 'flow-run', 'ls');
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.out).toContain('guarded-run');
    expect(fromEnv).toEqual(await cli(dirname(secured.dbPath), 'flow-run', 'ls'));

    await cliWithEnv(remoteHome.home, {}, 'config', 'set', `FLOWDECK_API_URL=${secured.api}`, 'FLOWDECK_API_KEY=right-key');
    const fromProfile = await cliWithEnv(remoteHome.home, {}, 'flow-run', 'ls', '--json');
    expect(fromProfile.code).toBe(0);
    expect((JSON.parse(fromProfile.out) as FlowRun[]).map((r) => r.name)).toEqual(['guarded-run']);
  });

  it('without a key, or with a wrong one, prints one line saying so and how to set it, exiting 3', async () => {
    const missing = await cliWithEnv(remoteHome.home, { FLOWDECK_API_URL: secured.api }, 'flow-run', 'ls');
    expect(missing).toEqual({
      code: 3,
      out: '',
      err: `error: the Flowdeck server at ${secured.api} requires an API key and none is set; ${SET_KEY}\n`,
    });

    const wrong = await cliWithEnv(remoteHome.home, { FLOWDECK_API_URL: secured.api, FLOWDECK_API_KEY: 'wrong-key' }, 'concurrency-limit', 'ls');
    expect(wrong).toEqual({
      code: 3,
      out: '',
      err: `error: the Flowdeck server at ${secured.api} refused the API key (FLOWDECK_API_KEY from env); ${SET_KEY.replace('set it', 'set the right one')}\n`,
    });

    await cliWithEnv(remoteHome.home, {}, 'config', 'set', `FLOWDECK_API_URL=${secured.api}`, 'FLOWDECK_API_KEY=stale-key');
    const fromProfile = await cliWithEnv(remoteHome.home, {}, 'flow-run', 'inspect', 'abcd');
    expect(fromProfile.code).toBe(3);
    expect(fromProfile.err).toContain('refused the API key (FLOWDECK_API_KEY from profile local)');
    expect(fromProfile.err).not.toContain('stale-key');
  });
});

describe('a server that is not running', () => {
  it('gives one line naming the server and what to check, and exits 3, for every command', async () => {
    const down = await startTestServer();
    const apiUrl = down.api;
    await down.close();
    const port = new URL(apiUrl).port;
    const expected = `error: cannot reach the Flowdeck server at ${apiUrl} (connect ECONNREFUSED 127.0.0.1:${port}); is it running? 'flowdeck config view' shows which server this profile uses\n`;
    for (const argv of [
      ['flow-run', 'ls'],
      ['flow-run', 'inspect', 'abcd1234'],
      ['flow-run', 'logs', 'abcd1234', '--follow'],
      ['flow-run', 'cancel', 'abcd1234'],
      ['flow-run', 'retry', 'abcd1234'],
      ['task-run', 'ls', '--flow-run', 'abcd1234'],
      ['task-run', 'inspect', 'abcd1234'],
      ['concurrency-limit', 'create', 'db', '1'],
      ['concurrency-limit', 'ls'],
      ['concurrency-limit', 'inspect', 'db'],
      ['concurrency-limit', 'delete', 'db'],
    ]) {
      const result = await cliWithEnv(remoteHome.home, { FLOWDECK_API_URL: apiUrl }, ...argv);
      expect(result, argv.join(' ')).toEqual({ code: 3, out: '', err: expected });
    }
  });
});
