// What the Work pools pages say without a page: limits, queue order, worker health and last beats.
import { describe, expect, it } from 'vitest';
import type { Worker, WorkQueue } from '../../app/core/api/work-pools.js';
import {
  lastBeatText,
  limitText,
  queuesByPriority,
  sortPools,
  workerQueuesText,
  workersByHealth,
  workersText,
} from '../../app/renderer/work-pools/model/pool-text.js';

const NOW = Date.UTC(2031, 2, 4, 12, 0, 0);

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
