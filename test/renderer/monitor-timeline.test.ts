import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { State, StateType } from '../../app/core/index.js';
import { flow, task } from '../../app/engine/index.js';
import { barEnd, runTimeline, timelineRows } from '../../app/renderer/monitor/model/timeline.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';
import { failing, idle } from '../engine/support.js';

describe('timeline of real runs', () => {
  let env: EngineStore;
  beforeEach(async () => (env = await useEngineStore()));
  afterEach(() => env.dispose());

  it('a flaky task that fails twice then succeeds has three attempt bars and two waits before retries', async () => {
    const flaky = task({ name: 'flaky', retries: 3, retryDelaySeconds: 0.02 }, failing(2));
    const outcome = await flow({ name: 'eventually' }, () => flaky()).run();
    expect(outcome.result).toBe(3);
    const [run] = await env.store.listTaskRuns(outcome.flowRunId);
    const states = await env.store.listStates(run.id);
    const timeline = runTimeline(states);

    expect(timeline.attempts.map((a) => [a.attempt, a.outcome, a.endedAs, a.retried, a.message ?? null])).toEqual([
      [1, 'FAILED', 'AwaitingRetry', true, 'failure 1'],
      [2, 'FAILED', 'AwaitingRetry', true, 'failure 2'],
      [3, 'COMPLETED', 'Completed', false, null],
    ]);
    expect(timeline.attempts.map((a) => a.error?.message ?? null)).toEqual(['failure 1', 'failure 2', null]);
    expect(timeline.waits.map((w) => w.reason)).toEqual(['AwaitingRetry', 'AwaitingRetry']);
    expect(timeline.bars.map((b) => b.kind)).toEqual(['attempt', 'wait', 'attempt', 'wait', 'attempt']);
    expect(timeline.finished).toBe(true);
    expect(timeline.current?.name).toBe('Completed');

    // Bars follow the recorded times: each attempt from its Running (Retrying) state to the
    // state that ended it, each wait from AwaitingRetry to the next attempt.
    const at = (name: string, nth = 0) => states.filter((s) => s.name === name)[nth];
    expect(timeline.attempts[0]).toMatchObject({ start: at('Running').timestamp, end: at('AwaitingRetry').timestamp });
    expect(timeline.attempts[1]).toMatchObject({ start: at('Retrying').timestamp, end: at('AwaitingRetry', 1).timestamp });
    expect(timeline.attempts[2]).toMatchObject({ start: at('Retrying', 1).timestamp, end: at('Completed').timestamp });
    timeline.waits.forEach((wait, i) => {
      expect(wait.start).toBe(timeline.attempts[i].end);
      expect(wait.end).toBe(timeline.attempts[i + 1].start);
      expect(wait.due).toBe(at('AwaitingRetry', i).scheduledTime);
      expect(wait.due! - wait.start).toBeGreaterThanOrEqual(19);
    });
  });

  it('a task that times out on every attempt ends with a TimedOut attempt after a retried one', async () => {
    const slow = task({ name: 'slow', retries: 1, retryDelaySeconds: 0, timeoutSeconds: 0.05 }, () => idle(5000));
    const outcome = await flow({ name: 'too-slow' }, () => slow()).run();
    expect(outcome.state.type).toBe('FAILED');
    const [run] = await env.store.listTaskRuns(outcome.flowRunId);
    const timeline = runTimeline(await env.store.listStates(run.id));
    expect(timeline.attempts.map((a) => [a.outcome, a.endedAs, a.error?.name])).toEqual([
      ['FAILED', 'AwaitingRetry', 'TimeoutError'],
      ['FAILED', 'TimedOut', 'TimeoutError'],
    ]);
    for (const attempt of timeline.attempts) expect(attempt.end! - attempt.start).toBeGreaterThanOrEqual(40);
    expect(timeline.waits).toHaveLength(1);
  });

  it('lays a mapped run out in rows by start, with the overall range; a cached run has no bar', async () => {
    const work = task({ name: 'work', cachePolicy: 'inputs' }, async (ms: number) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return ms;
    });
    const first = await flow({ name: 'rows' }, async () => {
      await work(5);
      await Promise.all(work.map([30, 10, 20]).map((f) => f.result()));
    }).run();
    const runs = await env.store.listTaskRuns(first.flowRunId);
    const statesOf = new Map(await Promise.all(runs.map(async (r) => [r.id, await env.store.listStates(r.id)] as const)));
    const now = Date.now();
    const { rows, range } = timelineRows(runs, statesOf, now);
    expect(rows).toHaveLength(4);
    // The first call ran alone before the map started.
    expect(rows[0].name).toBe('work-0');
    for (let i = 1; i < rows.length; i++) expect(rows[i].start!).toBeGreaterThanOrEqual(rows[i - 1].start!);
    expect(range).toEqual({ start: rows[0].start, end: Math.max(...rows.map((r) => r.end!)) });
    expect(range!.end).toBeLessThanOrEqual(now);

    // Run again: every call hits the cache, so the runs are Cached without an attempt.
    const second = await flow({ name: 'rows' }, async () => {
      await work(5);
    }).run();
    const [cached] = await env.store.listTaskRuns(second.flowRunId);
    expect(cached.state.name).toBe('Cached');
    const timeline = runTimeline(await env.store.listStates(cached.id));
    expect(timeline).toMatchObject({ attempts: [], waits: [], finished: true });
    const again = timelineRows([cached], new Map([[cached.id, await env.store.listStates(cached.id)]]), Date.now());
    expect(again.range).toBeNull();
    expect(again.rows.map((r) => [r.start, r.end])).toEqual([[null, null]]);
  });
});

