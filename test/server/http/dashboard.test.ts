// The dashboard's figures, from runs created at known times on a real store behind a real server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../../app/core/api/index.js';
import { newId, type StateType } from '../../../app/core/index.js';
import { call, flowRunRequest, startTestServer, type TestServer } from './support.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

let clock = NOW;
let server: TestServer;
let client: ApiClient;
beforeEach(async () => {
  clock = NOW;
  server = await startTestServer({ store: { now: () => clock } });
  client = createApiClient({ baseUrl: server.api });
});
afterEach(async () => {
  expect(server.unexpected).toEqual([]);
  await server.close();
});

/** A run of `flowName` created `hoursAgo` before NOW, left in a state of `type`. */
async function runAt(flowName: string, hoursAgo: number, type: StateType): Promise<string> {
  clock = NOW - hoursAgo * HOUR;
  const run = flowRunRequest({ flowName, name: `${flowName}-${hoursAgo}` });
  await server.store.createFlowRun(run);
  if (type !== 'PENDING') {
    const path: StateType[] = type === 'RUNNING' ? ['RUNNING'] : ['RUNNING', type];
    for (const next of path) {
      await server.store.setState({
        kind: 'flow',
        runId: run.id,
        transitionId: newId(),
        state: { type: next, name: next.charAt(0) + next.slice(1).toLowerCase() },
        force: true,
      });
    }
  }
  clock = NOW;
  return run.id;
}

describe('the dashboard', () => {
  it('counts runs by slice of time and state, per flow, and lists what runs now and what failed', async () => {
    await runAt('etl', 0.5, 'COMPLETED');
    await runAt('etl', 1.5, 'COMPLETED');
    const failed = await runAt('etl', 2.5, 'FAILED');
    await runAt('report', 3.5, 'COMPLETED');
    const running = await runAt('report', 0.2, 'RUNNING');
    await runAt('report', 30, 'FAILED'); // outside the last 24 hours

    const board = await client.getDashboard({ query: { hours: 24, buckets: 24 } });
    expect(board.until).toBe(NOW);
    expect(board.bucketMs).toBe(HOUR);
    expect(board.buckets).toHaveLength(24);
    const last = (n: number) => board.buckets[board.buckets.length - n].counts;
    expect(last(1)).toMatchObject({ COMPLETED: 1, RUNNING: 1 });
    expect(last(2)).toMatchObject({ COMPLETED: 1 });
    expect(last(3)).toMatchObject({ FAILED: 1 });
    expect(last(4)).toMatchObject({ COMPLETED: 1 });
    expect(board.totals).toMatchObject({ COMPLETED: 3, FAILED: 1, RUNNING: 1, CRASHED: 0 });

    expect(board.running.map((r) => r.id)).toEqual([running]);
    expect(board.recentFailures.map((r) => r.id)).toEqual([failed]);
    expect(board.flows).toEqual([
      { flowName: 'etl', runs: 3, completed: 2, failed: 1, successRate: 2 / 3 },
      { flowName: 'report', runs: 2, completed: 1, failed: 0, successRate: 1 },
    ]);

    const week = await client.getDashboard({ query: { hours: 168, buckets: 7 } });
    expect(week.totals.FAILED).toBe(2);
    expect(week.flows.find((f) => f.flowName === 'report')).toMatchObject({ runs: 3, successRate: 0.5 });
  });

  it('answers an empty store with zeros, and refuses a span it does not offer', async () => {
    const board = await client.getDashboard();
    expect(board.buckets.every((b) => Object.values(b.counts).every((n) => n === 0))).toBe(true);
    expect([board.running, board.recentFailures, board.flows]).toEqual([[], [], []]);
    const tooLong = await call(`${server.api}/dashboard?hours=10000`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.message).toMatch(/hours/);
  });
});
