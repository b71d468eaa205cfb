import { describe, expect, it } from 'vitest';
import type { AutomationRead } from '../../../app/core/api/index.js';
import type { AutomationSpecInput } from '../../../app/core/automations/index.js';
import { EncryptionKeySource } from '../../../app/server/index.js';
import { waitUntil } from '../../helpers/cli.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import { deployRequest, useDeploymentServer } from '../http/deployment-support.js';
import { call, flowRunRequest } from '../http/support.js';
import { runEndingIn, startReceiver } from './support.js';

const API_KEY = 'automation-rules-key';
const live = useDeploymentServer({
  apiKey: API_KEY,
  encryptionKey: new EncryptionKeySource({ setting: null, home: makeTempHome().home }),
  automationIntervalMs: 50,
});

function authed(init: { method?: string; body?: unknown } = {}) {
  return { ...init, headers: { authorization: `Bearer ${API_KEY}` } };
}

function webhookOn(
  name: string,
  trigger: Partial<Extract<AutomationSpecInput['trigger'], { kind: 'flow-run-state' }>>,
  enabled = true,
): AutomationSpecInput {
  return {
    name,
    enabled,
    trigger: { kind: 'flow-run-state', states: ['FAILED'], ...trigger },
    actions: [{ kind: 'send-notification', block: 'webhook/ops', body: `${name} {{ flowRun.name }}` }],
  };
}

async function doneFirings(name: string, count: number): Promise<AutomationRead> {
  const { client } = live.current;
  return waitUntil(
    async () => {
      const read = await client.getAutomation({ params: { automation: name } });
      return read.firings.length >= count && read.firings.every((firing) => firing.deliveries.every((d) => d.status === 'done')) ? read : null;
    },
    { what: `${count} firing(s) of ${name} done` },
  );
}

describe('automation actions', () => {
  it('run-deployment starts a run of the deployment with the parameters given, once per firing', async () => {
    const { client, server } = live.current;
    const deployment = await client.deploy({ body: deployRequest({ name: 'cleanup', parameters: { n: 1 } }) });
    await client.createAutomation({
      body: {
        name: 'clean-after-failure',
        trigger: { kind: 'flow-run-state', states: ['Failed'], flows: ['loader'] },
        actions: [{ kind: 'run-deployment', deployment: 'etl/cleanup', parameters: { n: 7 } }],
      },
    });
    await runEndingIn(server.store, { type: 'FAILED', name: 'Failed' }, { flowName: 'loader' });
    await doneFirings('clean-after-failure', 1);
    const runs = await server.store.listFlowRuns({ deploymentId: deployment.id });
    expect(runs).toHaveLength(1);
    expect(runs[0].parameters).toEqual({ n: 7 });
  });

  it('cancel-flow-run cancels the run that fired', async () => {
    const { client, server } = live.current;
    await client.createAutomation({
      body: {
        name: 'no-runaway',
        trigger: { kind: 'flow-run-state', states: ['Running'], tags: ['runaway'] },
        actions: [{ kind: 'cancel-flow-run' }],
      },
    });
    const request = flowRunRequest({ state: { type: 'RUNNING', name: 'Running' }, tags: ['runaway'] });
    await server.store.createFlowRun(request);
    await doneFirings('no-runaway', 1);
    expect((await server.store.getFlowRun(request.id))?.state.type).toBe('CANCELLING');
  });

  it('pause-deployment pauses the firing run’s own deployment, or the one named', async () => {
    const { client, server } = live.current;
    const own = await client.deploy({ body: deployRequest({ name: 'flaky' }) });
    const other = await client.deploy({ body: deployRequest({ name: 'downstream' }) });
    await client.createAutomation({
      body: {
        name: 'stop-flaky',
        trigger: { kind: 'flow-run-state', states: ['FAILED'], deployments: ['etl/flaky'] },
        actions: [{ kind: 'pause-deployment' }, { kind: 'pause-deployment', deployment: other.id }],
      },
    });
    const run = await client.runDeployment({ params: { id: own.id }, body: {} });
    await server.store.setState({ kind: 'flow', runId: run.id, transitionId: 'to-running', state: { type: 'RUNNING', name: 'Running' } });
    await server.store.setState({ kind: 'flow', runId: run.id, transitionId: 'to-failed', state: { type: 'FAILED', name: 'Failed' } });
    await doneFirings('stop-flaky', 1);
    expect((await client.getDeployment({ params: { id: own.id } })).paused).toBe(true);
    expect((await client.getDeployment({ params: { id: other.id } })).paused).toBe(true);
  });
});

