// Thousands of generated bad requests: every answer must be a 4xx with a JSON message, never a
// 5xx, and the server must stay up. Valid requests with extreme values must never fail either.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, MAX_TIME_MS } from '../../../app/core/api/index.js';
import { newId } from '../../../app/core/index.js';
import { call, flowRunRequest, startTestServer, taskRunRequest, type Answer, type TestServer } from './support.js';

const BODY_LIMIT = 64 * 1024;
let server: TestServer;
let knownFlowRun: string;
let knownTaskRun: string;
/** The server's workspace (empty, so no generated request finds a flow file to run) and FLOWDECK_HOME. */
const scratch = mkdtempSync(join(tmpdir(), 'flowdeck-bad-input-'));
const workspace = join(scratch, 'workspace');

beforeAll(async () => {
  mkdirSync(workspace);
  server = await startTestServer({ bodyLimitBytes: BODY_LIMIT, workspace, home: join(scratch, 'home') });
  const flowRun = flowRunRequest();
  knownFlowRun = flowRun.id;
  await server.store.createFlowRun(flowRun);
  const taskRun = taskRunRequest(flowRun.id);
  knownTaskRun = taskRun.id;
  await server.store.createTaskRun(taskRun);
});
afterAll(async () => {
  // Still up, and nothing it did was its own fault.
  expect((await call(`${server.api}/health`)).status).toBe(200);
  expect(server.unexpected).toEqual([]);
  await server.close();
  // Whatever generated writes created stayed inside the workspace.
  expect(readdirSync(scratch).filter((name) => name !== 'home')).toEqual(['workspace']);
  rmSync(scratch, { recursive: true, force: true });
});

interface RawRequest {
  method: string;
  path: string;
  query?: [string, string][];
  body?: string;
  contentType?: string;
}

async function send(request: RawRequest): Promise<Answer> {
  const search = request.query?.length ? `?${new URLSearchParams(request.query).toString()}` : '';
  const hasBody = request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD';
  const answer = call(`${server.url}${request.path}${search}`, {
    method: request.method,
    body: hasBody ? request.body : undefined,
    headers: hasBody && request.contentType ? { 'content-type': request.contentType } : {},
  });
  // A request left unanswered would otherwise only show as the whole test's timeout, without the
  // request that caused it; this names it.
  let timer: NodeJS.Timeout | undefined;
  const unanswered = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`no answer after ${UNANSWERED_MS / 1000} s: ${request.method} ${request.path}${search} ${request.body?.slice(0, 300) ?? ''}`),
        ),
      UNANSWERED_MS,
    );
  });
  try {
    return await Promise.race([answer, unanswered]);
  } finally {
    clearTimeout(timer);
  }
}

/** Well past any answer's time on a loaded machine, and inside the test's own timeout. */
const UNANSWERED_MS = 30_000;

function describeAnswer(request: RawRequest, answer: Answer): string {
  return `${request.method} ${request.path} ${JSON.stringify(request.query ?? [])} ${request.body?.slice(0, 300)}\n=> ${answer.status} ${answer.text.slice(0, 300)}`;
}

/** A refusal: a 4xx whose JSON body says what was wrong. */
function expectRefusal(request: RawRequest, answer: Answer, status?: number): void {
  const what = describeAnswer(request, answer);
  if (status !== undefined) expect(answer.status, what).toBe(status);
  expect(answer.status, what).toBeGreaterThanOrEqual(400);
  expect(answer.status, what).toBeLessThan(500);
  expect(answer.headers.get('content-type'), what).toMatch(/^application\/json/);
  expect(typeof answer.json?.message, what).toBe('string');
  expect(answer.json.message.length, what).toBeGreaterThan(0);
}

