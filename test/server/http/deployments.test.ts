import { describe, expect, it } from 'vitest';
import { BUNDLE_ROUTES, DEPLOYMENT_ROUTES, WORK_POOL_ROUTES } from '../../../app/core/api/index.js';
import { bundleHash } from '../../../app/server/index.js';
import { PARAMETER_SCHEMA, deployRequest, textBundle, useDeploymentServer } from './deployment-support.js';
import { call, startTestServer } from './support.js';

const live = useDeploymentServer();

describe('deployments', () => {
  it('are created, listed, read by id and by name, paused, resumed, replaced and deleted', async () => {
    const { client, server } = live.current;
    const made = await client.deploy({
      body: deployRequest({
        parameters: { n: 1 },
        parameterSchema: PARAMETER_SCHEMA,
        tags: ['nightly'],
        schedules: [{ cron: '0 3 * * *', timezone: 'Asia/Shanghai' }],
      }),
    });
    expect(made).toMatchObject({ fullName: 'etl/nightly', workPool: 'main', parameters: { n: 1 }, paused: false, tags: ['nightly'] });
    expect(made.schedules[0].description).toContain('03:00');

    const listed = await client.listDeployments();
    expect(listed.map((d) => [d.fullName, d.id])).toEqual([['etl/nightly', made.id]]);
    expect(await client.listDeployments({ query: { workPool: 'other' } })).toEqual([]);
    expect((await client.getDeployment({ params: { id: made.id } })).fullName).toBe('etl/nightly');
    expect((await client.getDeploymentByName({ params: { flow: 'etl', name: 'nightly' } })).id).toBe(made.id);

    expect((await client.pauseDeployment({ params: { id: made.id } })).paused).toBe(true);
    expect((await client.resumeDeployment({ params: { id: made.id } })).paused).toBe(false);

    const replaced = await client.deploy({ body: deployRequest({ description: 'every night' }) });
    expect(replaced).toMatchObject({ id: made.id, description: 'every night', parameters: {}, schedules: [] });

    expect((await call(`${server.api}/deployments/${made.id}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await call(`${server.api}/deployments/${made.id}`);
    expect(gone.status).toBe(404);
    expect(gone.json.message).toBe(`no deployment with id '${made.id}'`);
    const byName = await call(`${server.api}/deployments/name/etl/nightly`);
    expect(byName.status).toBe(404);
    expect(byName.json.message).toBe("no deployment named 'etl/nightly'");
    for (const action of ['pause', 'resume']) {
      expect((await call(`${server.api}/deployments/${made.id}/${action}`, { method: 'POST' })).status).toBe(404);
    }
    expect((await call(`${server.api}/deployments/${made.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses an unknown work pool or bundle with 404 naming it', async () => {
    const { server } = live.current;
    const pool = await call(`${server.api}/deployments`, { method: 'POST', body: deployRequest({ workPool: 'nowhere' }) });
    expect(pool.status).toBe(404);
    expect(pool.json.message).toMatch(/workPool.*'nowhere'/);

    const hash = 'a'.repeat(64);
    const bundle = await call(`${server.api}/deployments`, { method: 'POST', body: deployRequest({ bundle: hash }) });
    expect(bundle.status).toBe(404);
    expect(bundle.json.message).toBe(`bundle: no bundle with hash ${hash} is stored for deployment 'etl/nightly'; upload it first`);
    expect((await call(`${server.api}/deployments`)).json).toEqual([]);
  });

  it('refuses default parameters that do not fit the schema with 422 naming the parameter and the deployment', async () => {
    const { server } = live.current;
    const answer = await call(`${server.api}/deployments`, {
      method: 'POST',
      body: deployRequest({ parameters: { n: 'three' }, parameterSchema: PARAMETER_SCHEMA }),
    });
    expect(answer.status).toBe(422);
    expect(answer.json.message).toMatch(/deployment 'etl\/nightly'.*parameter n: /);
    // Defaults may leave a required parameter to each run; a schedule's runs have nothing else, so theirs may not.
    expect((await call(`${server.api}/deployments`, { method: 'POST', body: deployRequest({ parameterSchema: PARAMETER_SCHEMA }) })).status).toBe(
      200,
    );
    const scheduled = await call(`${server.api}/deployments`, {
      method: 'POST',
      body: deployRequest({ parameterSchema: PARAMETER_SCHEMA, schedules: [{ interval: 3600, parameters: { label: 'x' } }] }),
    });
    expect(scheduled.status).toBe(422);
    expect(scheduled.json.message).toMatch(/parameters of schedule 1 of deployment 'etl\/nightly'.*n/);
  });

  it('refuses a bad schedule with 400 naming the field', async () => {
    const { server } = live.current;
    const answer = await call(`${server.api}/deployments`, { method: 'POST', body: deployRequest({ schedules: [{ cron: '61 * * * *' }] }) });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(/cron: "61 \* \* \* \*" is not a valid cron expression/);
  });

  it('stores several at once, or when any is wrong none of them', async () => {
    const { client, server } = live.current;
    const good = deployRequest({ name: 'a' });
    const badParameters = deployRequest({ name: 'b', parameters: { n: 'x' }, parameterSchema: PARAMETER_SCHEMA });
    const badPool = deployRequest({ name: 'c', workPool: 'nowhere' });
    const refused = await call(`${server.api}/deployments/batch`, { method: 'POST', body: { deployments: [good, badParameters] } });
    expect(refused.status).toBe(422);
    expect(refused.json.message).toContain("deployment 'etl/b'");
    const refusedPool = await call(`${server.api}/deployments/batch`, { method: 'POST', body: { deployments: [good, badPool] } });
    expect(refusedPool.status).toBe(404);
    expect(refusedPool.json.message).toMatch(/etl\/c.*nowhere|nowhere.*etl\/c/);
    expect(await client.listDeployments()).toEqual([]);

    const made = await client.deployMany({ body: { deployments: [good, deployRequest({ name: 'b' })] } });
    expect(made.map((d) => d.fullName)).toEqual(['etl/a', 'etl/b']);
    expect((await client.listDeployments()).map((d) => d.fullName).sort()).toEqual(['etl/a', 'etl/b']);
  });
});

describe('runs on demand', () => {
  it("take the deployment's parameters with the given ones over them", async () => {
    const { client } = live.current;
    const deployment = await client.deploy({ body: deployRequest({ parameters: { n: 1, label: 'default' }, parameterSchema: PARAMETER_SCHEMA }) });
    const before = Date.now();
    const run = await client.runDeployment({ params: { id: deployment.id }, body: { parameters: { n: 2 }, tags: ['manual'] } });
    expect(run).toMatchObject({ deploymentId: deployment.id, parameters: { n: 2, label: 'default' }, state: { type: 'SCHEDULED' } });
    expect(run.tags).toContain('manual');
    expect(run.expectedStartTime).toBeGreaterThanOrEqual(before);
    expect(run.expectedStartTime).toBeLessThanOrEqual(Date.now());

    const later = before + 3_600_000;
    expect((await client.runDeployment({ params: { id: deployment.id }, body: { scheduledTime: later } })).expectedStartTime).toBe(later);
  });

  it('are made once per idempotency key', async () => {
    const { client } = live.current;
    const deployment = await client.deploy({ body: deployRequest() });
    const first = await client.runDeployment({ params: { id: deployment.id }, body: { idempotencyKey: 'order-17' } });
    const again = await client.runDeployment({ params: { id: deployment.id }, body: { idempotencyKey: 'order-17' } });
    expect(again.id).toBe(first.id);
  });

  it('refuse parameters that do not fit with 422 naming the parameter, and an unknown deployment with 404', async () => {
    const { client, server } = live.current;
    const deployment = await client.deploy({ body: deployRequest({ parameterSchema: PARAMETER_SCHEMA }) });
    const wrongType = await call(`${server.api}/deployments/${deployment.id}/runs`, { method: 'POST', body: { parameters: { n: 1.5 } } });
    expect(wrongType.status).toBe(422);
    expect(wrongType.json.message).toMatch(/deployment 'etl\/nightly'.*parameter n: /);
    expect(wrongType.json.issues).toEqual([{ path: ['n'], message: expect.any(String) }]);
    const missing = await call(`${server.api}/deployments/${deployment.id}/runs`, { method: 'POST', body: {} });
    expect(missing.status).toBe(422);
    expect(missing.json.message).toMatch(/\bn\b/);
    const unknownKey = await call(`${server.api}/deployments/${deployment.id}/runs`, { method: 'POST', body: { parameters: { n: 1, extra: true } } });
    expect(unknownKey.status).toBe(422);
    expect(unknownKey.json.message).toMatch(/extra/);
    expect((await client.getDeployment({ params: { id: deployment.id } })).upcoming).toEqual([]);

    const unknown = await call(`${server.api}/deployments/nope/runs`, { method: 'POST', body: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toBe("no deployment with id 'nope'");
  });
});

describe('bundles', () => {
  const bundle = textBundle({ 'flows/etl.ts': 'export const etl = 1;\n', 'lib/util.ts': 'export {};\n' });

  it('are stored at their hash and given back; a deployment may then name one', async () => {
    const { client, server } = live.current;
    const hash = bundleHash(bundle);
    expect(await client.putBundle({ params: { hash }, body: bundle })).toEqual({ hash, files: 2, bytes: 33 });
    expect(await client.getBundle({ params: { hash } })).toEqual(bundle);
    expect((await client.deploy({ body: deployRequest({ bundle: hash }) })).bundle).toBe(hash);
    const unknown = await call(`${server.api}/bundles/${'0'.repeat(64)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toBe(`no bundle with hash ${'0'.repeat(64)}`);
  });

  it('refuse content that is not the hash with 400, storing nothing', async () => {
    const { server } = live.current;
    const wrong = 'f'.repeat(64);
    const answer = await call(`${server.api}/bundles/${wrong}`, { method: 'PUT', body: bundle });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toBe(`the bundle's content has the hash ${bundleHash(bundle)}, not ${wrong}; it was not stored`);
    expect((await call(`${server.api}/bundles/${wrong}`)).status).toBe(404);
    const badPath = await call(`${server.api}/bundles/${wrong}`, { method: 'PUT', body: textBundle({ '../etc/passwd': 'x' }) });
    expect(badPath.status).toBe(400);
    expect(badPath.json.message).toMatch(/path/);
  });

  it('take a body larger than the server usually takes', async () => {
    const server = await startTestServer({ bodyLimitBytes: 64 * 1024, home: live.current.server.dbPath.replace(/\/[^/]+$/, '') });
    try {
      const big = textBundle({ 'flows/big.ts': `// ${'x'.repeat(200 * 1024)}\n` });
      const hash = bundleHash(big);
      const answer = await call(`${server.api}/bundles/${hash}`, { method: 'PUT', body: big });
      expect(answer.status).toBe(200);
      expect(answer.json.hash).toBe(hash);
      const elsewhere = await call(`${server.api}/deployments`, {
        method: 'POST',
        body: { ...deployRequest(), description: 'x'.repeat(100 * 1024) },
      });
      expect(elsewhere.status).toBe(413);
      expect(elsewhere.json.message).toBe('the request body is larger than the 65536 bytes this server accepts');
    } finally {
      await server.close();
    }
  });
});

describe('with an API key', () => {
  it('every route of deployments, work pools, workers and bundles answers 401 without it', async () => {
    const server = await startTestServer({ apiKey: 'sesame' });
    try {
      const routes = [...Object.values(DEPLOYMENT_ROUTES), ...Object.values(WORK_POOL_ROUTES), ...Object.values(BUNDLE_ROUTES)];
      for (const route of routes) {
        const path = route.path.replace(/:hash/, 'a'.repeat(64)).replace(/:(\w+)/g, 'x');
        const answer = await call(`${server.api}${path}`, { method: route.method, body: route.method === 'GET' ? undefined : {} });
        expect(answer.status, `${route.method} ${route.path}`).toBe(401);
        const allowed = await call(`${server.api}${path}`, {
          method: route.method,
          body: route.method === 'GET' ? undefined : {},
          headers: { authorization: 'Bearer sesame' },
        });
        expect(allowed.status, `${route.method} ${route.path}`).not.toBe(401);
      }
    } finally {
      await server.close();
    }
  });
});
