/**
 * A bare `ws` echo server in a child process of its own, on a free loopback port: the physical
 * floor for a message crossing a WebSocket between two processes on this machine.
 * `node dist/bench/lib/ws-echo.js` serves until killed and prints `listening PORT`.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocketServer } from 'ws';
import { spawnNode } from './children.js';

export interface EchoPeer {
  /** e.g. ws://127.0.0.1:41234 */
  url: string;
  stop(): Promise<void>;
}

export async function startEchoPeer(): Promise<EchoPeer> {
  const child = spawnNode([fileURLToPath(import.meta.url)]);
  try {
    const match = await child.waitForOutput(/listening (\d+)/, 'the WebSocket echo peer');
    return {
      url: `ws://127.0.0.1:${match[1]}`,
      async stop() {
        await child.stop('SIGKILL');
      },
    };
  } catch (error) {
    await child.stop('SIGKILL');
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  server.on('listening', () => {
    const address = server.address();
    process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
  });
}