const ROUTES: [string, string][] = [
  ['GET', '/api/health'],
  ['GET', '/api/dashboard'],
  ['GET', '/api/flows'],
  ['GET', '/api/flow-runs'],
  ['GET', '/api/flow-runs/:id'],
  ['GET', '/api/flow-runs/:id/task-runs'],
  ['GET', '/api/flow-runs/:id/logs'],
  ['GET', '/api/flow-runs/:id/states'],
  ['GET', '/api/flow-runs/:id/task-run-states'],
  ['POST', '/api/flow-runs/:id/cancel'],
  ['POST', '/api/flow-runs/:id/rerun'],
  ['POST', '/api/flow-runs/:id/run-again'],
  ['POST', '/api/flow-runs/:id/run-from'],
  ['GET', '/api/flow-runs/:id/recorded-runs'],
  ['POST', '/api/flow-runs/:id/retry'],
  ['POST', '/api/flow-runs/:id/resume'],
  ['GET', '/api/flow-runs/:id/resume-input'],
  ['GET', '/api/task-runs/:id'],
  ['GET', '/api/task-runs/:id/states'],
  ['POST', '/api/task-runs/:id/continue'],
  ['POST', '/api/task-runs/:id/skip'],
  ['POST', '/api/task-runs/:id/fail'],
  ['POST', '/api/flow-runs/:id/continue'],
  ['POST', '/api/flow-runs/:id/break'],
  ['GET', '/api/flow-runs/:id/breakpoint-answers'],
  ['GET', '/api/concurrency-limits'],
  ['GET', '/api/concurrency-limits/:id'],
  ['PUT', '/api/concurrency-limits/:id'],
  ['DELETE', '/api/concurrency-limits/:id'],
  ['GET', '/api/run-ids/resolve'],
  ['POST', '/api/run-ids/prefixes'],
  ['POST', '/api/reports'],
  ['GET', '/api/workspace'],
  ['PUT', '/api/workspace'],
  ['GET', '/api/workspace/files'],
  ['GET', '/api/workspace/file'],
  ['PUT', '/api/workspace/file'],
  ['GET', '/api/templates'],
  ['POST', '/api/flow-files/describe'],
  ['POST', '/api/flow-files/run'],
  ['POST', '/api/workspace/deploy'],
  ['GET', '/api/deployments'],
  ['POST', '/api/deployments'],
  ['POST', '/api/deployments/batch'],
  ['GET', '/api/deployments/:id'],
  ['GET', '/api/deployments/name/:id/:id'],
  ['POST', '/api/deployments/:id/runs'],
  ['POST', '/api/deployments/:id/pause'],
  ['POST', '/api/deployments/:id/resume'],
  ['DELETE', '/api/deployments/:id'],
  ['POST', '/api/deployments/:id/claim'],
  ['GET', '/api/work-pools'],
  ['POST', '/api/work-pools'],
  ['GET', '/api/work-pools/:id'],
  ['PUT', '/api/work-pools/:id'],
  ['DELETE', '/api/work-pools/:id'],
  ['GET', '/api/work-pools/:id/queues'],
  ['POST', '/api/work-pools/:id/queues'],
  ['GET', '/api/work-pools/:id/queues/:id'],
  ['PUT', '/api/work-pools/:id/queues/:id'],
  ['DELETE', '/api/work-pools/:id/queues/:id'],
  ['GET', '/api/work-pools/:id/workers'],
  ['POST', '/api/work-pools/:id/workers/heartbeat'],
  ['DELETE', '/api/work-pools/:id/workers/:id'],
  ['POST', '/api/work-pools/:id/claim'],
  ['POST', '/api/work-pools/:id/release'],
  ['PUT', '/api/bundles/:id'],
  ['GET', '/api/bundles/:id'],
  ['POST', '/api/artifacts'],
  ['GET', '/api/artifacts'],
  ['GET', '/api/artifacts/latest'],
  ['GET', '/api/artifacts/keys/:id'],
  ['DELETE', '/api/artifacts/keys/:id'],
  ['GET', '/api/artifacts/:id'],
  ['PUT', '/api/artifacts/:id/progress'],
  ['DELETE', '/api/artifacts/:id'],
  ['GET', '/api/variables'],
  ['GET', '/api/variables/:id'],
  ['PUT', '/api/variables/:id'],
  ['DELETE', '/api/variables/:id'],
  ['GET', '/api/block-types'],
  ['GET', '/api/blocks'],
  ['POST', '/api/blocks'],
  ['GET', '/api/blocks/:id/:id'],
  ['PUT', '/api/blocks/:id/:id'],
  ['DELETE', '/api/blocks/:id/:id'],
  ['POST', '/api/blocks/:id/:id/load'],
  ['GET', '/api/automations'],
  ['POST', '/api/automations'],
  ['GET', '/api/automations/:id'],
  ['PATCH', '/api/automations/:id'],
  ['DELETE', '/api/automations/:id'],
  ['PATCH', '/api/flow-runs'],
  ['GET', '/api/no-such-thing/:id'],
];

