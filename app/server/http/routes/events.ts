import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { EVENTS_PATH, SubscribeMessageSchema, type ErrorEvent } from '../../../core/api/index.js';
import { errorBody } from '../errors.js';
import { decodeEventCursor, type StoredEvent } from '../event-hub.js';
import type { RouteDeps } from './deps.js';

/**
 * A subscriber whose socket has this much unsent is not keeping up; it is closed rather than
 * buffered without bound, and resumes with its last cursor when it reconnects.
 */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/**
 * A catch-up reads its next page once the socket has no more than this left to send: the socket
 * stays busy while the page is read, and a reader that stops holds up its replay at about a page.
 */
const DRAINED_BYTES = 32 * 1024;
/** "Try again later", so clients reconnect. */
const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * GET /api/events upgraded to a WebSocket: states and log lines as they are stored, optionally of
 * one flow run. The API key, when the server has one, is checked by the /api hook before the
 * upgrade; this route also takes it as a `token` query parameter, as browsers cannot set headers
 * on a WebSocket.
 */
export async function eventRoutes(api: FastifyInstance, { events: hub, onUnexpectedError }: RouteDeps): Promise<void> {
  // Before the store closes, which the server's owner does after closing the server.
  api.addHook('onClose', async () => hub.close());

  api.route({
    method: 'GET',
    url: EVENTS_PATH,
    config: { acceptsTokenQuery: true },
    schema: { hide: true },
    handler: (_request, reply) =>
      reply
        .code(426)
        .header('upgrade', 'websocket')
        .send(errorBody(426, `${EVENTS_PATH.slice(1)} is a WebSocket: connect with a WebSocket client and send {"type":"subscribe"}`)),
    wsHandler: (socket: WebSocket, request: FastifyRequest) => {
      const connection = request.raw.socket;
      let corked = false;
      let unsubscribe: (() => void) | null = null;
      /** The catch-up waiting for the socket to drain. */
      let waiting: (() => void) | null = null;
      const wake = () => {
        const resolve = waiting;
        waiting = null;
        resolve?.();
      };
      // Called back as each message leaves the process.
      const written = () => {
        if (socket.readyState !== socket.OPEN || socket.bufferedAmount <= DRAINED_BYTES) wake();
      };
      const drained = () =>
        new Promise<void>((resolve) => {
          waiting = resolve;
          written();
        });
      const stop = () => {
        unsubscribe?.();
        unsubscribe = null;
        wake();
      };
      const sendError = (message: string) => {
        const event: ErrorEvent = { type: 'error', message };
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
      };
      const send = (event: StoredEvent) => {
        // Closing: the subscription ends now, not once the client has finished the close.
        if (socket.readyState !== socket.OPEN) return stop();
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          stop();
          socket.close(CLOSE_TRY_AGAIN_LATER, 'falling behind; reconnect with the last cursor');
          return;
        }
        // What is sent in one go (a page of a catch-up, a poll's rows) leaves in one write.
        if (!corked) {
          corked = true;
          connection.cork();
          process.nextTick(() => {
            corked = false;
            connection.uncork();
          });
        }
        socket.send(JSON.stringify(event), written);
      };
      const failed = () => {
        unsubscribe = null;
        wake();
        sendError('the server could not read the event stream; try again');
      };

      socket.on('message', (data: RawData, isBinary: boolean) => {
        if (isBinary) return sendError('messages are JSON text, not binary');
        let message: unknown;
        try {
          message = JSON.parse(rawText(data));
        } catch {
          return sendError(
            'the message is not JSON; send {"type":"subscribe","flowRunId"?: string,"events"?: ["flow-state"|"task-state"|"log"],"cursor"?: string}',
          );
        }
        const parsed = SubscribeMessageSchema.safeParse(message);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const field = issue?.path.length ? issue.path.join('.') : 'message';
          return sendError(`${field}: ${issue?.message ?? 'not a subscribe message'}`);
        }
        const { flowRunId, cursor, events } = parsed.data;
        const after = cursor === undefined ? undefined : decodeEventCursor(cursor);
        if (after === null) {
          return sendError("cursor: not a cursor this server gave out; pass the last message's cursor, or leave it out to start now");
        }
        // A new subscribe replaces the last one on this socket.
        stop();
        try {
          unsubscribe = hub.subscribe({ flowRunId, after, send, drained, failed, ...(events ? { events: new Set(events) } : {}) });
        } catch (error) {
          onUnexpectedError(error);
          sendError('the server could not read the event stream; try again');
        }
      });
      socket.on('close', stop);
    },
  });
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
