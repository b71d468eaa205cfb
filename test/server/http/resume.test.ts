// Resuming a paused flow run through the API, and a flow process reporting to the server that
// pauses, is resumed through the API and goes on with the input.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from '../../../app/core/api/index.js';
import { newId, type StateType } from '../../../app/core/index.js';
import { configureEngine } from '../../../app/engine/hosting.js';
import { flow, pauseFlowRun } from '../../../app/engine/index.js';
import { HttpReporter } from '../../../app/engine/reporting/index.js';
import { z } from 'zod';
import { call, flowRunRequest, useTestServer } from './support.js';

const server = useTestServer();

function client() {
  return createApiClient({ baseUrl: server.current.api });
}

/** A flow run moved along the given states; answers its id and the last transition id. */
async function flowRunThrough(...states: [StateType, string][]): Promise<{ id: string; lastTransitionId: string }> {
  const request = flowRunRequest();
  await server.current.store.createFlowRun(request);
  let lastTransitionId = request.transitionId;
  for (const [type, name] of states) {
    lastTransitionId = newId();
    const result = await server.current.store.setState({
      kind: 'flow',
      runId: request.id,
      transitionId: lastTransitionId,
      state: { type, name, message: 'waiting for approval' },
    });
    expect(result.status).toBe('ACCEPT');
  }
  return { id: request.id, lastTransitionId };
}

