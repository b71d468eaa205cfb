// The runs page's live list without a page: a real server on loopback over a real SQLite file,
// the real event stream over the `ws` package.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiClient, openEventStream, type FlowRunListQuery } from '../../app/core/api/index.js';
import { newId, type FlowRun, type StateType } from '../../app/core/index.js';
import { RunsList, withState, type RunsListView } from '../../app/renderer/monitor/model/runs-list.js';
import { flowRunRequest, startTestServer, type TestServer } from '../server/http/support.js';

let server: TestServer;
let lists: RunsList[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const list of lists) list.close();
  lists = [];
  expect(server.unexpected).toEqual([]);
  await server.close();
});

async function addRuns(count: number, name = 'run'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const run = flowRunRequest({ name: `${name}-${i}` });
    await server.store.createFlowRun(run);
    ids.push(run.id);
  }
  return ids;
}

async function moveTo(runId: string, type: StateType): Promise<void> {
  await server.store.setState({ kind: 'flow', runId, transitionId: newId(), state: { type, name: type.charAt(0) + type.slice(1).toLowerCase() } });
}

/** A list over the test server, and a way to wait until its view holds something. */
function follow(query: FlowRunListQuery, pageSize = 10, live = true) {
  let view: RunsListView | null = null;
  const waiters: (() => void)[] = [];
  const list = new RunsList({
    client: createApiClient({ baseUrl: server.api }),
    query,
    pageSize,
    publishEveryMs: 10,
    ...(live ? { openStream: (options) => openEventStream({ ...options, baseUrl: server.api, WebSocket, minReconnectDelayMs: 50 }) } : {}),
    onChange: (next) => {
      view = next;
      for (const wake of waiters.splice(0)) wake();
    },
  });
  lists.push(list);
  const until = async (done: (view: RunsListView) => boolean, what: string): Promise<RunsListView> => {
    const deadline = Date.now() + 20_000;
    while (!(view && done(view))) {
      if (Date.now() > deadline)
        throw new Error(`the list never showed ${what}; it shows ${JSON.stringify({ ...view, items: view?.items.map((r) => r.name) })}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return view;
  };
  return { list, until };
}

const names = (view: RunsListView) => view.items.map((run) => run.name);

describe('the live list of runs', () => {
  it('reads page after page with the cursor, without gaps or duplicates', async () => {
    const ids = await addRuns(25);
    const { list, until } = follow({ sort: 'newest' }, 10, false);
    let view = await until((v) => v.status === 'ready', 'the first page');
    expect(view.items).toHaveLength(10);
    expect(view.hasMore).toBe(true);
    while (view.hasMore) {
      const before = view.items.length;
      await list.loadMore();
      view = await until((v) => v.items.length > before || !v.hasMore, 'the next page');
    }
    expect(view.items.map((run) => run.id)).toEqual([...ids].reverse());
  });

  it('changes the state of a run it holds as the stream tells, with its times', async () => {
    const [id] = await addRuns(1);
    const { until } = follow({ sort: 'newest' });
    await until((v) => v.stream === 'open' && v.items.length === 1, 'the run, live');
    await moveTo(id, 'RUNNING');
    let view = await until((v) => v.items[0].state.type === 'RUNNING', 'Running');
    expect(view.items[0].startTime).not.toBeNull();
    await moveTo(id, 'COMPLETED');
    view = await until((v) => v.items[0].state.type === 'COMPLETED', 'Completed');
    expect(view.items[0].endTime).toBe(view.items[0].state.timestamp);
  });

  it('puts new runs on top at once while the top is in sight, and holds them above it while not', async () => {
    await addRuns(3, 'old');
    const { list, until } = follow({ sort: 'newest' });
    await until((v) => v.stream === 'open' && v.status === 'ready', 'the list, live');
    await addRuns(1, 'first-new');
    await until((v) => v.items[0]?.name === 'first-new-0', 'the new run on top');

    list.setAtTop(false);
    await addRuns(2, 'waiting');
    let view = await until((v) => v.newRuns === 2, 'two new runs waiting');
    expect(view.manyNewRuns).toBe(false);
    expect(names(view)[0]).toBe('first-new-0');
    list.showNewRuns();
    view = await until((v) => v.newRuns === 0, 'the new runs shown');
    expect(names(view).slice(0, 3)).toEqual(['waiting-1', 'waiting-0', 'first-new-0']);
  });

  it('tells of more new runs than a page, and reads the list again to show them', async () => {
    await addRuns(3, 'old');
    const { list, until } = follow({ sort: 'newest' }, 5);
    await until((v) => v.stream === 'open' && v.status === 'ready', 'the list, live');
    list.setAtTop(false);
    await addRuns(8, 'burst');
    const view = await until((v) => v.manyNewRuns, 'many new runs');
    expect(view.newRuns).toBe(5);
    list.showNewRuns();
    await until((v) => v.newRuns === 0 && names(v)[0] === 'burst-7' && v.items.length === 5, 'the top of the list read again');
  });

  it('leaves out new runs the filters do not select', async () => {
    const { until } = follow({ sort: 'newest', stateTypes: ['COMPLETED'] });
    await until((v) => v.stream === 'open' && v.status === 'ready', 'the empty list, live');
    const [pending, done] = await addRuns(2, 'new');
    await moveTo(done, 'RUNNING');
    await moveTo(done, 'COMPLETED');
    const view = await until((v) => v.items.length === 1, 'the completed run');
    expect(view.items[0].id).toBe(done);
    expect(view.items.some((run) => run.id === pending)).toBe(false);
  });

  it('oldest first, adds new runs at the end once the end is reached', async () => {
    await addRuns(12, 'old');
    const { list, until } = follow({ sort: 'oldest' }, 10);
    let view = await until((v) => v.stream === 'open' && v.status === 'ready', 'the first page, live');
    expect(names(view)[0]).toBe('old-0');
    // Not at the end yet: a new run waits to be reached by scrolling.
    await addRuns(1, 'early');
    await list.loadMore();
    view = await until((v) => !v.hasMore && v.items.length === 13, 'the end, with the new run');
    expect(names(view).slice(-3)).toEqual(['old-10', 'old-11', 'early-0']);
    // At the end: new runs join it as they come.
    await addRuns(2, 'late');
    view = await until((v) => v.items.length === 15, 'the late runs at the end');
    expect(names(view).slice(-2)).toEqual(['late-0', 'late-1']);
    expect(new Set(view.items.map((run) => run.id)).size).toBe(15);
  });

  it('says the server cannot be reached, and reads again once it can', async () => {
    await addRuns(2);
    const api = server.api;
    const port = Number(new URL(api).port);
    await server.server.close();
    const { list, until } = follow({ sort: 'newest' }, 10, false);
    const view = await until((v) => v.status === 'error', 'the error');
    expect(view.error?.unreachable).toBe(true);
    expect(view.error?.message).toContain('cannot reach');
    // The same store, served again on the same port.
    const { createServer } = await import('../../app/server/index.js');
    const again = await createServer({ store: server.store, host: '127.0.0.1', port, crashSweepIntervalMs: 0 });
    await again.listen();
    try {
      await list.reload();
      await until((v) => v.status === 'ready' && v.items.length === 2, 'the runs');
    } finally {
      await again.close();
    }
  });
});

describe('a state heard live', () => {
  it('moves a run on, with the times the store would set', () => {
    const run: FlowRun = {
      id: 'r',
      flowId: 'f',
      flowName: 'etl',
      name: 'calm-otter',
      state: { type: 'PENDING', name: 'Pending', timestamp: 100, attempt: 1 },
      parameters: {},
      tags: [],
      parentFlowRunId: null,
      parentTaskRunId: null,
      entrypoint: null,
      runCount: 0,
      retryPolicy: { retries: 0, retryDelaySeconds: [0] },
      createdAt: 100,
      startTime: null,
      endTime: null,
      heartbeatAt: null,
      pid: null,
      hostname: null,
      result: null,
      rerunOf: null,
      codeRef: null,
    };
    const running = withState(run, { type: 'RUNNING', name: 'Running', timestamp: 200, attempt: 1 });
    expect(running).toMatchObject({ startTime: 200, endTime: null, runCount: 1 });
    const failed = withState(running, { type: 'FAILED', name: 'Failed', timestamp: 500, attempt: 1 });
    expect(failed).toMatchObject({ startTime: 200, endTime: 500, state: { type: 'FAILED' } });
    // An older state heard late changes nothing.
    expect(withState(failed, { type: 'RUNNING', name: 'Running', timestamp: 300, attempt: 1 })).toBe(failed);
  });
});