/** A history written by hand, one state per step of 100 ms. */
function history(...steps: ([StateType, string] | [StateType, string, Partial<State>])[]): State[] {
  let attempt = 1;
  return steps.map(([type, name, extra], i) => {
    if (name === 'Retrying') attempt++;
    return { type, name, timestamp: 1_000 + i * 100, attempt, ...extra };
  });
}

describe('timeline edge cases', () => {
  it('an empty history has no bars and is not finished', () => {
    expect(runTimeline([])).toEqual({ attempts: [], waits: [], bars: [], current: null, finished: false });
  });

  it('an attempt still running has no end, and its bar reaches now', () => {
    const timeline = runTimeline(history(['PENDING', 'Pending'], ['RUNNING', 'Running']));
    expect(timeline.attempts).toEqual([{ kind: 'attempt', attempt: 1, start: 1_100, end: null, outcome: null, endedAs: null, retried: false }]);
    expect(timeline.finished).toBe(false);
    expect(barEnd(timeline.attempts[0], 5_000)).toBe(5_000);
    const { range, rows } = timelineRows(
      [{ id: 'r', name: 'r-0' }],
      new Map([['r', history(['PENDING', 'Pending'], ['RUNNING', 'Running'])]]),
      5_000,
    );
    expect(range).toEqual({ start: 1_100, end: 5_000 });
    expect(rows[0].end).toBe(5_000);
  });

  it('a run waiting to retry has an open wait with its due time', () => {
    const timeline = runTimeline(
      history(
        ['PENDING', 'Pending'],
        ['RUNNING', 'Running'],
        ['SCHEDULED', 'AwaitingRetry', { scheduledTime: 9_000, message: 'boom', error: { name: 'Error', message: 'boom' } }],
      ),
    );
    expect(timeline.attempts[0]).toMatchObject({ end: 1_200, outcome: 'FAILED', retried: true, message: 'boom' });
    expect(timeline.waits).toEqual([{ kind: 'wait', reason: 'AwaitingRetry', start: 1_200, end: null, due: 9_000 }]);
  });

  it('waiting for a retry and then for a concurrency slot is one wait, up to the retry', () => {
    const timeline = runTimeline(
      history(
        ['PENDING', 'Pending'],
        ['SCHEDULED', 'AwaitingConcurrencySlot'],
        ['RUNNING', 'Running'],
        ['SCHEDULED', 'AwaitingRetry', { scheduledTime: 1_350 }],
        ['SCHEDULED', 'AwaitingConcurrencySlot'],
        ['RUNNING', 'Retrying'],
        ['COMPLETED', 'Completed'],
      ),
    );
    expect(timeline.waits.map((w) => [w.reason, w.start, w.end])).toEqual([
      ['AwaitingConcurrencySlot', 1_100, 1_200],
      ['AwaitingRetry', 1_300, 1_500],
    ]);
    expect(timeline.attempts.map((a) => [a.attempt, a.start, a.end, a.outcome])).toEqual([
      [1, 1_200, 1_300, 'FAILED'],
      [2, 1_500, 1_600, 'COMPLETED'],
    ]);
  });

  it('a pause stays inside its attempt, and cancelling ends it when the run is Cancelled', () => {
    const timeline = runTimeline(
      history(
        ['PENDING', 'Pending'],
        ['RUNNING', 'Running'],
        ['PAUSED', 'Paused'],
        ['RUNNING', 'Running'],
        ['CANCELLING', 'Cancelling'],
        ['CANCELLED', 'Cancelled'],
      ),
    );
    expect(timeline.attempts.map((a) => [a.start, a.end, a.outcome, a.endedAs])).toEqual([[1_100, 1_500, 'CANCELLED', 'Cancelled']]);
  });

  it('a run that failed before it started (its upstream failed) has no bars', () => {
    const timeline = runTimeline(history(['PENDING', 'Pending'], ['FAILED', 'Failed', { message: 'upstream failed' }]));
    expect(timeline.bars).toEqual([]);
    expect(timeline.finished).toBe(true);
  });

  it('rows: started runs by start, ties in input order, runs not started last in input order', () => {
    const at = (start: number): State[] => [
      { type: 'PENDING', name: 'Pending', timestamp: start - 50, attempt: 1 },
      { type: 'RUNNING', name: 'Running', timestamp: start, attempt: 1 },
      { type: 'COMPLETED', name: 'Completed', timestamp: start + 100, attempt: 1 },
    ];
    const pending: State[] = [{ type: 'PENDING', name: 'Pending', timestamp: 10, attempt: 1 }];
    const runs = ['late', 'waiting', 'early', 'tie', 'unknown', 'also-early'].map((id) => ({ id, name: id }));
    const statesOf = new Map<string, State[]>([
      ['late', at(500)],
      ['waiting', pending],
      ['early', at(200)],
      ['tie', at(500)],
      ['also-early', at(200)],
    ]);
    const { rows, range } = timelineRows(runs, statesOf, 10_000);
    expect(rows.map((r) => r.taskRunId)).toEqual(['early', 'also-early', 'late', 'tie', 'waiting', 'unknown']);
    expect(range).toEqual({ start: 200, end: 600 });
  });
});
