// The routes the CLI needs to work against a server: resolving and shortening run ids, and
// putting a finished flow run back to AwaitingRetry.
import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient, RUN_ID_PREFIXES_MAX } from '../../../app/core/api/index.js';
import { newId, type StateType } from '../../../app/core/index.js';
import { call, flowRunRequest, taskRunRequest, useTestServer } from './support.js';

const server = useTestServer();

function client() {
  return createApiClient({ baseUrl: server.current.api });
}

/** A flow run moved through Running into the state asked for. */
async function flowRunIn(type: StateType, name: string, runName = 'calm-otter'): Promise<string> {
  const request = flowRunRequest({ name: runName });
  await server.current.store.createFlowRun(request);
  const moves =
    type === 'PENDING'
      ? []
      : type === 'RUNNING'
        ? [['RUNNING', 'Running']]
        : [
            ['RUNNING', 'Running'],
            [type, name],
          ];
  for (const [t, n] of moves as [StateType, string][]) {
    const result = await server.current.store.setState({ kind: 'flow', runId: request.id, transitionId: newId(), state: { type: t, name: n } });
    expect(result.status).toBe('ACCEPT');
  }
  return request.id;
}

function commonPrefix(a: string, b: string): string {
  let length = 0;
  while (length < a.length && a[length] === b[length]) length++;
  return a.slice(0, length);
}

