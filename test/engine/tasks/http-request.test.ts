// httpRequest inside real flows on a real store, against a real HTTP server on loopback.
import { describe, expect, it } from 'vitest';
import { flow, getRunContext, TimeoutError } from '../../../app/engine/index.js';
import { httpRequest, HttpStatusError, type HttpResponse } from '../../../app/engine/tasks/index.js';
import { historyOf, namesOf, onlyTaskRun, stateNamed } from '../support.js';
import { sendJson, useServerAndStore } from './support.js';

const bed = useServerAndStore();

describe('httpRequest', () => {
  it('GETs JSON with query and headers, answers the parsed body, and is recorded as a task run', async () => {
    bed.server.handle((request, response) => sendJson(response, 200, { users: [{ id: 1 }], url: request.url }));
    const outcome = await flow({ name: 'get-json' }, () =>
      httpRequest({ url: `${bed.server.base}/users`, query: { limit: 2, tag: ['a', 'b c'] }, headers: { 'x-trace': 't-1' } }),
    ).run();
    expect(outcome.state.name).toBe('Completed');
    const answer = outcome.result as HttpResponse;
    expect(answer.status).toBe(200);
    expect(answer.ok).toBe(true);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.body).toEqual({ users: [{ id: 1 }], url: '/users?limit=2&tag=a&tag=b+c' });
    expect(bed.server.received[0].method).toBe('GET');
    expect(bed.server.received[0].headers['x-trace']).toBe('t-1');

    const run = await onlyTaskRun(bed.env.store, outcome.flowRunId, 'http-request');
    expect(run.name).toBe('http-request-0');
    expect(run.state.name).toBe('Completed');
    expect(JSON.parse(run.inputs!)).toEqual([
      { url: `${bed.server.base}/users`, query: { limit: 2, tag: ['a', 'b c'] }, headers: { 'x-trace': 't-1' } },
    ]);
  });

  it('sends an object body as JSON with its content type, and a string body as it is', async () => {
    bed.server.handle((request, response) => {
      response.writeHead(201, { 'content-type': 'text/plain' });
      response.end(`${request.method} ${request.headers['content-type']} ${request.body}`);
    });
    const outcome = await flow({ name: 'post' }, async () => {
      const json = await httpRequest({ url: `${bed.server.base}/items`, method: 'post', body: { name: 'Ada', tags: ['x'] } });
      const text = await httpRequest({
        url: `${bed.server.base}/items`,
        method: 'PUT',
        body: 'plain words',
        headers: { 'content-type': 'text/csv' },
      });
      return [json.body, text.body, json.status];
    }).run();
    expect(outcome.result).toEqual(['POST application/json {"name":"Ada","tags":["x"]}', 'PUT text/csv plain words', 201]);
  });

  it('answers text for a body that is not JSON, and null for an empty JSON answer', async () => {
    bed.server.handle((request, response) => {
      if (request.url === '/empty') {
        response.writeHead(204, { 'content-type': 'application/json' });
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<p>hello</p>');
    });
    const outcome = await flow({ name: 'text' }, async () => [
      (await httpRequest({ url: `${bed.server.base}/page` })).body,
      (await httpRequest({ url: `${bed.server.base}/empty` })).body,
    ]).run();
    expect(outcome.result).toEqual(['<p>hello</p>', null]);
  });

  it('fails on a non-2xx answer naming method, URL, status and the start of the body, so retries apply', async () => {
    let calls = 0;
    bed.server.handle((_request, response) => {
      calls++;
      if (calls <= 2) {
        response.writeHead(503, { 'content-type': 'text/plain' });
        response.end(`busy, try later ${'x'.repeat(2000)}`);
        return;
      }
      sendJson(response, 200, { calls });
    });
    const flaky = httpRequest.withOptions({ name: 'flaky-api', retries: 2, retryDelaySeconds: 0 });
    const outcome = await flow({ name: 'retried' }, () => flaky({ url: `${bed.server.base}/flaky` })).run();
    expect((outcome.result as HttpResponse).body).toEqual({ calls: 3 });
    const run = (await bed.env.store.listTaskRuns(outcome.flowRunId))[0];
    expect(run.name).toBe('flaky-api-0');
    expect(await historyOf(bed.env.store, run.id)).toEqual([
      'Pending:1',
      'Running:1',
      'AwaitingRetry:1',
      'Retrying:2',
      'AwaitingRetry:2',
      'Retrying:3',
      'Completed:3',
    ]);
    const failure = await stateNamed(bed.env.store, run.id, 'AwaitingRetry');
    expect(failure.error?.name).toBe('HttpStatusError');
    expect(failure.message).toMatch(new RegExp(`^GET ${bed.server.base}/flaky answered 503: busy, try later x+…$`));
    expect(failure.message!.length).toBeLessThan(700);
  });

  it('without retries the run fails, and the error carries the status and body', async () => {
    bed.server.handle((_request, response) => sendJson(response, 404, { error: 'no such user' }));
    let caught: unknown;
    const outcome = await flow({ name: 'not-found' }, async () => {
      caught = await httpRequest({ url: `${bed.server.base}/users/9`, method: 'DELETE' }).catch((e: unknown) => e);
    }).run();
    expect(outcome.state.name).toBe('Completed');
    expect(caught).toBeInstanceOf(HttpStatusError);
    expect((caught as HttpStatusError).status).toBe(404);
    expect((caught as HttpStatusError).message).toBe(`DELETE ${bed.server.base}/users/9 answered 404: {"error":"no such user"}`);
    expect((await onlyTaskRun(bed.env.store, outcome.flowRunId, 'http-request')).state.name).toBe('Failed');
  });

  it('expectStatus names the statuses that count as success', async () => {
    bed.server.handle((request, response) => sendJson(response, request.url === '/gone' ? 410 : 200, {}));
    const outcome = await flow({ name: 'expect' }, async () => {
      const gone = await httpRequest({ url: `${bed.server.base}/gone`, expectStatus: [200, 410] });
      const error = await httpRequest({ url: `${bed.server.base}/made`, expectStatus: 201 }).catch((e: Error) => e.message);
      return [gone.status, gone.ok, error];
    }).run();
    expect(outcome.result).toEqual([410, false, `GET ${bed.server.base}/made answered 200, expected 201: {}`]);
  });

  it('gives up after timeoutSeconds with a TimeoutError, recorded TimedOut, and closes the connection', async () => {
    bed.server.handle(() => {}); // never answers
    let caught: unknown;
    const outcome = await flow({ name: 'slow' }, async () => {
      caught = await httpRequest({ url: `${bed.server.base}/slow`, timeoutSeconds: 1 }).catch((e: unknown) => e);
    }).run();
    expect(caught).toBeInstanceOf(TimeoutError);
    expect((caught as Error).message).toBe(`GET ${bed.server.base}/slow timed out after 1s`);
    expect((await onlyTaskRun(bed.env.store, outcome.flowRunId, 'http-request')).state.name).toBe('TimedOut');
    await bed.server.received[0].aborted;
  });

  it("stops when the run's signal fires: the task's own timeout, and a cancelled flow run", async () => {
    bed.server.handle(() => {});
    const bounded = httpRequest.withOptions({ timeoutSeconds: 1 });
    const timedOut = await flow({ name: 'task-timeout' }, () => bounded({ url: `${bed.server.base}/hang` }).catch((e: Error) => e.message)).run();
    expect(timedOut.result).toMatch(/^task run 'http-request-0' timed out after 1s$/);
    await bed.server.received[0].aborted;

    const cancelled = await flow({ name: 'cancelled' }, async () => {
      const request = httpRequest({ url: `${bed.server.base}/hang-too` });
      while (bed.server.received.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      await bed.env.store.cancelFlowRun(getRunContext().flowRun.id);
      return request;
    }).run();
    expect(cancelled.state.name).toBe('Cancelled');
    expect(await namesOf(bed.env.store, (await bed.env.store.listTaskRuns(cancelled.flowRunId))[0].id)).toEqual(['Pending', 'Running', 'Cancelled']);
    await bed.server.received[1].aborted;
  });

  it('masks a password in the URL in the recorded inputs and the error', async () => {
    const url = `http://ada:hunter22@127.0.0.1:1/secret`;
    const outcome = await flow({ name: 'creds' }, () => httpRequest({ url }).catch((e: Error) => e.message)).run();
    expect(outcome.result).toMatch(/^GET http:\/\/ada:\*\*\*@127\.0\.0\.1:1\/secret failed: /);
    const run = await onlyTaskRun(bed.env.store, outcome.flowRunId, 'http-request');
    expect(run.inputs).toBe('[{"url":"http://ada:***@127.0.0.1:1/secret"}]');
    expect(JSON.stringify(await bed.env.store.listStates(run.id))).not.toContain('hunter22');
  });

  it('works as a plain call outside a flow', async () => {
    bed.server.handle((_request, response) => sendJson(response, 200, [1, 2]));
    expect((await httpRequest({ url: `${bed.server.base}/plain` })).body).toEqual([1, 2]);
  });
});
