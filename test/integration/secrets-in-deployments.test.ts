// A deployment's run that uses Secret.load, Variable.get and an artifact, run on a real
// `flowdeck worker start` process and by a real `flowdeck serve` process against a real server:
// it completes, the values arrive, and the secret is masked in its logs, result and artifact, and
// in everything the worker and the serve process printed.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { ApiClient } from '../../app/core/api/client.js';
import { fixtureFlow, runCli, showOutput, spawnCli, waitUntil } from '../helpers/cli.js';
import {
  createPool,
  deploy,
  deploymentId,
  startServer,
  startWorker,
  tempHome,
  waitForRun,
  writeProject,
  type TestServer,
} from './workers-support.js';

const TOKEN = 'tk-deployed-5ecret-value';
const FLOW = 'uses-server-values';

/** The secret and the variable on the server, set as a person would with the CLI. */
async function setValues(server: TestServer): Promise<void> {
  const options = { home: tempHome(), env: { FLOWDECK_API_URL: server.api } };
  const set = await runCli(['secret', 'set', 'api-token'], { ...options, input: TOKEN });
  expect(set.code, showOutput(set)).toBe(0);
  const variable = await runCli(['variable', 'set', 'greeting', '"hello from the server"'], options);
  expect(variable.code, showOutput(variable)).toBe(0);
}

/** A copy of the worker project holding the flow file. */
function projectWithFlow(yaml: string): string {
  const project = writeProject(yaml);
  copyFileSync(fixtureFlow('deployed-secrets'), join(project, 'flows', 'deployed-secrets.ts'));
  return project;
}

/** The run completed with the values, and what the server recorded of it shows the mask. */
async function expectMaskedRun(client: ApiClient, runId: string, run: { state: { type: string }; result: string | null }): Promise<void> {
  expect(run.state.type, JSON.stringify(run.state)).toBe('COMPLETED');
  expect(JSON.parse(run.result!)).toEqual({ greeting: 'hello from the server', token: '********', tokenLength: TOKEN.length });
  const logs = await client.listFlowRunLogs({ params: { id: runId } });
  expect(logs.map((line) => line.message)).toContain('calling the API with token ********');
  expect(JSON.stringify(logs)).not.toContain(TOKEN);
  const artifacts = await client.listArtifacts({ query: { flowRunId: runId } });
  expect(artifacts.items.map((artifact) => artifact.data)).toEqual(['# Report\n\nhello from the server, made with token ********']);
  const block = await client.getBlock({ params: { type: 'secret', name: 'api-token' } });
  expect(block).toMatchObject({ lastLoadedBy: runId, data: { value: '********' } });
}

it('a run on a worker loads the secret and the variable from the server and records them masked', async () => {
  const server = await startServer();
  await createPool(server);
  await setValues(server);
  const project = projectWithFlow(`deployments:
  - name: on-worker
    entrypoint: flows/deployed-secrets.ts:usesServerValues
    workPool: local
`);
  await deploy(server, project);
  const worker = startWorker(server, ['--name', 'secret-worker']);
  await worker.ready();

  const id = await deploymentId(server, FLOW, 'on-worker');
  const runId = (await server.client.runDeployment({ params: { id }, body: { parameters: {} } })).id;
  const run = await waitForRun(server, runId, 'final');
  await expectMaskedRun(server.client, runId, run);
  const started = await worker.started(runId);
  const ended = await waitUntil(() => worker.events().find((e) => e.event === 'ended' && e.flowRunId === runId) ?? null, {
    what: 'the line saying the run ended',
  });
  // The flow process's own output, kept by the worker, shows the mask too.
  expect(existsSync(started.logPath!), started.logPath).toBe(true);
  const output = readFileSync(started.logPath!, 'utf8');
  expect(output).toContain('calling the API with token ********');
  expect(output).not.toContain(TOKEN);
  expect(ended.outcome).toBe('Completed');
  worker.proc.kill('SIGTERM');
  const stopped = await worker.proc.wait();
  expect(stopped.code, showOutput(stopped)).toBe(0);
  expect(stopped.stdout + stopped.stderr).not.toContain(TOKEN);
});

it('a run of a served flow loads them too, and the serve process prints only the mask', async () => {
  const server = await startServer();
  await setValues(server);
  const project = projectWithFlow('deployments: []\n');
  const serve = spawnCli(['serve', 'flows/deployed-secrets.ts', '--flow', FLOW, '--name', 'served'], {
    home: tempHome(),
    cwd: project,
    env: { FLOWDECK_API_URL: server.api },
  });
  await serve.waitForOutput(/^Serving /m);

  const id = await deploymentId(server, FLOW, 'served');
  const runId = (await server.client.runDeployment({ params: { id }, body: { parameters: {} } })).id;
  const run = await waitForRun(server, runId, 'final');
  await expectMaskedRun(server.client, runId, run);
  serve.child.kill('SIGINT');
  const done = await serve.wait();
  expect(done.code, showOutput(done)).toBe(0);
  expect(done.stdout + done.stderr).not.toContain(TOKEN);
});