describe('POST /api/flow-runs/:id/resume', () => {
  it('moves a Paused run back to Running and keeps the input for its pause', async () => {
    const { id, lastTransitionId: pauseId } = await flowRunThrough(['RUNNING', 'Running'], ['PAUSED', 'Paused']);
    const run = await client().resumeFlowRun({ params: { id }, body: { input: { approved: true, note: 'ok' } } });
    expect(run.id).toBe(id);
    expect(run.state).toMatchObject({ type: 'RUNNING', name: 'Running', message: 'resumed with input', attempt: 1 });
    expect((await client().listFlowRunStates({ params: { id } })).map((s) => s.name)).toEqual(['Pending', 'Running', 'Paused', 'Running']);

    const record = await client().getResumeInput({ params: { id }, query: { pauseId } });
    expect(record).toMatchObject({ pauseId, input: { approved: true, note: 'ok' } });
    expect(typeof record.resumedAt).toBe('number');
  });

  it('resumes without input, which the pause then reads as none', async () => {
    const { id, lastTransitionId: pauseId } = await flowRunThrough(['RUNNING', 'Running'], ['PAUSED', 'Paused']);
    const answer = await call(`${server.current.api}/flow-runs/${id}/resume`, { method: 'POST', body: {} });
    expect(answer.status).toBe(200);
    expect(answer.json.state.message).toBe('resumed');
    const record = await call(`${server.current.api}/flow-runs/${id}/resume-input?pauseId=${pauseId}`);
    expect(record.status).toBe(200);
    expect(record.json).toEqual({ pauseId, resumedAt: expect.any(Number) });
  });

  it('answers 404 for an unknown run', async () => {
    const answer = await call(`${server.current.api}/flow-runs/no-such-run/resume`, { method: 'POST', body: { input: 1 } });
    expect(answer.status).toBe(404);
    expect(answer.json.message).toBe("no flow run with id 'no-such-run'");
  });

  it('answers 409 for a run that is not Paused, and changes nothing', async () => {
    const running = await flowRunThrough(['RUNNING', 'Running']);
    const answer = await call(`${server.current.api}/flow-runs/${running.id}/resume`, { method: 'POST', body: { input: 1 } });
    expect(answer.status).toBe(409);
    expect(answer.json.message).toBe("flow run 'calm-otter' is Running; only a Paused run can be resumed");
    expect((await server.current.store.listStates(running.id)).map((s) => s.name)).toEqual(['Pending', 'Running']);

    const error = await client()
      .resumeFlowRun({ params: { id: running.id }, body: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(409);
  });

  it('answers 400 naming the field for a body it cannot take', async () => {
    const { id } = await flowRunThrough(['RUNNING', 'Running'], ['PAUSED', 'Paused']);
    const deep = JSON.parse(`${'['.repeat(70)}${']'.repeat(70)}`);
    const cases: [unknown, RegExp][] = [
      [{ inputs: { approved: true } }, /^body: Unrecognized key.*"inputs"/],
      [{ input: deep }, /^body\.input: nested deeper than 64 levels/],
      [[1, 2], /^body: /],
      ['"approved"', /^body: /],
    ];
    for (const [body, message] of cases) {
      const answer = await call(`${server.current.api}/flow-runs/${id}/resume`, { method: 'POST', body });
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.json.message).toMatch(message);
    }
    expect((await server.current.store.getFlowRun(id))!.state.type).toBe('PAUSED');
  });
});

/** What a pause asking for an approval sends with its Paused state, as the engine writes it from zod. */
const APPROVAL_SCHEMA = z.toJSONSchema(z.object({ approved: z.boolean(), count: z.number().int().min(1).optional() }), { io: 'input' }) as Record<
  string,
  unknown
>;

/** A Running flow run that pauses for an approval; answers its id and the id of its pause. */
async function pausedForApproval(timeoutSeconds = 600): Promise<{ id: string; pauseId: string }> {
  const { id } = await flowRunThrough(['RUNNING', 'Running']);
  const pauseId = newId();
  const result = await server.current.store.setState({
    kind: 'flow',
    runId: id,
    transitionId: pauseId,
    state: {
      type: 'PAUSED',
      name: 'Paused',
      message: 'approve the load',
      pause: { reason: 'approve the load', inputSchema: APPROVAL_SCHEMA, timeoutSeconds },
    },
  });
  expect(result.status).toBe('ACCEPT');
  return { id, pauseId };
}

describe('a pause with an input schema', () => {
  it('is shown with the run read: reason, input schema and when it gives up', async () => {
    const { id, pauseId } = await pausedForApproval(90);
    const run = await client().getFlowRun({ params: { id } });
    expect(run.pause).toEqual({ pauseId, reason: 'approve the load', inputSchema: APPROVAL_SCHEMA, timeoutAt: run.state.timestamp + 90_000 });
    // Listings carry no pause; a run no longer Paused shows none.
    const [listed] = (await client().listFlowRuns()).items;
    expect(listed.id).toBe(id);
    expect('pause' in listed).toBe(false);
    await client().resumeFlowRun({ params: { id }, body: { input: { approved: true } } });
    expect((await client().getFlowRun({ params: { id } })).pause).toBeUndefined();
  });

  it('resumes with input that fits', async () => {
    const { id, pauseId } = await pausedForApproval();
    const run = await client().resumeFlowRun({ params: { id }, body: { input: { approved: false, count: 2 } } });
    expect(run.state).toMatchObject({ type: 'RUNNING', message: 'resumed with input' });
    expect((await server.current.store.resumeRecord(id, pauseId))?.input).toEqual({ approved: false, count: 2 });
  });

  it('answers 422 naming each field that does not fit, and leaves the run Paused and asleep', async () => {
    const { id, pauseId } = await pausedForApproval();
    const cases: [unknown, { path: (string | number)[]; message: string }[]][] = [
      [{ approved: 'yes' }, [{ path: ['approved'], message: 'expected boolean, got string' }]],
      [
        { count: 0 },
        [
          { path: ['approved'], message: 'is required' },
          { path: ['count'], message: 'must be at least 1' },
        ],
      ],
      [[true], [{ path: [], message: 'expected object, got array' }]],
      [undefined, [{ path: [], message: 'expected object, got nothing' }]],
    ];
    for (const [input, issues] of cases) {
      const answer = await call(`${server.current.api}/flow-runs/${id}/resume`, { method: 'POST', body: input === undefined ? {} : { input } });
      expect(answer.status, JSON.stringify(input)).toBe(422);
      expect(answer.json.issues).toEqual(issues);
      expect(answer.json.message).toContain(`the input does not fit what flow run 'calm-otter' waits for: ${issues[0].path.join('.')}`);
    }
    const error = await client()
      .resumeFlowRun({ params: { id }, body: { input: { approved: 1 } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    expect((error as ApiError).issues).toEqual([{ path: ['approved'], message: 'expected boolean, got number' }]);

    // Not woken: still Paused on the same pause, with no input recorded for its process to read.
    expect((await server.current.store.listStates(id)).map((s) => s.name)).toEqual(['Pending', 'Running', 'Paused']);
    expect((await server.current.store.getFlowRun(id))!.state.transitionId).toBe(pauseId);
    expect(await server.current.store.resumeRecord(id, pauseId)).toBeNull();
  });

  it('without a schema takes any input, or none', async () => {
    const { id } = await flowRunThrough(['RUNNING', 'Running']);
    await server.current.store.setState({
      kind: 'flow',
      runId: id,
      transitionId: newId(),
      state: { type: 'PAUSED', name: 'Paused', pause: { reason: 'look' } },
    });
    expect((await client().getFlowRun({ params: { id } })).pause).toMatchObject({ reason: 'look', inputSchema: null, timeoutAt: null });
    const answer = await call(`${server.current.api}/flow-runs/${id}/resume`, { method: 'POST', body: { input: 'anything' } });
    expect(answer.status).toBe(200);
  });

  it('a report whose input schema nests too deeply is refused', async () => {
    const { id } = await flowRunThrough(['RUNNING', 'Running']);
    const deep = JSON.parse(`${'{"a":'.repeat(70)}1${'}'.repeat(70)}`);
    const answer = await call(`${server.current.api}/reports`, {
      method: 'POST',
      body: {
        operations: [
          {
            kind: 'setState',
            request: { kind: 'flow', runId: id, transitionId: newId(), state: { type: 'PAUSED', name: 'Paused', pause: { inputSchema: deep } } },
          },
        ],
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(/inputSchema: nested deeper than 64 levels/);
    expect((await server.current.store.getFlowRun(id))!.state.type).toBe('RUNNING');
  });
});

describe('GET /api/flow-runs/:id/resume-input', () => {
  it('answers 404 for a pause not resumed and for an unknown run, 400 without a pauseId', async () => {
    const { id, lastTransitionId: pauseId } = await flowRunThrough(['RUNNING', 'Running'], ['PAUSED', 'Paused']);
    const waiting = await call(`${server.current.api}/flow-runs/${id}/resume-input?pauseId=${pauseId}`);
    expect(waiting.status).toBe(404);
    expect(waiting.json.message).toBe(`pause '${pauseId}' of flow run '${id}' has not been resumed`);
    expect((await call(`${server.current.api}/flow-runs/nope/resume-input?pauseId=${pauseId}`)).status).toBe(404);
    const missing = await call(`${server.current.api}/flow-runs/${id}/resume-input`);
    expect(missing.status).toBe(400);
    expect(missing.json.message).toMatch(/^query\.pauseId: /);
  });
});

describe('a flow process reporting to the server', () => {
  let reporter: HttpReporter | null = null;
  afterEach(async () => {
    await reporter?.close();
    reporter = null;
    configureEngine({ reporter: null });
  });

  it('pauses, is resumed through the API, and goes on with the input', async () => {
    const home = join(server.current.dbPath, '..', 'client');
    reporter = new HttpReporter({ apiUrl: server.current.api, home });
    configureEngine({ reporter, home, heartbeatSeconds: 0.05 });
    const running = flow({ name: 'remote-approval' }, () => pauseFlowRun({ reason: 'sign off', input: z.object({ ok: z.boolean() }) })).run();

    let id: string;
    for (;;) {
      const [run] = (await client().listFlowRuns()).items;
      if (run?.state.type === 'PAUSED') {
        id = run.id;
        expect(run.state.message).toBe('sign off');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The schema came with the Paused state through the report, and the server holds input to it.
    const paused = await client().getFlowRun({ params: { id } });
    expect(paused.pause).toMatchObject({
      reason: 'sign off',
      inputSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
    });
    expect(paused.pause!.timeoutAt).toBeGreaterThan(paused.state.timestamp + 3_500_000);
    const refused = await call(`${server.current.api}/flow-runs/${id}/resume`, { method: 'POST', body: { input: { ok: 'yes' } } });
    expect(refused.status).toBe(422);
    expect(refused.json.issues).toEqual([{ path: ['ok'], message: 'expected boolean, got string' }]);
    await client().resumeFlowRun({ params: { id }, body: { input: { ok: true } } });
    const outcome = await running;
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.result).toEqual({ ok: true });
    expect((await client().listFlowRunStates({ params: { id } })).map((s) => s.name)).toEqual([
      'Pending',
      'Running',
      'Paused',
      'Running',
      'Completed',
    ]);
  });
});
