// `flowdeck work-pool ...`, `work-queue ...` and `worker ls` over a real local database.
import { describe, expect, it } from 'vitest';
import type { Worker, WorkPoolRead, WorkQueue } from '../../app/core/api/index.js';
import { cli, useSeededStore } from './harness.js';
import { tableRows } from './settings-support.js';

const ctx = useSeededStore();

async function ok(...argv: string[]): Promise<string> {
  const result = await cli(ctx.home, ...argv);
  expect(result.code, `${argv.join(' ')}\n${result.err}`).toBe(0);
  return result.out;
}

async function refused(...argv: string[]): Promise<string> {
  const result = await cli(ctx.home, ...argv);
  expect(result.code, `${argv.join(' ')}\n${result.out}`).toBe(2);
  return result.err;
}

async function json<T>(...argv: string[]): Promise<T> {
  return JSON.parse(await ok(...argv, '--json')) as T;
}

describe('work-pool', () => {
  it('creates a process pool with its job template and default queue, and shows it', async () => {
    const out = await ok(
      'work-pool',
      'create',
      'local',
      '--limit',
      '4',
      '--env',
      'REGION=eu',
      '--env',
      'TOKEN=a=b',
      '--working-dir',
      '/srv/flows',
      '--command',
      'node --enable-source-maps',
      '--description',
      'this machine',
    );
    expect(out).toContain("Created work pool 'local' (process) with queue 'default'. Start a worker with: flowdeck worker start --pool local");
    const pool = await json<WorkPoolRead>('work-pool', 'inspect', 'local');
    expect(pool).toMatchObject({
      name: 'local',
      type: 'process',
      description: 'this machine',
      paused: false,
      concurrencyLimit: 4,
      jobTemplate: { env: { REGION: 'eu', TOKEN: 'a=b' }, workingDir: '/srv/flows', command: ['node', '--enable-source-maps'] },
      workers: [],
      runs: { waiting: 0, late: 0, running: 0 },
    });
    expect(pool.queues.map((q) => q.name)).toEqual(['default']);

    const shown = await ok('work-pool', 'inspect', 'local');
    expect(shown).toContain('Work pool local');
    expect(shown).toMatch(/env +REGION=eu\n +TOKEN=a=b\n/);
    expect(shown).toMatch(/command +\["node","--enable-source-maps"\]/);
    expect(shown).toContain('None. Start one with: flowdeck worker start --pool local');

    const withJson = await json<WorkPoolRead>('work-pool', 'create', 'second', '--command', '["python3", "-u"]');
    expect(withJson.jobTemplate).toEqual({ env: {}, workingDir: null, command: ['python3', '-u'], runsPerProcess: 1 });
  });

  it('lists pools as a table and as JSON', async () => {
    expect(await ok('work-pool', 'ls')).toContain('No work pools. Create one with: flowdeck work-pool create NAME');
    await ok('work-pool', 'create', 'b-pool');
    await ok('work-pool', 'create', 'a-pool', '--limit', '2');
    const rows = tableRows(await ok('work-pool', 'ls'));
    expect(rows[0]).toEqual(['POOL', 'TYPE', 'PAUSED', 'LIMIT', 'QUEUES', 'WORKERS ONLINE', 'WAITING', 'LATE', 'RUNNING']);
    expect(rows.slice(1)).toEqual([
      ['a-pool', 'process', 'no', '2', 'default', '0 of 0', '0', '0', '0'],
      ['b-pool', 'process', 'no', '-', 'default', '0 of 0', '0', '0', '0'],
    ]);
    expect((await json<WorkPoolRead[]>('work-pool', 'ls')).map((p) => p.name)).toEqual(['a-pool', 'b-pool']);
  });

  it('refuses planned and unknown types, a taken name and bad options, saying what was wrong', async () => {
    expect(await refused('work-pool', 'create', 'boxes', '--type', 'docker')).toContain(
      "work pools of type 'docker' are planned but not available yet; use 'process'",
    );
    expect(await refused('work-pool', 'create', 'boxes', '--type', 'lambda')).toContain("unknown type 'lambda'");
    await ok('work-pool', 'create', 'local');
    expect(await refused('work-pool', 'create', 'local')).toContain("a work pool named 'local' exists already");
    expect(await refused('work-pool', 'create', 'x', '--env', '1BAD=x')).toContain('--env takes KEY=VALUE');
    expect(await refused('work-pool', 'create', 'x', '--limit', 'lots')).toContain("--limit must be a whole number from 0 to 1000000, got 'lots'");
    expect((await json<WorkPoolRead[]>('work-pool', 'ls')).map((p) => p.name)).toEqual(['local']);
  });

  it('pauses, resumes and deletes a pool; an unknown name gets a suggestion', async () => {
    await ok('work-pool', 'create', 'local');
    expect(await ok('work-pool', 'pause', 'local')).toContain("Paused work pool 'local'");
    expect((await json<WorkPoolRead>('work-pool', 'inspect', 'local')).paused).toBe(true);
    expect(await ok('work-pool', 'pause', 'local')).toContain('is already paused');
    expect(await ok('work-pool', 'resume', 'local')).toContain("Resumed work pool 'local'");
    expect((await json<WorkPoolRead>('work-pool', 'inspect', 'local')).paused).toBe(false);
    expect(await refused('work-pool', 'inspect', 'locl')).toContain("no work pool named 'locl'; did you mean 'local'?");
    expect(await ok('work-pool', 'delete', 'local')).toContain("Deleted work pool 'local'");
    expect(await refused('work-pool', 'delete', 'local')).toContain("no work pool named 'local'");
  });

  it('refuses to delete a pool a deployment names', async () => {
    await ok('work-pool', 'create', 'local');
    await ctx.store.deploy([{ name: 'nightly', flowName: 'etl', entrypoint: 'flows/etl.ts', workPool: 'local' }]);
    const message = await refused('work-pool', 'delete', 'local');
    expect(message).toContain('local');
    expect((await json<WorkPoolRead[]>('work-pool', 'ls')).map((p) => p.name)).toEqual(['local']);
  });
});