describe('automation triggers', () => {
  it('a deployment run named Late by the server fires an automation on Late', async () => {
    const { client, server } = live.current;
    const deployment = await client.deploy({ body: deployRequest({ name: 'hourly' }) });
    await client.createAutomation({
      body: { name: 'late-runs', trigger: { kind: 'flow-run-state', states: ['Late'] }, actions: [{ kind: 'pause-deployment' }] },
    });
    const run = await client.runDeployment({ params: { id: deployment.id }, body: { scheduledTime: Date.now() - 60_000 } });
    const read = await doneFirings('late-runs', 1);
    expect(read.firings[0]).toMatchObject({ flowRunId: run.id, stateType: 'SCHEDULED', stateName: 'Late' });
    expect((await server.store.getDeployment(deployment.id))?.paused).toBe(true);
  });
});

describe('automation rules', () => {
  it('fire only for runs their flow, deployment and tag filters match; a paused one never, and again once resumed', async () => {
    const { client, server } = live.current;
    const receiver = await startReceiver();
    try {
      await client.createBlock({ body: { type: 'webhook', name: 'ops', data: { url: receiver.url } } });
      const deployment = await client.deploy({ body: deployRequest({ name: 'nightly' }) });
      await client.createAutomation({ body: webhookOn('by-flow', { flows: ['billing'] }) });
      await client.createAutomation({ body: webhookOn('by-deployment', { deployments: [deployment.id] }) });
      await client.createAutomation({ body: webhookOn('by-tag', { tags: ['critical', 'pager'] }) });
      await client.createAutomation({ body: webhookOn('paused', {}, false) });

      await runEndingIn(server.store, { type: 'FAILED', name: 'Failed' }, { flowName: 'billing', name: 'billing-run' });
      await runEndingIn(server.store, { type: 'FAILED', name: 'Failed' }, { flowName: 'other', name: 'tagged-run', tags: ['pager'] });
      await runEndingIn(server.store, { type: 'COMPLETED', name: 'Completed' }, { flowName: 'billing', name: 'fine-run', tags: ['pager'] });
      const fromDeployment = await client.runDeployment({ params: { id: deployment.id }, body: {} });
      await server.store.setState({ kind: 'flow', runId: fromDeployment.id, transitionId: 'f1', state: { type: 'RUNNING', name: 'Running' } });
      await server.store.setState({ kind: 'flow', runId: fromDeployment.id, transitionId: 'f2', state: { type: 'FAILED', name: 'Failed' } });

      await doneFirings('by-flow', 1);
      await doneFirings('by-tag', 1);
      await doneFirings('by-deployment', 1);
      // Every state stored so far has been matched once the cursor passed the last one.
      await waitUntil(async () => receiver.accepted.length >= 3 && (await server.store.recordFirings()) === 0, { what: 'the firings recorded' });
      expect(receiver.accepted.map((c) => (c.body as { body: string }).body).sort()).toEqual([
        'by-deployment ' + fromDeployment.name,
        'by-flow billing-run',
        'by-tag tagged-run',
      ]);
      expect((await client.getAutomation({ params: { automation: 'paused' } })).firings).toEqual([]);

      const resumed = await client.updateAutomation({ params: { automation: 'paused' }, body: { enabled: true } });
      expect(resumed.enabled).toBe(true);
      await runEndingIn(server.store, { type: 'FAILED', name: 'Failed' }, { name: 'after-resume' });
      const read = await doneFirings('paused', 1);
      expect(read.firings).toHaveLength(1);
      expect(receiver.accepted.map((c) => (c.body as { body: string }).body)).toContain('paused after-resume');
    } finally {
      await receiver.close();
    }
  });

  it('are listed, read by name or id, edited and deleted', async () => {
    const { client, server } = live.current;
    await client.createBlock({ body: { type: 'webhook', name: 'ops', data: { url: 'http://127.0.0.1:9/none' } } });
    const made = await client.createAutomation({ body: { ...webhookOn('watch', {}), description: 'tell ops' } });
    expect(made).toMatchObject({ name: 'watch', description: 'tell ops', enabled: true, trigger: { states: ['FAILED'] } });
    expect((await client.listAutomations()).map((a) => a.name)).toEqual(['watch']);
    expect((await client.getAutomation({ params: { automation: made.id } })).name).toBe('watch');
    const edited = await client.updateAutomation({
      params: { automation: 'watch' },
      body: { name: 'watch-late', trigger: { kind: 'flow-run-state', states: ['Late'] } },
    });
    expect(edited).toMatchObject({ id: made.id, name: 'watch-late', trigger: { states: ['Late'] }, description: 'tell ops' });
    expect((await call(`${server.api}/automations/watch-late`, authed({ method: 'DELETE' }))).status).toBe(204);
    const gone = await call(`${server.api}/automations/watch-late`, authed());
    expect(gone.status).toBe(404);
    expect(gone.json.message).toContain("no automation with id or name 'watch-late'");
  });

  it('refuse bad input with a message naming the field, and store nothing', async () => {
    const { client, server } = live.current;
    await client.createBlock({ body: { type: 'webhook', name: 'ops', data: { url: 'http://127.0.0.1:9/none' } } });
    await client.createBlock({ body: { type: 'json', name: 'config', data: { value: 1 } } });
    const refusals: [unknown, number, string][] = [
      [{ ...webhookOn('a', { states: ['Broken'] }) }, 400, 'body.trigger.states[0]: unknown state'],
      [{ ...webhookOn('a', {}), actions: [{ kind: 'send-notification', block: 'webhook/nope' }] }, 422, 'actions[0].block: no block webhook/nope'],
      [
        { ...webhookOn('a', {}), actions: [{ kind: 'send-notification', block: 'json/config' }] },
        422,
        "actions[0].block: a block of type 'json' cannot send",
      ],
      [
        { ...webhookOn('a', {}), actions: [{ kind: 'run-deployment', deployment: 'etl/missing' }] },
        422,
        "actions[0].deployment: no deployment 'etl/missing'",
      ],
      [{ ...webhookOn('a', { deployments: ['nope/nope'] }) }, 422, "trigger.deployments[0]: no deployment 'nope/nope'"],
      [
        { ...webhookOn('a', {}), actions: [{ kind: 'send-notification', block: 'webhook/ops', body: '{{ flowRun.secret }}' }] },
        400,
        'body.actions[0].body: unknown placeholder {{ flowRun.secret }}',
      ],
      [{ ...webhookOn('a', {}), actions: [{ kind: 'reboot' }] }, 400, 'body.actions[0].kind'],
    ];
    for (const [body, status, text] of refusals) {
      const answer = await call(`${server.api}/automations`, authed({ method: 'POST', body }));
      expect(answer.status, answer.text).toBe(status);
      expect(answer.json.message, answer.text).toContain(text);
    }
    await client.createAutomation({ body: webhookOn('taken', {}) });
    const twice = await call(`${server.api}/automations`, authed({ method: 'POST', body: webhookOn('taken', {}) }));
    expect(twice.status).toBe(409);
    expect(twice.json.message).toContain("name: an automation named 'taken' exists already");
    expect((await client.listAutomations()).map((a) => a.name)).toEqual(['taken']);
  });

  it('answer 401 without the key, and are in the OpenAPI document', async () => {
    const { server } = live.current;
    for (const [method, path] of [
      ['GET', '/automations'],
      ['POST', '/automations'],
      ['GET', '/automations/x'],
      ['PATCH', '/automations/x'],
      ['DELETE', '/automations/x'],
    ]) {
      expect((await call(`${server.api}${path}`, { method })).status, `${method} ${path}`).toBe(401);
    }
    const document = await call(`${server.api}/openapi.json`, authed());
    expect(Object.keys(document.json.paths['/api/automations'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(document.json.paths['/api/automations/{automation}'])).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
  });
});
