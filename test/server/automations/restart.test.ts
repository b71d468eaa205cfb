import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../app/core/api/index.js';
import { createServer, EncryptionKeySource, type FlowdeckServer, type RunStore } from '../../../app/server/index.js';
import { waitUntil } from '../../helpers/cli.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import { runEndingIn, startReceiver, type Receiver } from './support.js';

let temp: ReturnType<typeof makeTempHome>;
let key: EncryptionKeySource;
const open: { server: FlowdeckServer; store: RunStore }[] = [];
let receiver: Receiver | null = null;

/** A server over the test's database file; with automationIntervalMs 0 it records and delivers nothing by itself. */
async function start(automationIntervalMs: number): Promise<{ server: FlowdeckServer; store: RunStore; api: string }> {
  const store = await openTestStore({ path: temp.dbPath });
  const unexpected: unknown[] = [];
  const server = await createServer({
    store,
    host: '127.0.0.1',
    port: 0,
    crashSweepIntervalMs: 0,
    encryptionKey: key,
    automationIntervalMs,
    onUnexpectedError: (e) => unexpected.push(e),
  });
  const url = await server.listen();
  open.push({ server, store });
  return { server, store, api: `${url}/api` };
}

async function stop(): Promise<void> {
  const last = open.pop();
  if (!last) return;
  await last.server.close();
  await last.store.close();
}

beforeEach(() => {
  temp = makeTempHome();
  key = new EncryptionKeySource({ setting: null, home: temp.home });
});

afterEach(async () => {
  while (open.length > 0) await stop();
  await receiver?.close();
  receiver = null;
  temp.cleanup();
});

describe('automation deliveries across a restart', () => {
  it('a delivery written down but not done, or taken by a server that died, is done once after the restart and never again', async () => {
    receiver = await startReceiver();
    const first = await start(0);
    const client = createApiClient({ baseUrl: first.api });
    await client.createBlock({ body: { type: 'webhook', name: 'ops', data: { url: receiver.url } } });
    await client.createAutomation({
      body: {
        name: 'tell-ops',
        trigger: { kind: 'flow-run-state', states: ['FAILED'] },
        actions: [{ kind: 'send-notification', block: 'webhook/ops', body: '{{ flowRun.name }}' }],
      },
    });
    await runEndingIn(first.store, { type: 'FAILED', name: 'Failed' }, { name: 'before-restart' });
    await runEndingIn(first.store, { type: 'FAILED', name: 'Failed' }, { name: 'taken-then-died' });
    // Both firings are recorded; the second's delivery is taken, as a server does just before it sends, with a lease that runs out.
    expect(await first.store.recordFirings()).toBe(2);
    const taken = await first.store.claimDeliveries(1, 1);
    expect(taken).toHaveLength(1);
    await stop();
    expect(receiver.calls).toEqual([]);

    const second = await start(50);
    const secondClient = createApiClient({ baseUrl: second.api });
    await waitUntil(
      async () => {
        const read = await secondClient.getAutomation({ params: { automation: 'tell-ops' } });
        return read.firings.length === 2 && read.firings.every((firing) => firing.deliveries.every((d) => d.status === 'done'));
      },
      { what: 'both deliveries done after the restart' },
    );
    expect(receiver.accepted.map((call) => (call.body as { body: string }).body).sort()).toEqual(['before-restart', 'taken-then-died']);
    await stop();

    // A third start finds nothing owed: the same states fire nothing again.
    const third = await start(50);
    expect(await third.store.recordFirings()).toBe(0);
    expect(await third.store.claimDeliveries(60_000, 10)).toEqual([]);
    await runEndingIn(third.store, { type: 'FAILED', name: 'Failed' }, { name: 'after-restart' });
    await waitUntil(() => receiver!.accepted.length === 3, { what: 'the run after the restart notified' });
    expect(receiver.accepted.map((call) => (call.body as { body: string }).body).sort()).toEqual([
      'after-restart',
      'before-restart',
      'taken-then-died',
    ]);
  });

  it('states stored while no server ran fire once the server starts', async () => {
    receiver = await startReceiver();
    const first = await start(0);
    const client = createApiClient({ baseUrl: first.api });
    await client.createBlock({ body: { type: 'slack-webhook', name: 'team', data: { url: receiver.url } } });
    await client.createAutomation({
      body: {
        name: 'tell-team',
        trigger: { kind: 'flow-run-state', states: ['Crashed'] },
        actions: [{ kind: 'send-notification', block: 'slack-webhook/team', body: '{{ flowRun.name }}' }],
      },
    });
    await stop();
    const offline = await openTestStore({ path: temp.dbPath });
    await runEndingIn(offline, { type: 'CRASHED', name: 'Crashed' }, { name: 'while-down' });
    await offline.close();

    await start(50);
    await waitUntil(() => receiver!.accepted.length === 1, { what: 'the notification of a run stored while the server was down' });
    expect(receiver.accepted[0].body).toEqual({ text: 'while-down' });
  });
});