const QUERY_KEYS = [
  'hours',
  'buckets',
  'flowName',
  'stateTypes',
  'tags',
  'createdAfter',
  'createdBefore',
  'parentFlowRunId',
  'q',
  'sort',
  'limit',
  'cursor',
  'afterId',
  'beforeId',
  'taskRunId',
  'minLevel',
  'kind',
  'prefix',
  'path',
  'pauseId',
  'flowRunId',
  'key',
  'type',
  'firings',
  // Not waitMs: a generated wait on the known flow run would hold its request open up to a minute.
  'after',
  'tag',
  'nameContains',
  'x',
  '__proto__',
  'constructor',
];

const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '%', '%ZZ', '..', '__proto__', 'constructor', '\u0000', 'null', '-1', '1e400', '9'.repeat(40), 'a'.repeat(3000)),
  fc.integer().map(String),
  fc.double().map(String),
);

const idSegment = fc.oneof(
  oddText.filter((text) => text !== '' && text !== '.' && text !== '..').map(encodeURIComponent),
  fc.constantFrom('%ZZ', '%', '%E0%A4%A'),
  fc.constant(null),
);

const jsonBody = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"operations":', '[]', 'null', '""', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', '{"limit":1e999}'),
  fc.integer({ min: 1, max: 5000 }).map((depth) => `{"operations":${'['.repeat(depth)}${']'.repeat(depth)}}`),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  undefined,
);

