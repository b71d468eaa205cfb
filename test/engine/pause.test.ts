// pauseFlowRun on a real store: the run waits Paused until the store resumes it, and its code
// gets the input given on resume.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configureEngine } from '../../app/engine/hosting.js';
import { flow, getRunContext, pauseFlowRun, PauseTimeoutError, task } from '../../app/engine/index.js';
import type { RunStore } from '../../app/server/index.js';
import { openTestStore } from '../helpers/store-factory.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { delay, historyOf, namesOf, until } from './support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

/** Resolves once the store holds the run Paused; answers the Paused state's message. */
async function pausedRun(store: RunStore, nth = 1): Promise<{ id: string; message: string | undefined }> {
  let id = '';
  await until(async () => {
    const run = (await store.listFlowRuns({ limit: 1 }))[0];
    if (!run || run.state.type !== 'PAUSED') return false;
    if ((await store.listStates(run.id)).filter((s) => s.type === 'PAUSED').length < nth) return false;
    id = run.id;
    return true;
  });
  return { id, message: (await store.getFlowRun(id))!.state.message };
}

describe('pauseFlowRun', () => {
  it('pauses the run until it is resumed, and answers the input checked by the schema', async () => {
    const approval = flow({ name: 'approval' }, async () => {
      const answer = await pauseFlowRun({
        reason: 'approve the load',
        input: z.object({ approved: z.boolean(), by: z.string().default('someone') }),
      });
      return answer;
    });
    const running = approval.run();
    const paused = await pausedRun(env.store);
    expect(paused.message).toBe('approve the load');
    // The process still runs and beats: it does not go on by itself.
    await delay(200);
    expect((await env.store.getFlowRun(paused.id))!.state.type).toBe('PAUSED');

    const resumed = await env.store.resumeFlowRun(paused.id, { approved: true });
    expect(resumed.ok && resumed.run.state.name).toBe('Running');
    const outcome = await running;
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.result).toEqual({ approved: true, by: 'someone' });
    expect(await historyOf(env.store, paused.id)).toEqual(['Pending:1', 'Running:1', 'Paused:1', 'Running:1', 'Completed:1']);
    expect((await env.store.getFlowRun(paused.id))!.runCount).toBe(1);
  });

  it('without a schema answers the input as given, or undefined when none was given', async () => {
    const twice = flow({ name: 'twice' }, async () => [await pauseFlowRun(), await pauseFlowRun({ reason: 'second' })]);
    const running = twice.run();
    const first = await pausedRun(env.store, 1);
    expect(first.message).toBeUndefined();
    await env.store.resumeFlowRun(first.id);
    const second = await pausedRun(env.store, 2);
    expect(second.message).toBe('second');
    await env.store.resumeFlowRun(second.id, ['any', { json: 1 }, null]);
    const outcome = await running;
    expect(outcome.result).toEqual([undefined, ['any', { json: 1 }, null]]);
    expect(await namesOf(env.store, first.id)).toEqual(['Pending', 'Running', 'Paused', 'Running', 'Paused', 'Running', 'Completed']);
  });

  it('records what the pause waits for with its Paused state: reason, the input as JSON Schema, the deadline', async () => {
    const before = Date.now();
    const running = flow({ name: 'recorded' }, () =>
      pauseFlowRun({
        reason: 'approve the load',
        timeoutSeconds: 120,
        input: z.object({ approved: z.boolean(), by: z.string().default('someone') }),
      }),
    ).run();
    const paused = await pausedRun(env.store);
    const run = (await env.store.getFlowRun(paused.id))!;
    expect(run.pause).toMatchObject({
      pauseId: run.state.transitionId,
      reason: 'approve the load',
      // zod's input side: a field with a default may be left out.
      inputSchema: {
        type: 'object',
        properties: { approved: { type: 'boolean' }, by: { type: 'string', default: 'someone' } },
        required: ['approved'],
      },
    });
    expect(run.pause!.timeoutAt).toBeGreaterThan(before + 119_000);
    expect(run.pause!.timeoutAt).toBeLessThanOrEqual(Date.now() + 120_000);
    await env.store.resumeFlowRun(paused.id, { approved: true });
    expect((await running).result).toEqual({ approved: true, by: 'someone' });
  });

  it('records no input schema for a schema that is not zod 4, and the store then takes any input', async () => {
    const odd = {
      safeParse: (value: unknown) =>
        value === 'yes'
          ? { success: true as const, data: value }
          : { success: false as const, error: { issues: [{ path: [], message: 'say yes' }] } },
    };
    const running = flow({ name: 'zod-like' }, () => pauseFlowRun({ reason: 'say yes', input: odd })).run();
    const paused = await pausedRun(env.store);
    expect((await env.store.getFlowRun(paused.id))!.pause).toMatchObject({ reason: 'say yes', inputSchema: null });
    expect((await env.store.resumeFlowRun(paused.id, 'no')).ok).toBe(true);
    await pausedRun(env.store, 2);
    expect((await env.store.resumeFlowRun(paused.id, 'yes')).ok).toBe(true);
    expect((await running).result).toBe('yes');
  });

  it('input the schema refuses pauses the run again, saying why, until valid input comes', async () => {
    const odd = z
      .number()
      .int()
      .refine((n) => n % 2 === 1, 'must be odd');
    const running = flow({ name: 'strict' }, () => pauseFlowRun({ reason: 'need an odd count', input: z.object({ count: odd }) })).run();
    const paused = await pausedRun(env.store);
    // What the JSON Schema says, the store checks before it wakes the run.
    expect(await env.store.resumeFlowRun(paused.id, { count: 'seven' })).toMatchObject({
      ok: false,
      reason: 'INVALID_INPUT',
      issues: [{ path: ['count'], message: 'expected a whole number, got string' }],
    });
    expect(await namesOf(env.store, paused.id)).toEqual(['Pending', 'Running', 'Paused']);
    // A refinement JSON Schema cannot say is the engine's to refuse: it pauses again.
    expect((await env.store.resumeFlowRun(paused.id, { count: 8 })).ok).toBe(true);
    const again = await pausedRun(env.store, 2);
    expect(again.message).toBe('need an odd count; the input given on resume was refused (count: must be odd); resume again with valid input');
    expect((await env.store.getFlowRun(paused.id))!.pause?.reason).toBe('need an odd count');
    await env.store.resumeFlowRun(paused.id, { count: 7 });
    const outcome = await running;
    expect(outcome.result).toEqual({ count: 7 });
    expect(await namesOf(env.store, paused.id)).toEqual(['Pending', 'Running', 'Paused', 'Running', 'Paused', 'Running', 'Completed']);
  });

  it('fails the run TimedOut with a PauseTimeoutError when no resume comes in time', async () => {
    const outcome = await flow({ name: 'forgotten' }, () => pauseFlowRun({ reason: 'nobody comes', timeoutSeconds: 0.3 })).run();
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBeInstanceOf(PauseTimeoutError);
    expect(outcome.state.name).toBe('TimedOut');
    expect(outcome.state.type).toBe('FAILED');
    expect(outcome.state.error?.name).toBe('PauseTimeoutError');
    expect(outcome.state.message).toMatch(/^flow run '.+' was not resumed within 0.3s of pausing$/);
    expect(await namesOf(env.store, outcome.flowRunId)).toEqual(['Pending', 'Running', 'Paused', 'TimedOut']);
    // Too late now: only a Paused run can be resumed.
    const late = await env.store.resumeFlowRun(outcome.flowRunId, {});
    expect(late).toEqual({
      ok: false,
      reason: 'NOT_PAUSED',
      message: `flow run '${outcome.flowRunName}' is TimedOut; only a Paused run can be resumed`,
    });
  });

  it('stops when the run is cancelled while paused', async () => {
    const running = flow({ name: 'cancel-me' }, () => pauseFlowRun()).run();
    const paused = await pausedRun(env.store);
    expect((await env.store.cancelFlowRun(paused.id)).state?.name).toBe('Cancelling');
    const outcome = await running;
    expect(outcome.state.name).toBe('Cancelled');
    expect(await namesOf(env.store, paused.id)).toEqual(['Pending', 'Running', 'Paused', 'Cancelling', 'Cancelled']);
  });

  it('pauses only from the flow itself, never inside a task or outside a run', async () => {
    await expect(pauseFlowRun()).rejects.toThrow('pauseFlowRun() was called outside a flow run');
    const inTask = task({ name: 'waits' }, () => pauseFlowRun());
    const outcome = await flow({ name: 'task-pause' }, () => inTask().catch((e: Error) => e.message)).run();
    expect(outcome.result).toBe("pauseFlowRun() pauses the whole flow run: call it in the flow's code, not inside task 'waits-0'");
    await expect(flow({ name: 'bad-timeout' }, () => pauseFlowRun({ timeoutSeconds: 0 })).run()).resolves.toMatchObject({
      ok: false,
      state: { name: 'Failed', message: 'timeoutSeconds must be a positive number, got 0' },
    });
  });

  it('the store refuses to resume an unknown or running run', async () => {
    expect(await env.store.resumeFlowRun('no-such-run')).toEqual({ ok: false, reason: 'NOT_FOUND', message: "no flow run with id 'no-such-run'" });
    const outcome = await flow({ name: 'busy' }, async () => {
      const id = getRunContext().flowRun.id;
      return env.store.resumeFlowRun(id, 1);
    }).run();
    expect(outcome.result).toEqual({
      ok: false,
      reason: 'NOT_PAUSED',
      message: `flow run '${outcome.flowRunName}' is Running; only a Paused run can be resumed`,
    });
  });
});

describe('a paused run and the crash detector', () => {
  it('is not marked Crashed while its process is alive and beating, however long it waits', async () => {
    await env.dispose();
    const temp = makeTempHome();
    // A heartbeat timeout far shorter than the pause: only the beats keep the run alive.
    const store = await openTestStore({ path: temp.dbPath, heartbeatTimeoutSeconds: 0.3 });
    configureEngine({ reporter: store, home: temp.home, heartbeatSeconds: 0.05 });
    try {
      const running = flow({ name: 'long-pause' }, () => pauseFlowRun()).run();
      const paused = await pausedRun(store);
      for (let i = 0; i < 10; i++) {
        await delay(100);
        expect(await store.sweepCrashedRuns()).toBe(0);
      }
      expect((await store.getFlowRun(paused.id))!.state.type).toBe('PAUSED');
      await store.resumeFlowRun(paused.id, 'go');
      expect((await running).result).toBe('go');
    } finally {
      await store.close();
      configureEngine({ reporter: null });
      temp.cleanup();
      env = await useEngineStore();
    }
  });
});
