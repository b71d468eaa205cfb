import { describe, expect, it } from 'vitest';
import { prefilledInputs, rerunOfText, reusedFromText, runFromRefusal, runFromRequest } from '../../app/renderer/monitor/model/reruns.js';

describe('where a reused result came from', () => {
  const origin = { name: 'extract-0', flowRunId: 'run-1-aaaaaaaa', flowRunAttempt: 1 };

  it('names the task run and its attempt, and the flow run only when it is another', () => {
    expect(reusedFromText(origin, 'run-1-aaaaaaaa', 'ignored')).toEqual({
      text: 'Result reused from task run extract-0 (attempt 1)',
      ofFlowRun: null,
    });
    expect(reusedFromText(origin, 'run-2', 'brave-otter')).toEqual({
      text: 'Result reused from task run extract-0 (attempt 1)',
      ofFlowRun: 'of flow run brave-otter',
    });
    // Before the other run's name is read, its short id stands for it.
    expect(reusedFromText(origin, 'run-2', null).ofFlowRun).toBe('of flow run run-1-aa');
  });

  it('says which task of which run a run was made from', () => {
    const link = { flowRunId: '0123456789', taskRunId: 'abcdef0123' };
    expect(rerunOfText('three-0', 'brave-otter', link)).toBe('Run again from task three-0 of run brave-otter');
    expect(rerunOfText(null, null, link)).toBe('Run again from task abcdef01 of run 01234567');
  });
});

describe('Run from here', () => {
  it('is offered once the run is finished, whichever way it ended', () => {
    for (const type of ['COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED'] as const) expect(runFromRefusal(type)).toBeNull();
    for (const type of ['RUNNING', 'PENDING', 'SCHEDULED', 'PAUSED', 'CANCELLING'] as const) expect(runFromRefusal(type)).toMatch(/not finished/);
  });

  it('prefills the inputs laid out when they are a JSON array, and leaves the editor empty otherwise', () => {
    expect(prefilledInputs('[1,{"a":"b"}]')).toBe('[\n  1,\n  {\n    "a": "b"\n  }\n]');
    expect(prefilledInputs('{"a":1}')).toBe('');
    expect(prefilledInputs('<function>')).toBe('');
    expect(prefilledInputs(null)).toBe('');
  });

  it('sends inputs only when they were changed, and only a JSON array', () => {
    const prefilled = prefilledInputs('[3]');
    expect(runFromRequest('t1', prefilled, prefilled, 'current')).toEqual({ body: { task: 't1', code: 'current' } });
    expect(runFromRequest('t1', '  ', prefilled, 'original')).toEqual({ body: { task: 't1', code: 'original' } });
    expect(runFromRequest('t1', '[30, "x"]', prefilled, 'current')).toEqual({ body: { task: 't1', inputs: [30, 'x'], code: 'current' } });
    const notJson = runFromRequest('t1', '[30', prefilled, 'current');
    expect('error' in notJson && notJson.error).toMatch(/^The inputs are not JSON: /);
    expect(runFromRequest('t1', '{"x": 30}', prefilled, 'current')).toEqual({
      error: 'The inputs must be a JSON array of the arguments, in their order, e.g. [1, "two"]',
    });
  });
});
