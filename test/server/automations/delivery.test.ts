import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient, type AutomationRead } from '../../../app/core/api/index.js';
import type { AutomationSpecInput } from '../../../app/core/automations/index.js';
import { EncryptionKeySource } from '../../../app/server/index.js';
import { waitUntil } from '../../helpers/cli.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import { startTestServer, type TestServer } from '../http/support.js';
import { runEndingIn, startReceiver, type Receiver } from './support.js';

const API_KEY = 'automations-test-key';
const HEADER_SECRET = 'Bearer sk-never-shown-0123';

let server: TestServer;
let client: ApiClient;
let receiver: Receiver;

beforeEach(async () => {
  receiver = await startReceiver();
  server = await startTestServer({
    apiKey: API_KEY,
    encryptionKey: new EncryptionKeySource({ setting: null, home: makeTempHome().home }),
    automationIntervalMs: 50,
    automationRetries: { firstRetryDelayMs: 100 },
  });
  client = createApiClient({ baseUrl: server.api, apiKey: API_KEY });
});

afterEach(async () => {
  expect(server.unexpected).toEqual([]);
  await server.close();
  await receiver.close();
});

function automation(overrides: Partial<AutomationSpecInput> = {}): AutomationSpecInput {
  return {
    name: 'tell-ops',
    trigger: { kind: 'flow-run-state', states: ['FAILED', 'Crashed'] },
    actions: [{ kind: 'send-notification', block: 'webhook/ops', subject: 'run {{ flowRun.name }} failed', body: 'bad' }],
    ...overrides,
  };
}

async function deliveredFirings(name: string, count = 1): Promise<AutomationRead> {
  return waitUntil(
    async () => {
      const read = await client.getAutomation({ params: { automation: name } });
      const done = read.firings.filter((firing) => firing.deliveries.every((delivery) => delivery.status === 'done' || delivery.status === 'failed'));
      return done.length >= count ? read : null;
    },
    { what: `${count} firing(s) of ${name} delivered` },
  );
}