describe('GET /api/run-ids/resolve', () => {
  it('answers the full id for the id itself or a unique prefix of at least 4 characters', async () => {
    const flowRunId = await flowRunIn('PENDING', 'Pending');
    const taskRun = taskRunRequest(flowRunId);
    await server.current.store.createTaskRun(taskRun);

    expect(await client().resolveRunId({ query: { kind: 'flow', prefix: flowRunId } })).toEqual({ kind: 'flow', id: flowRunId });
    expect(await client().resolveRunId({ query: { kind: 'flow', prefix: flowRunId.slice(0, 4) } })).toEqual({ kind: 'flow', id: flowRunId });
    expect(await client().resolveRunId({ query: { kind: 'task', prefix: taskRun.id.slice(0, 10) } })).toEqual({ kind: 'task', id: taskRun.id });
  });

  it('answers 404 naming the prefix when it is too short or matches nothing, and 409 when it matches several runs', async () => {
    const first = await flowRunIn('PENDING', 'Pending');
    const second = await flowRunIn('PENDING', 'Pending');
    const shared = commonPrefix(first, second);
    expect(shared.length).toBeGreaterThanOrEqual(4);
    const cases = [
      ['flow', first.slice(0, 3), 404, `no flow run with id '${first.slice(0, 3)}'; give at least 4 characters of the id`],
      ['flow', shared, 409, `more than one flow run has an id starting with '${shared}'; give more of the id`],
      ['task', first, 404, `no task run with id '${first}' or a unique id starting with it`],
      ['flow', 'ffffffff-nope', 404, "no flow run with id 'ffffffff-nope' or a unique id starting with it"],
    ] as const;
    for (const [kind, prefix, status, message] of cases) {
      const answer = await call(`${server.current.api}/run-ids/resolve?kind=${kind}&prefix=${encodeURIComponent(prefix)}`);
      expect(answer.status, prefix).toBe(status);
      expect(answer.json.message).toBe(message);
    }
  });

  it('answers 400 naming the parameter for a bad kind or a missing or oversized prefix', async () => {
    const cases: [string, RegExp][] = [
      ['kind=job&prefix=abcd', /^query\.kind: /],
      ['prefix=abcd', /^query\.kind: /],
      ['kind=flow', /^query\.prefix: /],
      ['kind=flow&prefix=', /^query\.prefix: /],
      [`kind=flow&prefix=${'a'.repeat(129)}`, /^query\.prefix: /],
      ['kind=flow&prefix=abcd&extra=1', /^query: Unrecognized key/],
    ];
    for (const [query, message] of cases) {
      const answer = await call(`${server.current.api}/run-ids/resolve?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.json.message, query).toMatch(message);
    }
  });
});

describe('POST /api/run-ids/prefixes', () => {
  it("answers each id's shortest unique prefix, in the order asked, as the store computes it", async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await flowRunIn('PENDING', 'Pending'));
    const asked = [ids[3], ids[0], ids[4], 'not-a-run-id'];
    const answer = await client().runIdPrefixes({ body: { kind: 'flow', ids: asked } });
    const expected = await server.current.store.uniqueIdPrefixes('flow', asked);
    expect(answer).toEqual(asked.map((id) => ({ id, prefix: expected.get(id) })));
    for (const { id, prefix } of answer.slice(0, 3)) {
      expect(prefix.length).toBeGreaterThanOrEqual(8);
      expect(await client().resolveRunId({ query: { kind: 'flow', prefix } })).toEqual({ kind: 'flow', id });
    }
    expect(await client().runIdPrefixes({ body: { kind: 'task', ids: [] } })).toEqual([]);
  });

  it('answers 400 naming the field for a bad kind, ids that are not a list of ids, or too many', async () => {
    const cases: [unknown, RegExp][] = [
      [{ kind: 'job', ids: [] }, /^body\.kind: /],
      [{ ids: [] }, /^body\.kind: /],
      [{ kind: 'flow' }, /^body\.ids: /],
      [{ kind: 'flow', ids: 'abcd' }, /^body\.ids: /],
      [{ kind: 'flow', ids: ['ok', 5] }, /^body\.ids\[1\]: /],
      [{ kind: 'flow', ids: [''] }, /^body\.ids\[0\]: /],
      [{ kind: 'flow', ids: Array.from({ length: RUN_ID_PREFIXES_MAX + 1 }, (_, i) => `id-${i}`) }, /^body\.ids: /],
    ];
    for (const [body, message] of cases) {
      const answer = await call(`${server.current.api}/run-ids/prefixes`, { method: 'POST', body });
      expect(answer.status, String(JSON.stringify(body)).slice(0, 80)).toBe(400);
      expect(answer.json.message).toMatch(message);
    }
  });
});

describe('POST /api/flow-runs/:id/retry', () => {
  it('makes a Failed, Crashed or Cancelled run AwaitingRetry, due now, with the message given', async () => {
    for (const [type, name] of [
      ['FAILED', 'Failed'],
      ['FAILED', 'TimedOut'],
      ['CRASHED', 'Crashed'],
      ['CANCELLED', 'Cancelled'],
    ] as const) {
      const id = await flowRunIn(type, name);
      const before = Date.now();
      const run = await client().retryFlowRun({ params: { id }, body: { message: 'retried from the test' } });
      expect(run.id).toBe(id);
      expect(run.state).toMatchObject({ type: 'SCHEDULED', name: 'AwaitingRetry', message: 'retried from the test' });
      expect(run.state.scheduledTime).toBeGreaterThanOrEqual(before);
      expect(run.state.scheduledTime).toBeLessThanOrEqual(Date.now());
      expect((await server.current.store.getFlowRun(id))!.state).toEqual(run.state);
      expect((await server.current.store.listStates(id)).map((s) => s.name).slice(-2)).toEqual([name, 'AwaitingRetry']);
    }
  });

  it('says where the retry was asked for when the caller gives no message: the API, or the source it names', async () => {
    const id = await flowRunIn('FAILED', 'Failed');
    const answer = await call(`${server.current.api}/flow-runs/${id}/retry`, { method: 'POST', body: {} });
    expect(answer.status).toBe(200);
    expect(answer.json.state).toMatchObject({ name: 'AwaitingRetry', message: 'retried through the API' });
    const other = await flowRunIn('CRASHED', 'Crashed');
    const fromAutomation = await call(`${server.current.api}/flow-runs/${other}/retry`, { method: 'POST', body: { source: 'automation' } });
    expect(fromAutomation.json.state).toMatchObject({ name: 'AwaitingRetry', message: 'retried by an automation' });
    const wrong = await call(`${server.current.api}/flow-runs/${other}/retry`, { method: 'POST', body: { source: 'phone' } });
    expect(wrong.status).toBe(400);
  });

  it('answers 409 saying why for a run in any other state, and leaves it as it was', async () => {
    for (const [type, name] of [
      ['PENDING', 'Pending'],
      ['RUNNING', 'Running'],
      ['COMPLETED', 'Completed'],
    ] as const) {
      const id = await flowRunIn(type, name, `run-${name.toLowerCase()}`);
      const error = await client()
        .retryFlowRun({ params: { id }, body: {} })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({
        status: 409,
        message: `flow run 'run-${name.toLowerCase()}' is ${name}; only Failed, Crashed or Cancelled runs can be retried`,
      });
      expect((await server.current.store.getFlowRun(id))!.state.name).toBe(name);
    }
    const id = await flowRunIn('FAILED', 'Failed');
    await client().retryFlowRun({ params: { id }, body: {} });
    const again = await call(`${server.current.api}/flow-runs/${id}/retry`, { method: 'POST', body: {} });
    expect(again.status).toBe(409);
    expect(again.json.message).toMatch(/is AwaitingRetry; only Failed, Crashed or Cancelled runs can be retried$/);
  });

  it('answers 404 naming an unknown id, and 400 naming a bad field', async () => {
    const unknown = await call(`${server.current.api}/flow-runs/no-such-run/retry`, { method: 'POST', body: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toBe("no flow run with id 'no-such-run'");

    const id = await flowRunIn('FAILED', 'Failed');
    const cases: [unknown, RegExp][] = [
      [{ message: 5 }, /^body\.message: /],
      [{ message: '' }, /^body\.message: /],
      [{ message: 'x'.repeat(1001) }, /^body\.message: /],
      [{ messages: 'typo' }, /^body: Unrecognized key/],
      [[], /^body: /],
      // JSON said, nothing sent.
      ['', /^body: /],
    ];
    for (const [body, message] of cases) {
      const answer = await call(`${server.current.api}/flow-runs/${id}/retry`, { method: 'POST', body });
      expect(answer.status, String(JSON.stringify(body)).slice(0, 80)).toBe(400);
      expect(answer.json.message).toMatch(message);
    }
    expect((await server.current.store.getFlowRun(id))!.state.name).toBe('Failed');
  });
});
