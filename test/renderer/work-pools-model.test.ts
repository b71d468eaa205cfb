// What the Work pools pages say without a page: limits, queue order, worker health and last beats.
import { describe, expect, it } from 'vitest';
import { FlowRunListQuerySchema } from '../../app/core/api/flow-runs.js';
import type { Worker, WorkQueue } from '../../app/core/api/work-pools.js';
import type { FlowRunSummary } from '../../app/core/runs.js';
import { dueAt, poolRunQueries, poolRunsFrom, runningSince, waitText } from '../../app/renderer/work-pools/model/pool-runs.js';
import {
  lastBeatText,
  limitText,
  queuesByPriority,
  runsPerProcessText,
  sortPools,
  workerQueuesText,
  workersByHealth,
  workersText,
} from '../../app/renderer/work-pools/model/pool-text.js';

const NOW = Date.UTC(2031, 2, 4, 12, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

function queue(name: string, priority: number): WorkQueue {
  return { id: name, workPool: 'local', name, description: null, priority, concurrencyLimit: null, paused: false, createdAt: NOW };
}

function worker(name: string, status: Worker['status'], lastHeartbeatAt: number, queues: string[] = []): Worker {
  return {
    id: name,
    name,
    workPool: 'local',
    queues,
    limit: null,
    hostname: 'box',
    pid: 1,
    status,
    startedAt: NOW - 60_000,
    lastHeartbeatAt,
    activeRuns: 0,
  };
}

describe('a work pool in words', () => {
  it('says what a limit lets through', () => {
    expect(limitText(null)).toBe('no limit');
    expect(limitText(0)).toBe('0 (nothing starts)');
    expect(limitText(4)).toBe('4');
  });

  it('says whether runs share a flow process', () => {
    expect(runsPerProcessText(1)).toBe('each run in a process of its own');
    expect(runsPerProcessText(250)).toBe('up to 250 runs share one flow process');
  });

  it('lists queues in the order they are served', () => {
    expect(queuesByPriority([queue('slow', 10), queue('default', 1), queue('bulk', 10)]).map((q) => q.name)).toEqual(['default', 'bulk', 'slow']);
  });

  it('lists online workers first, the most recently heard from first', () => {
    const sorted = workersByHealth([
      worker('gone', 'OFFLINE', NOW - 60_000),
      worker('a', 'ONLINE', NOW - 3000),
      worker('b', 'ONLINE', NOW - 1000),
      worker('older', 'OFFLINE', NOW - 120_000),
    ]);
    expect(sorted.map((w) => w.name)).toEqual(['b', 'a', 'gone', 'older']);
  });

  it('says when a worker last beat and which queues it serves', () => {
    expect(lastBeatText(worker('a', 'ONLINE', NOW - 4000), NOW)).toBe('4 s ago');
    expect(lastBeatText(worker('a', 'OFFLINE', NOW - 5 * 60_000), NOW)).toBe('5 min ago');
    expect(workerQueuesText(worker('a', 'ONLINE', NOW))).toBe('all queues');
    expect(workerQueuesText(worker('a', 'ONLINE', NOW, ['fast', 'default']))).toBe('fast, default');
  });

  it('counts the workers online', () => {
    expect(workersText({ workers: [] })).toBe('no workers');
    expect(workersText({ workers: [worker('a', 'ONLINE', NOW), worker('b', 'OFFLINE', NOW - 60_000)] })).toBe('1 online of 2');
  });

  it('lists pools by name', () => {
    expect(sortPools([{ name: 'remote' }, { name: 'local' }]).map((p) => p.name)).toEqual(['local', 'remote']);
  });
});

describe("a pool's waiting and running runs", () => {
  function poolRun(id: string, state: FlowRunSummary['state'], overrides: Partial<FlowRunSummary> = {}): FlowRunSummary {
    return {
      id,
      flowId: 'f',
      flowName: 'etl',
      name: `run-${id}`,
      state,
      tags: [],
      parentFlowRunId: null,
      parentTaskRunId: null,
      entrypoint: null,
      runCount: 0,
      retryPolicy: { retries: 0, retryDelaySeconds: [0] },
      createdAt: NOW - 60 * MINUTE,
      startTime: null,
      endTime: null,
      heartbeatAt: null,
      pid: null,
      hostname: null,
      result: null,
      rerunOf: null,
      codeRef: null,
      deploymentId: 'd1',
      deploymentName: 'etl/nightly',
      workPool: 'gpu',
      workQueue: 'default',
      workerName: null,
      expectedStartTime: null,
      ...overrides,
    };
  }
  const scheduled = (at: number) => ({ type: 'SCHEDULED' as const, name: 'Scheduled', timestamp: NOW - HOUR, attempt: 0, scheduledTime: at });

  it("asks the API for the pool's waiting states and its running runs, which it takes", () => {
    const { waiting, running } = poolRunQueries('gpu');
    expect(waiting).toMatchObject({ workPool: 'gpu', stateNames: ['Scheduled', 'Late', 'AwaitingRetry', 'Pending'] });
    expect(running).toMatchObject({ workPool: 'gpu', stateTypes: ['RUNNING'] });
    for (const query of [waiting, running]) expect(FlowRunListQuerySchema.safeParse(query).success).toBe(true);
  });

  it('lists waiting runs soonest due first, and running runs longest running first', () => {
    const later = poolRun('later', scheduled(NOW + 5 * MINUTE), { createdAt: NOW - 2 * HOUR });
    const sooner = poolRun('sooner', scheduled(NOW + MINUTE));
    const retry = poolRun('retry', { type: 'SCHEDULED', name: 'AwaitingRetry', timestamp: NOW, attempt: 1, scheduledTime: NOW + 30 * SECOND });
    const long = poolRun('long', { type: 'RUNNING', name: 'Running', timestamp: NOW - HOUR, attempt: 1 }, { startTime: NOW - HOUR });
    const short = poolRun('short', { type: 'RUNNING', name: 'Retrying', timestamp: NOW - MINUTE, attempt: 2 }, { startTime: NOW - 2 * MINUTE });
    const runs = poolRunsFrom({ items: [later, sooner, retry], nextCursor: 'more' }, { items: [short, long], nextCursor: null });
    expect(runs.waiting.map((run) => run.id)).toEqual(['retry', 'sooner', 'later']);
    expect(runs.running.map((run) => run.id)).toEqual(['long', 'short']);
    expect([runs.moreWaiting, runs.moreRunning]).toEqual([true, false]);
    expect(runningSince(short)).toBe(NOW - 2 * MINUTE);
  });

  it('says when each waiting run is due, or which worker starts it', () => {
    expect(waitText(poolRun('a', scheduled(NOW + 3 * MINUTE)), NOW)).toBe('in 3 min');
    expect(waitText(poolRun('b', { ...scheduled(NOW - 40 * SECOND), name: 'Late' }), NOW)).toBe('late by 40 s');
    expect(
      waitText(poolRun('c', { type: 'SCHEDULED', name: 'Scheduled', timestamp: NOW, attempt: 0 }, { expectedStartTime: NOW + 10 * SECOND }), NOW),
    ).toBe('in 10 s');
    expect(dueAt(poolRun('d', { type: 'PENDING', name: 'Pending', timestamp: NOW, attempt: 0 }, { expectedStartTime: NOW }))).toBe(NOW);
    expect(waitText(poolRun('e', { type: 'PENDING', name: 'Pending', timestamp: NOW, attempt: 0 }, { workerName: 'w1' }), NOW)).toBe(
      'starting on w1',
    );
  });
});