describe('bad input', () => {
  it('tries every route of the API', () => {
    const tried = new Set(ROUTES.map(([method, path]) => `${method} ${path.replace(/:\w+/g, ':id')}`));
    const missing = Object.values(API_ROUTES)
      .map((route) => `${route.method} /api${route.path.replace(/:\w+/g, ':id')}`)
      .filter((route) => !tried.has(route));
    expect(missing).toEqual([]);
  });

  it('never answers a 5xx to any request, and every refusal is JSON with a message', async () => {
    const request = fc.record({
      route: fc.constantFrom(...ROUTES),
      id: idSegment,
      query: fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), oddText), { maxLength: 4 }),
      body: fc.option(jsonBody, { nil: undefined }),
      contentType,
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ route: [method, template], id, query, body, contentType }) => {
        const path = template.replace(':id', id ?? (template.includes('task-runs') ? knownTaskRun : knownFlowRun));
        const raw: RawRequest = { method, path, query, body, contentType };
        const answer = await send(raw);
        expect(answer.status, describeAnswer(raw, answer)).toBeLessThan(500);
        if (answer.status >= 400) expectRefusal(raw, answer);
      }),
      { numRuns: 1200 },
    );
  });

  it('keeps every generated workspace path inside the workspace', async () => {
    const segment = fc.constantFrom('..', '.', '', 'a', 'b', 'x.ts', '.git', 'node_modules', '..\\', 'C:', '%2e%2e', '~', '\u0000', ' ', 'é.ts');
    const name = fc.constantFrom('x.ts', 'é.ts', 'x.d.ts', '.x.ts', 'x.js', '..', '');
    const path = fc.tuple(fc.array(segment, { maxLength: 4 }), name).map(([folders, last]) => [...folders, last].join('/'));
    const lead = fc.constantFrom('', '', '', '/', '../', './', workspace + '/', scratch + '/');
    await fc.assert(
      fc.asyncProperty(lead, path, fc.constantFrom('read', 'write', 'describe'), async (prefix, rest, action) => {
        const target = `${prefix}${rest}`;
        const raw: RawRequest =
          action === 'read'
            ? { method: 'GET', path: '/api/workspace/file', query: [['path', target]] }
            : action === 'write'
              ? { method: 'PUT', path: '/api/workspace/file', body: JSON.stringify({ path: target, content: 'x' }), contentType: 'application/json' }
              : { method: 'POST', path: '/api/flow-files/describe', body: JSON.stringify({ path: target }), contentType: 'application/json' };
        const answer = await send(raw);
        expect(answer.status, describeAnswer(raw, answer)).toBeLessThan(500);
        if (answer.status >= 400) expectRefusal(raw, answer);
        const clean =
          prefix === '' &&
          // eslint-disable-next-line no-control-regex -- a NUL in a path part is what it rules out
          rest.split('/').every((part) => /^[^./\\\u0000][^/\\\u0000]*$/.test(part) && part !== 'node_modules') &&
          /[^/]\.ts$/.test(rest);
        if (action === 'write' && answer.status === 200) expect(clean, describeAnswer(raw, answer)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('answers malformed JSON with 400', async () => {
    const malformed = fc.string({ minLength: 1, maxLength: 100 }).filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return text.trim() !== '';
      }
    });
    await fc.assert(
      fc.asyncProperty(malformed, fc.constantFrom(['POST', '/api/reports'], ['PUT', '/api/concurrency-limits/db']), async (body, [method, path]) => {
        const raw = { method, path, body, contentType: 'application/json' };
        const answer = await send(raw);
        expectRefusal(raw, answer, 400);
        expect(answer.json.message).toMatch(/^body: /);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses keys that reach a prototype, naming where they are', async () => {
    const key = fc.constantFrom('"__proto__":{"polluted":true}', '"constructor":{"prototype":{"polluted":true}}');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 }), key, async (position, forbidden) => {
        const operations = Array.from({ length: 3 }, (_, i) =>
          i === position ? `{"kind":"heartbeat","flowRunIds":[],${forbidden}}` : '{"kind":"heartbeat","flowRunIds":[]}',
        );
        const raw = { method: 'POST', path: '/api/reports', body: `{"operations":[${operations.join(',')}]}`, contentType: 'application/json' };
        const answer = await send(raw);
        expectRefusal(raw, answer, 400);
        expect(answer.json.message).toMatch(
          new RegExp(`^body\\.operations\\[${position}\\]\\.(__proto__|constructor\\.prototype): this key is not allowed$`),
        );
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 30 },
    );
  });

  it('answers unknown ids with 404 naming the id', async () => {
    const paths = [
      '/api/flow-runs/ID',
      '/api/flow-runs/ID/task-runs',
      '/api/flow-runs/ID/logs',
      '/api/flow-runs/ID/states',
      '/api/task-runs/ID',
      '/api/task-runs/ID/states',
      '/api/concurrency-limits/ID',
    ];
    const unknownId = fc
      .string({ minLength: 1, maxLength: 100 })
      .filter((id) => id.trim() !== '' && id !== '.' && id !== '..' && id !== knownFlowRun);
    await fc.assert(
      fc.asyncProperty(unknownId, fc.constantFrom(...paths), async (id, template) => {
        const raw = { method: 'GET', path: template.replace('ID', encodeURIComponent(id)) };
        const answer = await send(raw);
        expectRefusal(raw, answer, 404);
        expect(answer.json.message).toContain(`'${id}'`);
      }),
      { numRuns: 300 },
    );
  });

  it('answers a report with a field of the wrong type or missing with 400 naming the field', async () => {
    const notString = fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.constant([]),
      fc.constant({}),
    );
    const notObject = fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null));
    const notInteger = fc.oneof(
      fc.string(),
      fc.double({ min: 0.1, max: 1e6, noNaN: true }).filter((n) => !Number.isInteger(n)),
      fc.constant(2 ** 60),
      fc.boolean(),
      fc.constant(null),
    );
    const targets: [kind: 'createFlowRun' | 'createTaskRun' | 'setState', path: string, wrong: fc.Arbitrary<unknown> | 'missing'][] = [
      ['createFlowRun', 'id', notString],
      ['createFlowRun', 'flowName', notString],
      ['createFlowRun', 'name', 'missing'],
      ['createFlowRun', 'retryPolicy', notObject],
      ['createFlowRun', 'state', 'missing'],
      ['createFlowRun', 'state.type', fc.oneof(notString, fc.constantFrom('DONE', 'completed', ''))],
      ['createFlowRun', 'parameters', fc.oneof(fc.integer(), fc.string(), fc.constant([1]))],
      ['createFlowRun', 'transitionId', 'missing'],
      ['createTaskRun', 'flowRunId', notString],
      ['createTaskRun', 'dynamicKey', notInteger],
      ['createTaskRun', 'taskKey', fc.constant('')],
      ['createTaskRun', 'tags', fc.oneof(fc.string(), fc.constant([1, 2]))],
      ['createTaskRun', 'retryPolicy.retries', fc.oneof(notInteger, fc.integer({ max: -1 }))],
      ['setState', 'kind', fc.constantFrom('workflow', 'FLOW', 3)],
      ['setState', 'runId', fc.oneof(notString, fc.constant(''))],
      ['setState', 'state.name', 'missing'],
      ['setState', 'state.cacheExpirationSeconds', fc.constant(-1)],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), fc.integer({ min: 0, max: 2 }), fc.gen(), async ([kind, path, wrong], position, gen) => {
        const flowRun = flowRunRequest();
        const requests = {
          createFlowRun: flowRun,
          createTaskRun: taskRunRequest(flowRun.id),
          setState: { kind: 'flow', runId: flowRun.id, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } },
        } as Record<string, Record<string, unknown>>;
        const request = structuredClone(requests[kind]);
        const keys = path.split('.');
        let holder = request;
        for (const key of keys.slice(0, -1)) holder = holder[key] as Record<string, unknown>;
        const last = keys[keys.length - 1];
        if (wrong === 'missing') delete holder[last];
        else holder[last] = gen(() => wrong);
        const operations: unknown[] = [
          { kind: 'createFlowRun', request: flowRunRequest() },
          { kind: 'heartbeat', flowRunIds: [] },
        ];
        operations.splice(position, 0, { kind, request });
        const raw = { method: 'POST', path: '/api/reports', body: JSON.stringify({ operations }), contentType: 'application/json' };
        const answer = await send(raw);
        expectRefusal(raw, answer, 400);
        const field = `body.operations[${position}].request.${path}`.replace(/[.[\]]/g, '\\$&');
        expect(answer.json.message, describeAnswer(raw, answer)).toMatch(new RegExp(`^${field}(: |\\[)`));
      }),
      { numRuns: 400 },
    );
  });

  it('answers out-of-range, non-numeric or unknown query values with 400 naming the parameter', async () => {
    const badNumber = (min: number, max: number) =>
      fc.oneof(
        fc.bigInt({ min: BigInt(max) + 1n, max: BigInt(max) * 1000n }).map(String),
        fc.bigInt({ min: -(10n ** 20n), max: BigInt(min) - 1n }).map(String),
        fc.constantFrom('2.5', '1e3', ' 3', '0x10', 'ten', '', '99999999999999999999999', 'Infinity', '-0.0'),
      );
    const cases: [string, string, fc.Arbitrary<string>][] = [
      ['/api/flow-runs', 'limit', badNumber(1, 200)],
      ['/api/flow-runs', 'createdAfter', badNumber(0, 8_640_000_000_000_000)],
      ['/api/flow-runs', 'createdBefore', badNumber(0, 8_640_000_000_000_000)],
      ['/api/flow-runs/ID/logs', 'afterId', badNumber(0, Number.MAX_SAFE_INTEGER)],
      ['/api/flow-runs/ID/logs', 'limit', badNumber(1, 10_000)],
      ['/api/flow-runs/ID/logs', 'minLevel', badNumber(0, 50)],
      ['/api/flow-runs', 'stateTypes', fc.constantFrom('done', 'failed', 'FAILED,RUNNING', '')],
      ['/api/flow-runs', 'sortBy', fc.constantFrom('createdAt', '')],
      [
        '/api/flow-runs',
        'sort',
        fc.oneof(
          fc.string({ maxLength: 12 }).filter((text) => text !== 'newest' && text !== 'oldest'),
          fc.constantFrom('NEWEST', 'name', 'duration', ''),
        ),
      ],
      [
        '/api/flow-runs',
        'q',
        fc.oneof(
          fc.stringMatching(/^\s*$/),
          fc.string({ minLength: 201, maxLength: 400 }).filter((text) => text.trim().length > 200),
          fc.string({ maxLength: 20 }).map((text) => `${text}\u0000`),
        ),
      ],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...cases).chain(([path, key, value]) => fc.tuple(fc.constant(path), fc.constant(key), value)),
        async ([path, key, value]) => {
          const raw = { method: 'GET', path: path.replace('ID', knownFlowRun), query: [[key, value]] as [string, string][] };
          const answer = await send(raw);
          expectRefusal(raw, answer, 400);
          expect(answer.json.message, describeAnswer(raw, answer)).toMatch(new RegExp(`^query(\\.${key}|: Unrecognized key)`));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers bodies over the limit with 413', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: BODY_LIMIT + 1, max: BODY_LIMIT * 2 }),
        fc.constantFrom(['POST', '/api/reports'], ['PUT', '/api/concurrency-limits/db']),
        async (size, [method, path]) => {
          const prefix = '{"operations":[],"pad":"';
          const body = `${prefix}${'x'.repeat(size - prefix.length - 2)}"}`;
          const raw = { method, path, body, contentType: 'application/json' };
          const answer = await send(raw);
          expectRefusal(raw, answer, 413);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('stores valid reports with extreme values without failing', async () => {
    const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 64 });
    // The largest values each field accepts.
    const time = fc.constantFrom(0, MAX_TIME_MS, Date.now() + 1);
    const seconds = fc.constantFrom(0, 0.001, 10 * 365 * 24 * 3600);
    const bigInt = fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0);
    const report = fc.record({
      flowName: text,
      name: text,
      tags: fc.array(text, { maxLength: 3 }),
      // Keys that reach a prototype are refused on purpose (see below).
      parameters: fc.dictionary(text, fc.jsonValue({ maxDepth: 5 }), { maxKeys: 3 }).filter((p) => !/__proto__|constructor/.test(JSON.stringify(p))),
      retries: fc.constantFrom(0, Number.MAX_SAFE_INTEGER),
      delay: seconds,
      timestamp: time,
      scheduledTime: time,
      dynamicKey: bigInt,
      level: bigInt,
      expiration: seconds,
      message: fc.string({ maxLength: 500 }),
    });
    await fc.assert(
      fc.asyncProperty(report, async (r) => {
        const flowRun = flowRunRequest({
          flowName: r.flowName,
          name: r.name,
          tags: r.tags,
          parameters: r.parameters,
          retryPolicy: { retries: r.retries, retryDelaySeconds: [r.delay] },
          pid: Number.MAX_SAFE_INTEGER,
        });
        const taskRun = taskRunRequest(flowRun.id, {
          name: r.name,
          dynamicKey: r.dynamicKey,
          tags: r.tags,
          retryPolicy: { retries: r.retries, retryDelaySeconds: [r.delay] },
        });
        const transition = (state: Record<string, unknown>) => ({
          kind: 'setState',
          request: { kind: 'task', runId: taskRun.id, transitionId: newId(), state },
        });
        const body = {
          operations: [
            { kind: 'createFlowRun', request: flowRun },
            { kind: 'setState', request: { kind: 'flow', runId: flowRun.id, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } } },
            { kind: 'createTaskRun', request: taskRun },
            transition({ type: 'SCHEDULED', name: 'Scheduled', scheduledTime: r.scheduledTime, message: r.message }),
            transition({ type: 'RUNNING', name: 'Running', cacheKey: r.name }),
            transition({ type: 'FAILED', name: 'Failed', error: { name: r.name, message: r.message } }),
            transition({ type: 'COMPLETED', name: 'Completed', cacheKey: r.name, cacheExpirationSeconds: r.expiration, resultPreview: r.message }),
          ],
          logs: [{ flowRunId: flowRun.id, taskRunId: taskRun.id, level: r.level, message: r.message, timestamp: r.timestamp, attempt: r.dynamicKey }],
        };
        const raw = { method: 'POST', path: '/api/reports', body: JSON.stringify(body), contentType: 'application/json' };
        const answer = await send(raw);
        expect(answer.status, describeAnswer(raw, answer)).toBe(200);
        const failed = (answer.json.results as { error?: { status: number } }[]).filter((result) => result.error);
        expect(failed, describeAnswer(raw, answer)).toEqual([]);
        for (const path of [
          `/api/flow-runs/${flowRun.id}`,
          `/api/flow-runs/${flowRun.id}/task-runs`,
          `/api/flow-runs/${flowRun.id}/logs`,
          `/api/task-runs/${taskRun.id}/states`,
        ]) {
          const read = await send({ method: 'GET', path });
          expect(read.status, describeAnswer({ method: 'GET', path }, read)).toBe(200);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('refuses parameters nested too deeply to store', async () => {
    for (const depth of [65, 5000, 30_000]) {
      const parameters = `{"p":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const flowRun = JSON.stringify({ ...flowRunRequest(), parameters: '@' }).replace('"@"', parameters);
      const raw = {
        method: 'POST',
        path: '/api/reports',
        body: `{"operations":[{"kind":"createFlowRun","request":${flowRun}}]}`,
        contentType: 'application/json',
      };
      const answer = await send(raw);
      expectRefusal(raw, answer, 400);
      expect(answer.json.message).toBe('body.operations[0].request.parameters: nested deeper than 64 levels');
    }
  });
});

describe('the default body limit', () => {
  it('refuses a body over 8 MiB with 413 and still takes the next request', async () => {
    const big = await startTestServer();
    try {
      const body = `{"operations":[],"pad":"${'x'.repeat(8 * 1024 * 1024)}"}`;
      const answer = await call(`${big.api}/reports`, { method: 'POST', body });
      expect(answer.status).toBe(413);
      expect(answer.json.message).toMatch(/larger than the 8388608 bytes/);
      expect((await call(`${big.api}/health`)).status).toBe(200);
    } finally {
      await big.close();
    }
  });
});
