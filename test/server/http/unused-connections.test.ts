// A server that closes does not wait for connections a client opened and never sent a request on
// (HTTP clients and browsers keep such spare connections): Node counts them as busy until its
// headers timeout, a minute.
import { connect, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support.js';

let running: TestServer | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

it('closes connections that never sent a request when it closes', async () => {
  running = await startTestServer();
  // One connection that has been used and one that never was.
  expect((await fetch(`${running.api}/health`)).status).toBe(200);
  const spare = await openSocket(running.url);
  const spareClosed = new Promise<boolean>((resolve) => spare.once('close', () => resolve(true)));
  const closed = running.close();
  running = null;
  expect(await spareClosed).toBe(true);
  await closed;
});
