// The text search and the order of the flow-run listing, against a real server over a real
// SQLite file: every answer is checked against the seeded runs filtered and sorted in plain code.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient, type FlowRunListQuery } from '../../../app/core/api/index.js';
import { newId, type FlowRun, type StateType } from '../../../app/core/index.js';
import { MIGRATIONS } from '../../../app/server/store/index.js';
import { flowRunPageQuery, textCandidates, trigramMatch, type FlowRunPageFilter } from '../../../app/server/store/flow-run-page-query.js';
import { flowRunSummaryFromRow, type FlowRunRow } from '../../../app/server/store/rows.js';
import { openTestStore, sqliteOf } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import { call, flowRunRequest, startTestServer, walkFlowRuns, type TestServer } from './support.js';

const BASE = Date.UTC(2031, 5, 1);
const FLOWS = ['etl', 'Nightly-Report', 'sync'];
const STATES: StateType[] = ['COMPLETED', 'FAILED', 'RUNNING'];
/** Names chosen so searches hit runs by name, by flow name, by both, and by odd characters. */
const NAMES = ['calm-otter', 'brisk-OTTER', 'swift-heron', 'report-2031-06', 'load_100%', 'a\\b-run', 'Café-run', 'ÉTÉ-run', 'x'];
const RUNS = 240;

let server: TestServer;
let client: ApiClient;
let clock = BASE;
/** Every seeded run, newest first, ties by id, as the listing orders them. */
let newestFirst: FlowRun[];

