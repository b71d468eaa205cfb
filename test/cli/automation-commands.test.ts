// The automation commands as a person runs them (the real CLI in a child process): against the
// local database in FLOWDECK_HOME, and against a real server on loopback that requires a key.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncryptionKeySource } from '../../app/server/index.js';
import { runCli, showOutput, useCliHome, waitUntil, type CliResult } from '../helpers/cli.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { startTestServer, type TestServer } from '../server/http/support.js';
import { runEndingIn, startReceiver, type Receiver } from '../server/automations/support.js';

const home = useCliHome();

const AUTOMATION_YAML = `
name: tell-ops
description: Failed nightly runs page the team
trigger:
  kind: flow-run-state
  states: [FAILED, Crashed]
  tags: [nightly]
actions:
  - kind: send-notification
    block: webhook/ops
    subject: "{{ flow.name }} failed"
    body: "Run {{ flowRun.name }} is {{ flowRun.state.name }}"
`;

function expectOk(result: CliResult): CliResult {
  expect(result.code, showOutput(result)).toBe(0);
  return result;
}

function expectRefused(result: CliResult, message: string): void {
  expect(result.code, showOutput(result)).toBe(2);
  expect(result.stderr).toContain(message);
}

function commandsFor(env: () => Record<string, string>) {
  return (args: string[]) => runCli(args, { home: home.home, env: env() });
}

function file(name: string, text: string): string {
  const path = join(home.home, name);
  writeFileSync(path, text);
  return path;
}

async function automationScenario(flowdeck: ReturnType<typeof commandsFor>, webhookUrl: string): Promise<void> {
  expectOk(await flowdeck(['block', 'create', 'webhook/ops', '--data', JSON.stringify({ url: webhookUrl })]));

  expectRefused(
    await flowdeck(['automation', 'create', '--file', file('bad-state.yaml', AUTOMATION_YAML.replace('Crashed', 'Exploded'))]),
    "bad-state.yaml: trigger.states[1]: unknown state 'Exploded'",
  );
  expectRefused(
    await flowdeck(['automation', 'create', '--file', file('bad-block.yaml', AUTOMATION_YAML.replace('webhook/ops', 'webhook/nobody'))]),
    'actions[0].block: no block webhook/nobody',
  );
  expectRefused(
    await flowdeck([
      'automation',
      'create',
      '--file',
      file('bad-kind.json', JSON.stringify({ name: 'x', trigger: { kind: 'flow-run-state', states: ['FAILED'] }, actions: [{ kind: 'reboot' }] })),
    ]),
    'bad-kind.json: actions[0].kind',
  );
  expectRefused(await flowdeck(['automation', 'create', '--file', join(home.home, 'missing.yaml')]), 'missing.yaml: cannot be read (ENOENT)');

  const made = expectOk(await flowdeck(['automation', 'create', '--file', file('tell-ops.yaml', AUTOMATION_YAML)]));
  expect(made.stdout).toMatch(/Created automation tell-ops \(/);
  expectRefused(
    await flowdeck(['automation', 'create', '--file', file('again.yaml', AUTOMATION_YAML)]),
    "an automation named 'tell-ops' exists already",
  );

  const listed = expectOk(await flowdeck(['automation', 'ls']));
  expect(listed.stdout).toMatch(/tell-ops\s+enabled\s+flow run enters FAILED or Crashed \(tags nightly\)\s+send-notification via webhook\/ops/);
  const listedJson = JSON.parse(expectOk(await flowdeck(['automation', 'ls', '--json'])).stdout);
  expect(listedJson).toMatchObject([
    { name: 'tell-ops', enabled: true, description: 'Failed nightly runs page the team', trigger: { states: ['FAILED', 'Crashed'] } },
  ]);

  const inspected = expectOk(await flowdeck(['automation', 'inspect', 'tell-ops']));
  expect(inspected.stdout).toContain('Automation tell-ops');
  expect(inspected.stdout).toContain('Not fired yet.');
  const byId = JSON.parse(expectOk(await flowdeck(['automation', 'inspect', listedJson[0].id, '--json'])).stdout);
  expect(byId).toMatchObject({ name: 'tell-ops', firings: [] });

  expect(expectOk(await flowdeck(['automation', 'pause', 'tell-ops'])).stdout).toContain('Paused automation tell-ops.');
  expect(expectOk(await flowdeck(['automation', 'ls'])).stdout).toMatch(/tell-ops\s+paused/);
  expect(expectOk(await flowdeck(['automation', 'resume', 'tell-ops'])).stdout).toContain('Resumed automation tell-ops.');
  expect(expectOk(await flowdeck(['automation', 'ls'])).stdout).toMatch(/tell-ops\s+enabled/);
  expectRefused(await flowdeck(['automation', 'pause', 'nobody']), "no automation with id or name 'nobody'");
}

describe('automation commands on the local database', () => {
  it('create from YAML or JSON, refuse bad files naming the file and key, list, inspect, pause, resume and delete', async () => {
    const flowdeck = commandsFor(() => ({}));
    await automationScenario(flowdeck, 'http://127.0.0.1:9/hook');
    expect(expectOk(await flowdeck(['automation', 'delete', 'tell-ops'])).stdout).toContain('Deleted automation tell-ops.');
    expect(expectOk(await flowdeck(['automation', 'ls'])).stdout).toContain('No automations.');
    expectRefused(await flowdeck(['automation', 'inspect', 'tell-ops']), "no automation with id or name 'tell-ops'");
  });
});

describe('automation commands against a server with an API key', () => {
  const KEY = 'automations-cli-key';
  let server: TestServer;
  let serverHome: ReturnType<typeof makeTempHome>;
  let receiver: Receiver;
  beforeEach(async () => {
    serverHome = makeTempHome();
    receiver = await startReceiver();
    server = await startTestServer({
      apiKey: KEY,
      encryptionKey: new EncryptionKeySource({ setting: null, home: serverHome.home }),
      automationIntervalMs: 50,
    });
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
    expect(server.unexpected).toEqual([]);
    serverHome.cleanup();
  });

  it('work as they do locally, and inspect shows each firing and its delivery', async () => {
    const flowdeck = commandsFor(() => ({ FLOWDECK_API_URL: server.api, FLOWDECK_API_KEY: KEY }));
    await automationScenario(flowdeck, `${receiver.url}/hook`);
    const runId = await runEndingIn(server.store, { type: 'FAILED', name: 'Failed' }, { name: 'night-owl', tags: ['nightly'] });
    await waitUntil(() => receiver.accepted.length === 1, { what: 'the webhook called' });
    expect(receiver.accepted[0].body).toMatchObject({ subject: 'etl failed', body: 'Run night-owl is Failed' });
    const read = await waitUntil(
      async () => {
        const json = JSON.parse(expectOk(await flowdeck(['automation', 'inspect', 'tell-ops', '--json'])).stdout);
        return json.firings[0]?.deliveries[0]?.status === 'done' ? json : null;
      },
      { what: 'the delivery marked done' },
    );
    expect(read.firings[0]).toMatchObject({ flowRunId: runId, stateName: 'Failed' });
    expect(expectOk(await flowdeck(['automation', 'inspect', 'tell-ops'])).stdout).toMatch(
      new RegExp(`${runId}\\s+Failed\\s+send-notification: done`),
    );

    expect(expectOk(await flowdeck(['automation', 'delete', 'tell-ops'])).stdout).toContain('Deleted automation tell-ops.');
    const refused = await runCli(['automation', 'ls'], { home: home.home, env: { FLOWDECK_API_URL: server.api } });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/401|key/i);
  });
});
