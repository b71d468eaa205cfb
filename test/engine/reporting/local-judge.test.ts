import { describe, expect, it } from 'vitest';
import { newId, type CreateTaskRun } from '../../../app/core/index.js';
import { LocalJudge } from '../../../app/engine/reporting/local-judge.js';

const FLOW = 'flow-1';

function created(judge: LocalJudge, overrides: Partial<CreateTaskRun> = {}): string {
  const id = newId();
  judge.created(
    {
      id,
      flowRunId: FLOW,
      taskKey: 'k',
      name: 'k-0',
      dynamicKey: 0,
      tags: [],
      retryPolicy: { retries: 0, retryDelaySeconds: [0] },
      state: { type: 'PENDING', name: 'Pending' },
      transitionId: newId(),
      ...overrides,
    },
    1_000,
  );
  return id;
}

function start(judge: LocalJudge, runId: string, extra: { cacheKey?: string } = {}) {
  return judge.judge({ kind: 'task', runId, transitionId: 'start-1', state: { type: 'RUNNING', name: 'Running', ...extra } }, 2_000);
}

describe('LocalJudge', () => {
  it("answers a plain task run's first start as the server will: Running, attempt 1, dated now", () => {
    const judge = new LocalJudge();
    judge.flowState(FLOW, 'RUNNING');
    const runId = created(judge);
    expect(start(judge, runId)).toEqual({
      status: 'ACCEPT',
      state: { type: 'RUNNING', name: 'Running', timestamp: 2_000, attempt: 1, transitionId: 'start-1' },
    });
    // Only the first proposal: the next one depends on answers still on their way.
    expect(start(judge, runId)).toBeNull();
  });

  it('leaves to the server what only it knows: tag limits, cached results, a flow it has not heard of', () => {
    const judge = new LocalJudge();
    judge.flowState(FLOW, 'RUNNING');
    expect(start(judge, created(judge, { tags: ['db'] }))).toBeNull();
    expect(start(judge, created(judge), { cacheKey: 'abc' })).toBeNull();
    expect(start(judge, created(judge, { flowRunId: 'unknown-flow' }))).toBeNull();
    expect(judge.judge({ kind: 'task', runId: 'never-created', transitionId: 't', state: { type: 'RUNNING', name: 'Running' } }, 2_000)).toBeNull();
  });

  it('answers a start that refreshes its cache itself: no rule on the client list needs the server for it', () => {
    const judge = new LocalJudge();
    judge.flowState(FLOW, 'RUNNING');
    const runId = created(judge);
    const answer = judge.judge(
      { kind: 'task', runId, transitionId: 'start-1', state: { type: 'RUNNING', name: 'Running', cacheKey: 'abc', refreshCache: true } },
      2_000,
    );
    expect(answer).toMatchObject({ status: 'ACCEPT', state: { type: 'RUNNING', name: 'Running', cacheKey: 'abc' } });
  });

  it('does not answer for a flow that is stopping: the server will refuse the start', () => {
    const judge = new LocalJudge();
    judge.flowState(FLOW, 'CANCELLING');
    expect(start(judge, created(judge))).toBeNull();
  });

  it('answers no proposal but a start, and no forced one', () => {
    const judge = new LocalJudge();
    judge.flowState(FLOW, 'RUNNING');
    const runId = created(judge);
    expect(judge.judge({ kind: 'task', runId, transitionId: 't', state: { type: 'FAILED', name: 'Failed' } }, 2_000)).toBeNull();
    const forced = created(judge);
    expect(
      judge.judge({ kind: 'task', runId: forced, transitionId: 't', force: true, state: { type: 'RUNNING', name: 'Running' } }, 2_000),
    ).toBeNull();
    expect(judge.judge({ kind: 'flow', runId: FLOW, transitionId: 't', state: { type: 'RUNNING', name: 'Running' } }, 2_000)).toBeNull();
  });
});
