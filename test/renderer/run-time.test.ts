// A run's run time is the time it spent running, as Prefect's total_run_time: the waits between
// retries are not in it. The CLI and the run page both take it from the run's state history.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { elapsedTime, runTime, type State } from '../../app/core/index.js';
import { flow, task } from '../../app/engine/index.js';
import { runTimeline } from '../../app/renderer/monitor/model/timeline.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';

describe('run time over a real run', () => {
  let env: EngineStore;
  beforeEach(async () => (env = await useEngineStore()));
  afterEach(() => env.dispose());

  it("sums a retried task's attempts and leaves out the waits between them", async () => {
    let calls = 0;
    const flaky = task({ name: 'flaky', retries: 2, retryDelaySeconds: 0.2 }, () => {
      if (++calls < 3) throw new Error(`failure ${calls}`);
      return calls;
    });
    const outcome = await flow({ name: 'timed' }, async () => flaky()).run();
    expect(outcome.result).toBe(3);
    const taskRun = (await env.store.listTaskRuns(outcome.flowRunId))[0];
    const states = await env.store.listStates(taskRun.id);
    const ran = runTime(states, Date.now())!;
    // The same time as the timeline's attempt bars add up to.
    const bars = runTimeline(states).attempts;
    expect(bars).toHaveLength(3);
    expect(ran).toBe(bars.reduce((sum, bar) => sum + (bar.end! - bar.start), 0));
    // Two waits of at least 200 ms each are in the elapsed time only.
    expect(elapsedTime(taskRun, Date.now())! - ran).toBeGreaterThanOrEqual(400);
    // A finished run's times do not grow.
    expect(runTime(states, Date.now() + 60_000)).toBe(ran);
  });
});

describe('run time from a history', () => {
  const at = (type: State['type'], name: string, timestamp: number): State => ({ type, name, timestamp, attempt: 1 });

  it('counts a run running now up to now, leaves out a pause, and is null for a run that never ran', () => {
    const paused = [
      at('PENDING', 'Pending', 0),
      at('RUNNING', 'Running', 10),
      at('PAUSED', 'Paused', 40),
      at('RUNNING', 'Running', 1000),
      at('COMPLETED', 'Completed', 1005),
    ];
    expect(runTime(paused, 5000)).toBe(35);
    expect(runTime([at('PENDING', 'Pending', 0), at('RUNNING', 'Running', 100)], 350)).toBe(250);
    expect(runTime([at('SCHEDULED', 'Scheduled', 0), at('COMPLETED', 'Cached', 5)], 10)).toBeNull();
    expect(runTime([], 10)).toBeNull();
    expect(elapsedTime({ startTime: 10, endTime: null }, 70)).toBe(60);
    expect(elapsedTime({ startTime: null, endTime: null }, 70)).toBeNull();
  });
});
