import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient, type FlowRunListQuery } from '../../../app/core/api/index.js';
import { newId, type FlowRun, type StateType } from '../../../app/core/index.js';
import { flowRunPageQuery, type FlowRunPageFilter } from '../../../app/server/store/run-reads.js';
import { sqliteOf } from '../../helpers/store-factory.js';
import { call, flowRunRequest, startTestServer, walkFlowRuns, type TestServer } from './support.js';

const RUNS = 250;
const BASE = Date.UTC(2030, 0, 1);
const FLOWS = ['etl', 'report', 'sync'];
const STATES: StateType[] = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED'];

let server: TestServer;
let client: ApiClient;
let clock = BASE;
/** Every seeded run, in the order the API lists them: newest first, ties broken by id. */
let expected: FlowRun[];

/**
 * 250 runs over three flows and four states, with tags and a few children. Runs are created in
 * groups of seven sharing one millisecond, so page boundaries fall between runs of equal time.
 */
beforeAll(async () => {
  server = await startTestServer({ store: { now: () => clock } });
  client = createApiClient({ baseUrl: server.api });
  let parentId: string | null = null;
  for (let i = 0; i < RUNS; i++) {
    clock = BASE + Math.floor(i / 7) * 1000;
    const tags = [...(i % 2 ? ['prod'] : []), ...(i % 5 === 0 ? ['nightly'] : []), ...(i % 11 === 0 ? ['has,comma'] : [])];
    const request = flowRunRequest({ flowName: FLOWS[i % 3], tags, parentFlowRunId: i >= 200 && i < 212 ? parentId : null });
    if (i === 199) parentId = request.id;
    await server.store.createFlowRun(request);
    const target = STATES[i % 4];
    if (target !== 'PENDING')
      await server.store.setState({ kind: 'flow', runId: request.id, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } });
    if (target === 'COMPLETED' || target === 'FAILED') {
      await server.store.setState({
        kind: 'flow',
        runId: request.id,
        transitionId: newId(),
        state: { type: target, name: target === 'FAILED' ? 'Failed' : 'Completed' },
      });
    }
  }
  expected = (await server.store.listFlowRuns({ limit: 10_000 })).sort(
    (a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
});
afterAll(async () => {
  expect(server.unexpected).toEqual([]);
  await server.close();
});

describe('flow-run pages', () => {
  it('walks every run exactly once, newest first, across ties in creation time', async () => {
    const ids = await walkFlowRuns(client, {}, 40);
    expect(ids).toHaveLength(RUNS);
    expect(new Set(ids).size).toBe(RUNS);
    expect(ids).toEqual(expected.map((run) => run.id));
  });

  it('gives 50 runs by default and at most 200', async () => {
    const page = await client.listFlowRuns();
    expect(page.items).toHaveLength(50);
    const big = await client.listFlowRuns({ query: { limit: 200 } });
    expect(big.items).toHaveLength(200);
    const tooBig = await call(`${server.api}/flow-runs?limit=201`);
    expect(tooBig.status).toBe(400);
    expect(tooBig.json.message).toMatch(/^query\.limit: /);
  });

  const filters: [string, FlowRunListQuery, (run: FlowRun) => boolean][] = [
    ['a flow', { flowName: 'report' }, (r) => r.flowName === 'report'],
    ['one state type', { stateTypes: ['FAILED'] }, (r) => r.state.type === 'FAILED'],
    ['several state types', { stateTypes: ['PENDING', 'COMPLETED'] }, (r) => r.state.type === 'PENDING' || r.state.type === 'COMPLETED'],
    ['a tag', { tags: ['nightly'] }, (r) => r.tags.includes('nightly')],
    ['every one of several tags', { tags: ['prod', 'nightly'] }, (r) => r.tags.includes('prod') && r.tags.includes('nightly')],
    ['a tag with a comma', { tags: ['has,comma'] }, (r) => r.tags.includes('has,comma')],
    [
      'a time range, both ends included',
      { createdAfter: BASE + 5000, createdBefore: BASE + 20_000 },
      (r) => r.createdAt >= BASE + 5000 && r.createdAt <= BASE + 20_000,
    ],
    [
      'a flow and several states',
      { flowName: 'etl', stateTypes: ['RUNNING', 'FAILED'] },
      (r) => r.flowName === 'etl' && (r.state.type === 'RUNNING' || r.state.type === 'FAILED'),
    ],
    [
      'a tag, a flow and a time range',
      { tags: ['prod'], flowName: 'sync', createdAfter: BASE + 10_000 },
      (r) => r.tags.includes('prod') && r.flowName === 'sync' && r.createdAt >= BASE + 10_000,
    ],
    ['a flow no run has', { flowName: 'nope' }, () => false],
  ];
  it.each(filters)('filters by %s, paged without gaps or duplicates', async (_name, query, keep) => {
    const want = expected.filter(keep).map((run) => run.id);
    expect(await walkFlowRuns(client, query, 7)).toEqual(want);
  });

  it('finds the children of a parent run', async () => {
    const parent = expected.find((run) => expected.some((child) => child.parentFlowRunId === run.id))!;
    const ids = await walkFlowRuns(client, { parentFlowRunId: parent.id }, 5);
    expect(ids).toEqual(expected.filter((run) => run.parentFlowRunId === parent.id).map((run) => run.id));
    expect(ids).toHaveLength(12);
  });

  it('takes state types and tags as repeated query keys', async () => {
    const answer = await call(`${server.api}/flow-runs?stateTypes=FAILED&stateTypes=RUNNING&tags=prod&limit=200`);
    expect(answer.status).toBe(200);
    const want = expected.filter((r) => (r.state.type === 'FAILED' || r.state.type === 'RUNNING') && r.tags.includes('prod'));
    expect(answer.json.items.map((r: FlowRun) => r.id)).toEqual(want.map((r) => r.id));
  });

  it('keeps its place while newer runs are added', async () => {
    const first = await client.listFlowRuns({ query: { limit: 100 } });
    clock = BASE + 10_000_000;
    const newer = flowRunRequest();
    await server.store.createFlowRun(newer);
    const rest = await walkFlowRuns(client, { cursor: first.nextCursor! }, 100);
    expect([...first.items.map((r) => r.id), ...rest]).toEqual(expected.map((r) => r.id));
    expect((await client.listFlowRuns({ query: { limit: 1 } })).items[0].id).toBe(newer.id);
  });

  it('refuses a cursor it did not give out', async () => {
    for (const cursor of ['nonsense', Buffer.from('[1]').toString('base64url'), Buffer.from('["x","y"]').toString('base64url')]) {
      const answer = await call(`${server.api}/flow-runs?cursor=${cursor}`);
      expect(answer.status).toBe(400);
      expect(answer.json.message).toMatch(/^query\.cursor: /);
    }
  });
});

describe('flow-run page queries', () => {
  // A page must be a walk down one index from the cursor, never a scan of the table or a sort of
  // every match: that is what keeps it fast with a million runs.
  const after = { createdAt: BASE, id: 'x' };
  const cases: Omit<FlowRunPageFilter, 'limit'>[] = [
    {},
    { flowName: 'etl' },
    { stateTypes: ['FAILED'] },
    { stateTypes: ['FAILED', 'CRASHED', 'CANCELLED'] },
    { flowName: 'etl', stateTypes: ['FAILED'] },
    { flowName: 'etl', stateTypes: ['FAILED', 'RUNNING'] },
    { tags: ['prod'] },
    { tags: ['prod', 'nightly'], stateTypes: ['FAILED', 'RUNNING'], flowName: 'etl' },
    { parentFlowRunId: 'p' },
    { createdAfter: 1, createdBefore: 2 },
    { flowName: 'etl', createdAfter: 1 },
    { deploymentId: 'd' },
    { stateNames: ['Late'] },
    { deploymentId: 'd', stateNames: ['Late', 'Scheduled'] },
    { stateTypes: ['RUNNING'], stateNames: ['Late'] },
  ];
  it.each(cases)('%j walks an index', (filter) => {
    const query = flowRunPageQuery({ ...filter, after, limit: 50 }, 51);
    const plan = sqliteOf(server.store)
      .database.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${query.text}`)
      .all(...query.params)
      .map((row) => row.detail);
    const runSteps = plan.filter((step) => /^(SCAN|SEARCH) [rkt]\b/.test(step));
    expect(runSteps.length).toBeGreaterThan(0);
    for (const step of runSteps) expect(step, plan.join('\n')).toMatch(/^SEARCH [rkt] (EXISTS )?USING (COVERING )?(INDEX|PRIMARY KEY)/);
    // Merging the walks of several state types sorts at most one page from each.
    if ((filter.stateTypes?.length ?? 0) <= 1 || filter.tags) expect(plan.join('\n')).not.toContain('TEMP B-TREE');
  });
});