beforeAll(async () => {
  server = await startTestServer({ store: { now: () => clock } });
  client = createApiClient({ baseUrl: server.api });
  for (let i = 0; i < RUNS; i++) {
    // Five runs share each millisecond, so page boundaries fall inside ties.
    clock = BASE + Math.floor(i / 5) * 1000;
    const request = flowRunRequest({ flowName: FLOWS[i % 3], name: NAMES[i % NAMES.length], tags: i % 4 === 0 ? ['prod'] : [] });
    await server.store.createFlowRun(request);
    const target = STATES[i % 3];
    if (target !== 'RUNNING')
      await server.store.setState({ kind: 'flow', runId: request.id, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } });
    await server.store.setState({
      kind: 'flow',
      runId: request.id,
      transitionId: newId(),
      state: { type: target, name: target[0] + target.slice(1).toLowerCase() },
    });
  }
  newestFirst = (await server.store.listFlowRuns({ limit: 10_000 })).sort(
    (a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
});
afterAll(async () => {
  expect(server.unexpected).toEqual([]);
  await server.close();
});

/** What "contains, ignoring the case of ASCII letters" means, in plain code. */
function contains(haystack: string, needle: string): boolean {
  const fold = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return fold(haystack).includes(fold(needle));
}
const holds = (text: string) => (run: FlowRun) => contains(run.name, text) || contains(run.flowName, text);

describe('searching flow runs by text', () => {
  const searches: [string, string][] = [
    ['a part of run names', 'otter'],
    ['the same in other ASCII case', 'OtTeR'],
    ['a part of a flow name only', 'night'],
    ['text in run names and flow names', 'report'],
    ['LIKE wildcards taken literally', '100%'],
    ['an underscore taken literally', 'd_1'],
    ['a backslash', 'a\\b'],
    ['accented letters as written', 'Café'],
    ['one character', 'x'],
    ['two characters', 'ca'],
    ['text no run holds', 'zebra'],
    ['text with FTS syntax in it', '"report" AND'],
  ];
  it.each(searches)('finds %s, paged without gaps or duplicates', async (_name, q) => {
    const want = newestFirst.filter(holds(q)).map((run) => run.id);
    expect(await walkFlowRuns(client, { q }, 7)).toEqual(want);
  });

  it('folds the case of ASCII letters only, as SQLite does', async () => {
    // "ÉTÉ" is stored in capitals; lower-case accented letters are other characters to SQLite.
    expect(await walkFlowRuns(client, { q: 'été' }, 50)).toEqual([]);
    expect((await walkFlowRuns(client, { q: 'ÉTÉ' }, 50)).length).toBe(newestFirst.filter((run) => run.name === 'ÉTÉ-run').length);
  });

  it('ignores spaces around the text', async () => {
    expect(await walkFlowRuns(client, { q: '  otter ' }, 50)).toEqual(newestFirst.filter(holds('otter')).map((run) => run.id));
  });

  const combined: [string, FlowRunListQuery, (run: FlowRun) => boolean][] = [
    ['a state type', { q: 'otter', stateTypes: ['FAILED'] }, (r) => r.state.type === 'FAILED'],
    ['several state types', { q: 'run', stateTypes: ['FAILED', 'RUNNING'] }, (r) => r.state.type !== 'COMPLETED'],
    ['a flow', { q: 'otter', flowName: 'etl' }, (r) => r.flowName === 'etl'],
    ['a tag', { q: 'report', tags: ['prod'] }, (r) => r.tags.includes('prod')],
    [
      'a time range',
      { q: 'e', createdAfter: BASE + 10_000, createdBefore: BASE + 30_000 },
      (r) => r.createdAt >= BASE + 10_000 && r.createdAt <= BASE + 30_000,
    ],
  ];
  it.each(combined)('with %s, keeps only runs matching both', async (_name, query, keep) => {
    const want = newestFirst.filter((run) => holds(query.q!)(run) && keep(run)).map((run) => run.id);
    expect(want.length).toBeGreaterThan(0);
    expect(await walkFlowRuns(client, query, 4)).toEqual(want);
  });
});

describe('sorting flow runs', () => {
  it('lists oldest first, the exact reverse of newest first, across ties', async () => {
    expect(await walkFlowRuns(client, { sort: 'oldest' }, 9)).toEqual([...newestFirst].reverse().map((run) => run.id));
    expect(await walkFlowRuns(client, { sort: 'newest' }, 9)).toEqual(newestFirst.map((run) => run.id));
  });

  const filters: [string, FlowRunListQuery, (run: FlowRun) => boolean][] = [
    ['several state types', { stateTypes: ['FAILED', 'RUNNING'] }, (r) => r.state.type !== 'COMPLETED'],
    ['a tag and a flow', { tags: ['prod'], flowName: 'etl' }, (r) => r.tags.includes('prod') && r.flowName === 'etl'],
    ['text', { q: 'OTTER' }, holds('otter')],
    ['text few runs hold and a state', { q: 'café', stateTypes: ['COMPLETED'] }, (r) => holds('café')(r) && r.state.type === 'COMPLETED'],
    ['a time range', { createdAfter: BASE + 5000, createdBefore: BASE + 20_000 }, (r) => r.createdAt >= BASE + 5000 && r.createdAt <= BASE + 20_000],
  ];
  it.each(filters)('lists oldest first with %s', async (_name, query, keep) => {
    const want = [...newestFirst]
      .reverse()
      .filter(keep)
      .map((run) => run.id);
    expect(want.length).toBeGreaterThan(0);
    expect(await walkFlowRuns(client, { ...query, sort: 'oldest' }, 5)).toEqual(want);
  });

  it('refuses a cursor given with the other order, naming the cursor', async () => {
    const newest = await client.listFlowRuns({ query: { limit: 3 } });
    const oldest = await client.listFlowRuns({ query: { limit: 3, sort: 'oldest' } });
    for (const [cursor, sort] of [
      [newest.nextCursor!, 'oldest'],
      [oldest.nextCursor!, 'newest'],
    ]) {
      const answer = await call(`${server.api}/flow-runs?sort=${sort}&cursor=${cursor}`);
      expect(answer.status).toBe(400);
      expect(answer.json.message).toMatch(/^query\.cursor: this cursor continues a listing sorted '(newest|oldest)'/);
    }
  });
});

describe('bad text and sort values', () => {
  const bad: [string, string, RegExp][] = [
    ['q', '', /^query\.q: /],
    ['q', '   ', /^query\.q: /],
    ['q', 'x'.repeat(201), /^query\.q: /],
    ['q', 'a\u0000b', /^query\.q: must not contain the NUL character/],
    ['sort', 'name', /^query\.sort: /],
    ['sort', 'NEWEST', /^query\.sort: /],
    ['sort', 'duration', /^query\.sort: /],
  ];
  it.each(bad)('refuses %s=%j with a 400 naming the field', async (key, value, message) => {
    const answer = await call(`${server.api}/flow-runs?${new URLSearchParams([[key, value]]).toString()}`);
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(message);
  });

  it('takes text of the longest length allowed', async () => {
    const answer = await call(`${server.api}/flow-runs?q=${'x'.repeat(200)}`);
    expect(answer.status).toBe(200);
    expect(answer.json.items).toEqual([]);
  });
});

describe('how a text search finds its runs', () => {
  /** Every page of a filter through the store's SQL, with or without the trigram candidates. */
  function pages(filter: Omit<FlowRunPageFilter, 'limit'>, useCandidates: boolean): string[] {
    const db = sqliteOf(server.store).database;
    const ids: string[] = [];
    let after: FlowRunPageFilter['after'];
    for (;;) {
      const page: FlowRunPageFilter = { ...filter, after, limit: 6 };
      const candidates = useCandidates ? textCandidates(db, filter.text!) : null;
      if (useCandidates) expect(candidates).not.toBeNull();
      const query = flowRunPageQuery(page, 7, candidates);
      const rows = db
        .prepare<unknown[], FlowRunRow>(query.text)
        .all(...query.params)
        .map(flowRunSummaryFromRow);
      ids.push(...rows.slice(0, 6).map((run) => run.id));
      if (rows.length <= 6) return ids;
      after = { createdAt: rows[5].createdAt, id: rows[5].id };
    }
  }

  // The walk checks the text on every run it passes; the candidates come from the trigram index
  // and the flows table. Whichever a page takes (it depends on how many runs hold the text), the
  // pages must be the same.
  const filters: Omit<FlowRunPageFilter, 'limit'>[] = [
    { text: 'otter' },
    { text: 'OTTER', sort: 'oldest' },
    { text: 'report' },
    { text: 'night', stateTypes: ['FAILED', 'COMPLETED'] },
    { text: 'run', tags: ['prod'], flowName: 'etl' },
    { text: '100%', createdAfter: BASE + 10_000 },
    { text: 'Café' },
    { text: 'zebra' },
  ];
  it.each(filters)('%j: the walk and the candidates give the same pages', (filter) => {
    const walked = pages(filter, false);
    expect(pages(filter, true)).toEqual(walked);
    const sort = filter.sort === 'oldest' ? [...newestFirst].reverse() : newestFirst;
    const keep = (run: FlowRun) =>
      holds(filter.text!)(run) &&
      (!filter.stateTypes || filter.stateTypes.includes(run.state.type)) &&
      (!filter.tags || filter.tags.every((tag) => run.tags.includes(tag))) &&
      (!filter.flowName || run.flowName === filter.flowName) &&
      (filter.createdAfter === undefined || run.createdAt >= filter.createdAfter);
    expect(walked).toEqual(sort.filter(keep).map((run) => run.id));
  });

  it('counts the runs of flows whose names hold the text among the candidates', () => {
    const candidates = textCandidates(sqliteOf(server.store).database, 'nightly-rep');
    expect(candidates).toEqual({ match: trigramMatch('nightly-rep'), flowNames: ['Nightly-Report'] });
  });

  it('walks for text too short for trigrams', () => {
    expect(trigramMatch('ab')).toBeNull();
    expect(textCandidates(sqliteOf(server.store).database, 'ab')).toBeNull();
  });

  // Neither way may read the whole table: the candidates are looked up by rowid, the walk goes
  // down an index.
  const after = { createdAt: BASE, id: 'x' };
  const planned: [string, Omit<FlowRunPageFilter, 'limit'>, boolean][] = [
    ['candidates', { text: 'otter' }, true],
    ['candidates with filters', { text: 'otter', stateTypes: ['FAILED', 'RUNNING'], tags: ['prod'], flowName: 'etl', sort: 'oldest' }, true],
    ['candidates with a matching flow', { text: 'nightly' }, true],
    ['a walk', { text: 'otter' }, false],
    ['a walk, oldest first', { text: 'otter', sort: 'oldest' }, false],
    ['a walk of several states, oldest first', { stateTypes: ['FAILED', 'RUNNING'], sort: 'oldest' }, false],
    ['a walk of tags, oldest first', { tags: ['prod'], sort: 'oldest' }, false],
  ];
  it.each(planned)('%s: reads runs through an index', (_name, filter, useCandidates) => {
    const db = sqliteOf(server.store).database;
    const page = { ...filter, after, limit: 50 };
    const query = flowRunPageQuery(page, 51, useCandidates ? textCandidates(db, filter.text!) : null);
    const plan = db
      .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${query.text}`)
      .all(...query.params)
      .map((row) => row.detail);
    const runSteps = plan.filter((step) => /^(SCAN|SEARCH) ([rkt]|flow_runs)\b/.test(step));
    expect(runSteps.length).toBeGreaterThan(0);
    for (const step of runSteps) {
      expect(step, plan.join('\n')).toMatch(/^SEARCH ([rkt]|flow_runs) (EXISTS )?USING (COVERING )?(INDEX|PRIMARY KEY|INTEGER PRIMARY KEY)/);
    }
    if (useCandidates) expect(plan.join('\n')).toContain('VIRTUAL TABLE');
    else if (!filter.stateTypes || filter.stateTypes.length <= 1) expect(plan.join('\n')).not.toContain('TEMP B-TREE');
  });
});

describe('the search index', () => {
  it('a database from before it gets it filled with the names of its runs', async () => {
    const temp = makeTempHome();
    try {
      const old = new Database(temp.dbPath);
      for (const migration of MIGRATIONS.slice(0, 3)) old.exec(migration.sql);
      old.pragma('user_version = 3');
      for (const [id, name] of [
        ['run-1', 'vintage-otter'],
        ['run-2', 'plain'],
      ]) {
        const stateId = old
          .prepare(`INSERT INTO states (run_id, run_kind, type, name, timestamp, attempt) VALUES (?, 'flow', 'COMPLETED', 'Completed', 5, 1)`)
          .run(id).lastInsertRowid;
        old
          .prepare(
            `INSERT INTO flow_runs (id, flow_id, flow_name, name, state_type, state_name, state_id, parameters, tags, retry_policy, created_at)
             VALUES (?, 'f', 'etl', ?, 'COMPLETED', 'Completed', ?, '{}', '[]', '{"retries":0,"retryDelaySeconds":[0]}', 5)`,
          )
          .run(id, name, stateId);
      }
      old.close();
      const store = await openTestStore({ path: temp.dbPath, sweepOnOpen: false });
      // The search index is SQLite's own (an FTS5 table filled by a migration).
      const db = sqliteOf(store).database;
      try {
        expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
        expect(textCandidates(db, 'vintage')).not.toBeNull();
        expect((await store.listFlowRunPage({ text: 'VINTAGE', limit: 10 })).items.map((run) => run.id)).toEqual(['run-1']);
        // Runs added afterwards are indexed as they are created, and forgotten when deleted.
        await store.createFlowRun(flowRunRequest({ name: 'vintage-heron' }));
        expect((await store.listFlowRunPage({ text: 'vintage', limit: 10 })).items.map((run) => run.name)).toEqual([
          'vintage-heron',
          'vintage-otter',
        ]);
        db.prepare(`DELETE FROM flow_runs WHERE id = 'run-1'`).run();
        const match = trigramMatch('vintage-otter')!;
        expect(db.prepare('SELECT count(*) AS n FROM flow_run_search WHERE flow_run_search MATCH ?').get(match)).toEqual({ n: 0 });
      } finally {
        await store.close();
      }
    } finally {
      temp.cleanup();
    }
  });
});
