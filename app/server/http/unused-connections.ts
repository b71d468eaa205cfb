import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** How often connections that never sent a byte are looked for while the server closes. */
const SWEEP_MS = 100;

/**
 * Closes, while the server closes, the connections a client opened ahead of need and never sent a
 * request on (HTTP clients and browsers keep such spare connections). Node counts them as busy,
 * not idle, so closing would otherwise wait for its headers timeout, a minute, for each.
 */
export function closeUnusedConnectionsWhileClosing(server: Server): { closing: () => () => void } {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const sweep = () => {
    for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
  };
  return {
    closing() {
      sweep();
      const timer = setInterval(sweep, SWEEP_MS);
      return () => clearInterval(timer);
    },
  };
}