describe('notifications', () => {
  it('a failed run POSTs the templated message to a webhook with its secret headers, and no answer shows the secret', async () => {
    await client.createBlock({
      body: { type: 'webhook', name: 'ops', data: { url: `${receiver.url}/hook`, headers: { authorization: HEADER_SECRET } } },
    });
    await client.createAutomation({
      body: automation({
        actions: [
          {
            kind: 'send-notification',
            block: 'webhook/ops',
            subject: '{{ flow.name }} run {{ flowRun.name }} is {{ flowRun.state.name }}',
            body: '{{ flowRun.id }} said {{ flowRun.state.message }}; see {{ flowRun.url }}',
          },
        ],
      }),
    });
    const runId = await runEndingIn(server.store, { type: 'FAILED', name: 'Failed', message: 'disk full' }, { flowName: 'etl', name: 'calm-otter' });

    const read = await deliveredFirings('tell-ops');
    expect(receiver.accepted).toHaveLength(1);
    const [call] = receiver.accepted;
    expect(call.path).toBe('/hook');
    expect(call.headers.authorization).toBe(HEADER_SECRET);
    expect(call.body).toMatchObject({
      subject: 'etl run calm-otter is Failed',
      body: `${runId} said disk full; see ${server.url}/#/runs/${runId}`,
      flowRun: { id: runId, name: 'calm-otter', state: { type: 'FAILED', name: 'Failed' } },
    });
    expect(read.firings).toHaveLength(1);
    expect(read.firings[0]).toMatchObject({ flowRunId: runId, stateType: 'FAILED', stateName: 'Failed' });
    expect(read.firings[0].deliveries).toMatchObject([{ status: 'done', attempts: 1, actionKind: 'send-notification', lastError: null }]);

    const answers = [
      await fetch(`${server.api}/automations`, { headers: { authorization: `Bearer ${API_KEY}` } }),
      await fetch(`${server.api}/automations/tell-ops`, { headers: { authorization: `Bearer ${API_KEY}` } }),
      await fetch(`${server.api}/blocks/webhook/ops`, { headers: { authorization: `Bearer ${API_KEY}` } }),
    ];
    for (const answer of answers) expect(await answer.text()).not.toContain('sk-never-shown');
  });

  it('a Slack-compatible webhook gets {"text": body}', async () => {
    await client.createBlock({ body: { type: 'slack-webhook', name: 'team', data: { url: `${receiver.url}/services/T0/B0/xyz` } } });
    await client.createAutomation({
      body: automation({
        actions: [
          { kind: 'send-notification', block: 'slack-webhook/team', body: 'Run {{ flowRun.name }} of {{ flow.name }}: {{ flowRun.state.name }}' },
        ],
      }),
    });
    await runEndingIn(server.store, { type: 'CRASHED', name: 'Crashed' }, { flowName: 'loader', name: 'brave-fox' });
    await deliveredFirings('tell-ops');
    expect(receiver.accepted.map((call) => [call.path, call.body])).toEqual([['/services/T0/B0/xyz', { text: 'Run brave-fox of loader: Crashed' }]]);
  });

  it('an email goes through an SMTP server on loopback with its subject and body', async () => {
    const mails: { from: string; to: string[]; raw: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, done) {
        let raw = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (raw += chunk));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((to) => to.address),
            raw,
          });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = smtp.server.address() as AddressInfo;
      await client.createBlock({
        body: {
          type: 'smtp-email',
          name: 'oncall',
          data: { host: '127.0.0.1', port, tls: false, from: 'flowdeck@example.com', to: ['ops@example.com'] },
        },
      });
      await client.createAutomation({
        body: automation({
          actions: [
            {
              kind: 'send-notification',
              block: 'smtp-email/oncall',
              subject: 'Failed: {{ flowRun.name }}',
              body: 'It said {{ flowRun.state.message }}',
            },
          ],
        }),
      });
      await runEndingIn(server.store, { type: 'FAILED', name: 'TimedOut', message: 'took too long' }, { name: 'slow-snail' });
      await deliveredFirings('tell-ops');
      expect(mails).toHaveLength(1);
      expect(mails[0].from).toBe('flowdeck@example.com');
      expect(mails[0].to).toEqual(['ops@example.com']);
      expect(mails[0].raw).toMatch(/^Subject: Failed: slow-snail$/m);
      expect(mails[0].raw).toContain('It said took too long');
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it('a receiver that fails twice gets exactly one successful delivery, on the third attempt', async () => {
    await client.createBlock({ body: { type: 'webhook', name: 'ops', data: { url: `${receiver.url}/hook` } } });
    await client.createAutomation({ body: automation() });
    receiver.answerNext([500, 503]);
    await runEndingIn(server.store, { type: 'FAILED', name: 'Failed' });
    const read = await deliveredFirings('tell-ops');
    expect(receiver.calls).toHaveLength(3);
    expect(receiver.accepted).toHaveLength(1);
    expect(read.firings[0].deliveries).toMatchObject([{ status: 'done', attempts: 3 }]);
    expect(read.firings[0].deliveries[0].lastError).toContain('503');
  });

  it('an error that names the secret URL of a block keeps it masked', async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await client.createBlock({ body: { type: 'slack-webhook', name: 'gone', data: { url: `http://127.0.0.1:${port}/T000/secret-token` } } });
    await client.createAutomation({ body: automation({ actions: [{ kind: 'send-notification', block: 'slack-webhook/gone' }] }) });
    await runEndingIn(server.store, { type: 'FAILED', name: 'Failed' });
    const read = await waitUntil(
      async () => {
        const answer = await client.getAutomation({ params: { automation: 'tell-ops' } });
        return answer.firings[0]?.deliveries[0]?.lastError ? answer : null;
      },
      { what: 'the first attempt failed' },
    );
    const error = read.firings[0].deliveries[0].lastError!;
    expect(error).toContain('ECONNREFUSED');
    expect(error).not.toContain(String(port));
    expect(error).not.toContain('secret-token');
  });

  it('a delivery that keeps failing is failed after its attempts, with its error kept and the secret URL masked', async () => {
    await server.close();
    server = await startTestServer({
      apiKey: API_KEY,
      encryptionKey: new EncryptionKeySource({ setting: null, home: makeTempHome().home }),
      automationIntervalMs: 50,
      automationRetries: { firstRetryDelayMs: 20, maxAttempts: 3 },
    });
    client = createApiClient({ baseUrl: server.api, apiKey: API_KEY });
    await client.createBlock({ body: { type: 'slack-webhook', name: 'team', data: { url: `${receiver.url}/secret-path-xyz` } } });
    await client.createAutomation({ body: automation({ actions: [{ kind: 'send-notification', block: 'slack-webhook/team' }] }) });
    receiver.answerNext([500, 500, 500, 500]);
    await runEndingIn(server.store, { type: 'FAILED', name: 'Failed' });
    const read = await deliveredFirings('tell-ops');
    expect(read.firings[0].deliveries).toMatchObject([{ status: 'failed', attempts: 3 }]);
    expect(read.firings[0].deliveries[0].lastError).toContain('500');
    expect(receiver.calls).toHaveLength(3);
    expect(JSON.stringify(read)).not.toContain('secret-path-xyz');
  });
});