describe('work-queue', () => {
  it('creates, lists, inspects and deletes queues of a pool', async () => {
    await ok('work-pool', 'create', 'local');
    expect(await ok('work-queue', 'create', 'urgent', '--pool', 'local', '--priority', '1', '--limit', '2')).toContain(
      "Created queue 'urgent' in work pool 'local': priority 1, at most 2 runs at once.",
    );
    const created = await json<WorkQueue>('work-queue', 'create', 'bulk', '--pool', 'local');
    expect(created).toMatchObject({ name: 'bulk', workPool: 'local', concurrencyLimit: null, paused: false });

    const queues = await json<WorkQueue[]>('work-queue', 'ls', '--pool', 'local');
    const urgent = queues.find((q) => q.name === 'urgent');
    expect(urgent).toMatchObject({ priority: 1, concurrencyLimit: 2 });
    expect(queues.map((q) => q.name).sort()).toEqual(['bulk', 'default', 'urgent']);
    const rows = tableRows(await ok('work-queue', 'ls', '--pool', 'local'));
    expect(rows[0]).toEqual(['QUEUE', 'PRIORITY', 'LIMIT', 'PAUSED']);
    expect(rows).toContainEqual(['urgent', '1', '2', 'no']);

    expect(await ok('work-queue', 'inspect', 'urgent', '--pool', 'local')).toMatch(
      /Work queue urgent of work pool local\n +priority +1\n +limit +2 runs at once/,
    );
    expect((await json<WorkQueue>('work-queue', 'inspect', 'urgent', '--pool', 'local')).id).toBe(urgent?.id);

    expect(await ok('work-queue', 'delete', 'urgent', '--pool', 'local')).toContain("Deleted queue 'urgent' of work pool 'local'");
    expect((await json<WorkQueue[]>('work-queue', 'ls', '--pool', 'local')).map((q) => q.name).sort()).toEqual(['bulk', 'default']);
  });

  it('refuses what cannot be: no pool given, an unknown pool or queue, a taken name, the default queue', async () => {
    await ok('work-pool', 'create', 'local');
    expect(await refused('work-queue', 'ls')).toContain('--pool POOL is required');
    expect(await refused('work-queue', 'ls', '--pool', 'locl')).toContain("no work pool named 'locl'; did you mean 'local'?");
    expect(await refused('work-queue', 'create', 'q', '--pool', 'nowhere')).toContain("no work pool named 'nowhere'");
    expect(await refused('work-queue', 'inspect', 'defualt', '--pool', 'local')).toContain(
      "work pool 'local' has no queue named 'defualt'; did you mean 'default'?",
    );
    expect(await refused('work-queue', 'create', 'default', '--pool', 'local')).toContain("has a queue named 'default' already");
    expect(await refused('work-queue', 'delete', 'default', '--pool', 'local')).toContain("the 'default' queue of a work pool cannot be deleted");
    expect(await refused('work-queue', 'create', 'q', '--pool', 'local', '--priority', '0')).toContain('--priority must be a whole number from 1');
  });
});

describe('worker ls', () => {
  it('lists the workers of a pool with their status, last beat and runs', async () => {
    await ok('work-pool', 'create', 'local');
    expect(await ok('worker', 'ls', '--pool', 'local')).toContain(
      "No workers in work pool 'local'. Start one with: flowdeck worker start --pool local",
    );
    await ctx.store.workerHeartbeat('local', { name: 'w1', queues: ['default'], limit: 3, hostname: 'box', pid: 4242 });
    const [worker] = await json<Worker[]>('worker', 'ls', '--pool', 'local');
    expect(worker).toMatchObject({
      name: 'w1',
      workPool: 'local',
      status: 'ONLINE',
      queues: ['default'],
      limit: 3,
      activeRuns: 0,
      hostname: 'box',
      pid: 4242,
    });
    const rows = tableRows(await ok('worker', 'ls', '--pool', 'local'));
    expect(rows[0]).toEqual(['WORKER', 'STATUS', 'LAST BEAT', 'RUNS', 'LIMIT', 'QUEUES', 'HOST', 'PID']);
    expect(rows[1]).toEqual(['w1', 'ONLINE', expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/), '0', '3', 'default', 'box', '4242']);
    await ctx.store.removeWorker('local', 'w1');
    expect((await json<Worker[]>('worker', 'ls', '--pool', 'local'))[0].status).toBe('OFFLINE');
    expect(await refused('worker', 'ls', '--pool', 'locl')).toContain("did you mean 'local'?");
  });
});
