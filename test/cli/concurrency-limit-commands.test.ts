import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConcurrencyLimit } from '../../app/core/index.js';
import { openTestStore } from '../helpers/store-factory.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { cli, Seed } from './harness.js';

let temp: ReturnType<typeof makeTempHome>;

beforeEach(() => {
  temp = makeTempHome();
});

afterEach(() => {
  temp.cleanup();
});

async function limitsInStore(): Promise<ConcurrencyLimit[]> {
  const store = await openTestStore({ path: temp.dbPath });
  try {
    return store.listConcurrencyLimits();
  } finally {
    await store.close();
  }
}

describe('flowdeck concurrency-limit', () => {
  it('creates, changes, lists, inspects and deletes a limit', async () => {
    const empty = await cli(temp.home, 'concurrency-limit', 'ls');
    expect(empty.code).toBe(0);
    expect(empty.out).toContain('No concurrency limits. Create one with: flowdeck concurrency-limit create TAG LIMIT');

    const created = await cli(temp.home, 'concurrency-limit', 'create', 'api', '3');
    expect(created.code).toBe(0);
    expect(created.out).toContain("Created concurrency limit 'api': at most 3 task runs with this tag at once.");
    const changed = await cli(temp.home, 'concurrency-limit', 'create', 'api', '5');
    expect(changed.out).toContain("Changed concurrency limit 'api' from 3 to 5");
    expect(await cli(temp.home, 'concurrency-limit', 'create', 'db', '0')).toMatchObject({ code: 0 });
    expect((await limitsInStore()).map((l) => [l.tag, l.limit])).toEqual([
      ['api', 5],
      ['db', 0],
    ]);

    const listed = await cli(temp.home, 'concurrency-limit', 'ls');
    const lines = listed.out.trimEnd().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['TAG', 'LIMIT', 'ACTIVE', 'CREATED']);
    expect(lines[1]).toMatch(/^api\s+5\s+0\s+\d{4}-\d\d-\d\d /);
    expect(lines[2]).toMatch(/^db\s+0\s+0\s+/);
    const listedJson = JSON.parse((await cli(temp.home, 'concurrency-limit', 'ls', '--json')).out) as ConcurrencyLimit[];
    expect(listedJson.map((l) => l.tag)).toEqual(['api', 'db']);

    const inspected = await cli(temp.home, 'concurrency-limit', 'inspect', 'db');
    expect(inspected.code).toBe(0);
    expect(inspected.out).toMatch(/limit\s+0 \(task runs with this tag do not start\)/);
    expect(inspected.out).toMatch(/in use\s+0 of 0/);

    const deleted = await cli(temp.home, 'concurrency-limit', 'delete', 'api');
    expect(deleted.code).toBe(0);
    expect(deleted.out).toContain("Deleted concurrency limit 'api'.");
    expect((await limitsInStore()).map((l) => l.tag)).toEqual(['db']);
    const again = await cli(temp.home, 'concurrency-limit', 'delete', 'api');
    expect(again.code).toBe(2);
    expect(again.err).toContain("no concurrency limit for tag 'api'");
  });

  it('shows which task runs hold the slots of a limit', async () => {
    const store = await openTestStore({ path: temp.dbPath });
    const seed = new Seed(store);
    await store.setConcurrencyLimit('api', 2);
    const flowRunId = await seed.flowRun();
    await seed.move('flow', flowRunId, 'RUNNING', 'Running');
    const taskRunId = await seed.taskRun(flowRunId, { name: 'fetch-users', tags: ['api'] });
    await seed.move('task', taskRunId, 'RUNNING', 'Running');
    await store.close();

    const result = await cli(temp.home, 'concurrency-limit', 'inspect', 'api');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/in use\s+1 of 2/);
    expect(result.out).toContain('Task runs holding a slot (1)');
    expect(result.out).toMatch(new RegExp(`${taskRunId}\\s+fetch-users\\s+Running\\s+${flowRunId}`));

    const json = JSON.parse((await cli(temp.home, 'concurrency-limit', 'inspect', 'api', '--json')).out) as ConcurrencyLimit;
    expect(json).toMatchObject({ tag: 'api', limit: 2, activeSlots: [taskRunId] });
    const listed = await cli(temp.home, 'concurrency-limit', 'ls');
    expect(listed.out).toMatch(/api\s+2\s+1\s+/);
  });

  it('refuses a LIMIT that is not a whole number from 0 to 1000000 (what a server takes), naming it', async () => {
    for (const bad of ['abc', '2.5', '1e3', '', '1000001']) {
      const result = await cli(temp.home, 'concurrency-limit', 'create', 'api', bad);
      expect(result.code).toBe(2);
      expect(result.err).toContain(`LIMIT must be a whole number from 0 to 1000000, got '${bad}'`);
    }
    const negative = await cli(temp.home, 'concurrency-limit', 'create', 'api', '--', '-1');
    expect(negative.code).toBe(2);
    expect(negative.err).toContain("got '-1'");
    const asOption = await cli(temp.home, 'concurrency-limit', 'create', 'api', '-1');
    expect(asOption.code).toBe(2);
    expect(asOption.err).toContain("'-1'");
    expect(await limitsInStore()).toEqual([]);
  });

  it('exits 2 for an unknown tag and for missing arguments', async () => {
    const unknown = await cli(temp.home, 'concurrency-limit', 'inspect', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("no concurrency limit for tag 'nope'");
    const missing = await cli(temp.home, 'concurrency-limit', 'create', 'api');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('missing LIMIT');
  });
});
