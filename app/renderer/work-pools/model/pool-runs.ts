import type { FlowRunListQuery } from '../../../core/api/flow-runs.js';
import type { FlowRunSummary } from '../../../core/runs.js';
import { formatDue } from '../../shared/relative-time.js';

/** The states of a pool's runs that wait for a worker to start them: Pending ones a worker has claimed. */
export const WAITING_STATE_NAMES = ['Scheduled', 'Late', 'AwaitingRetry', 'Pending'] as const;

/** How many waiting and how many running runs a pool's page lists; the runs list has every one. */
export const POOL_RUNS_SHOWN = 50;

/** A pool's runs as its page lists them. */
export interface PoolRuns {
  /** Soonest due first. */
  waiting: FlowRunSummary[];
  /** Longest running first. */
  running: FlowRunSummary[];
  /** Whether more runs wait than are listed. */
  moreWaiting: boolean;
  moreRunning: boolean;
}

/** The listings of a pool's waiting and running runs: the oldest first, as they are likely the soonest due. */
export function poolRunQueries(pool: string): { waiting: FlowRunListQuery; running: FlowRunListQuery } {
  return {
    waiting: { workPool: pool, stateNames: [...WAITING_STATE_NAMES], sort: 'oldest', limit: POOL_RUNS_SHOWN },
    running: { workPool: pool, stateTypes: ['RUNNING'], sort: 'oldest', limit: POOL_RUNS_SHOWN },
  };
}

/** When a waiting run is due: the time its state waits for (a retry's), else the time it was due to start. */
export function dueAt(run: FlowRunSummary): number | null {
  return run.state.scheduledTime ?? run.expectedStartTime ?? null;
}

/** When a running run started. */
export function runningSince(run: FlowRunSummary): number {
  return run.startTime ?? run.state.timestamp;
}

/** The pages of both listings as the pool's page shows them. */
export function poolRunsFrom(
  waiting: { items: FlowRunSummary[]; nextCursor: string | null },
  running: { items: FlowRunSummary[]; nextCursor: string | null },
): PoolRuns {
  const due = (run: FlowRunSummary) => dueAt(run) ?? Number.MAX_SAFE_INTEGER;
  return {
    waiting: [...waiting.items].sort((a, b) => due(a) - due(b) || a.createdAt - b.createdAt),
    running: [...running.items].sort((a, b) => runningSince(a) - runningSince(b)),
    moreWaiting: waiting.nextCursor !== null,
    moreRunning: running.nextCursor !== null,
  };
}

/** When a waiting run is due, in words: "in 3 min", "late by 40 s"; a Pending one is being started. */
export function waitText(run: FlowRunSummary, now: number): string {
  if (run.state.type === 'PENDING') return run.workerName ? `starting on ${run.workerName}` : 'starting';
  const at = dueAt(run);
  return at === null ? 'when a worker is free' : formatDue(at, now, run.state.name === 'Late');
}
