import { EVENTS_PATH, ServerEventSchema, type EventKind, type ServerEvent, type SubscribeMessage } from './events.js';

/**
 * The little of the WebSocket interface the stream uses, met by the browser's WebSocket and by
 * the `ws` package's. Handlers take `never` so either one's event types fit.
 */
interface EventSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

export type EventSocketConstructor = new (url: string) => EventSocket;

export type EventStreamStatus =
  /** Opening the socket, the first time or again after a drop. */
  | 'connecting'
  /** Subscribed; events flow. */
  | 'open'
  /** The socket dropped; it is opened again after a delay, resuming at the last cursor. */
  | 'reconnecting'
  /** close() was called; nothing more happens. */
  | 'closed';

export interface EventStreamOptions {
  /** The server's API base, including `/api`, e.g. `http://127.0.0.1:4300/api`. */
  baseUrl: string;
  /**
   * Sent as the `token` query parameter: browsers cannot set headers on a WebSocket, so the
   * server takes the key there for this route.
   */
  apiKey?: string;
  /** Only this flow run's states and log lines. */
  flowRunId?: string;
  /** Only these kinds of event; all when left out. */
  events?: EventKind[];
  /** Resume after this cursor rather than starting at the current end of the store. */
  cursor?: string;
  onEvent: (event: ServerEvent) => void;
  onStatus?: (status: EventStreamStatus, detail?: string) => void;
  /** The WebSocket to use when there is no global one (Node 20: the `ws` package's). */
  WebSocket?: EventSocketConstructor;
  /** The first delay before reconnecting; doubled after each failed attempt up to the maximum. */
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

export interface EventStream {
  /** The cursor of the last state or log line received, which a reconnect resumes after. */
  readonly cursor: string | undefined;
  readonly status: EventStreamStatus;
  /** Closes the socket for good. */
  close(): void;
}

const OPEN = 1;

/** The socket URL for an API base: http becomes ws, https wss. */
export function eventStreamUrl(baseUrl: string, apiKey?: string): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${EVENTS_PATH}`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  if (apiKey) url.searchParams.set('token', apiKey);
  return url.toString();
}

/**
 * Follows the server's event stream. It remembers the cursor of the last event and, when the
 * socket drops, reconnects with a growing delay and resubscribes after that cursor, so the
 * caller sees every stored state and log line once, without a gap.
 */
export function openEventStream(options: EventStreamOptions): EventStream {
  const Socket = options.WebSocket ?? (globalThis as { WebSocket?: EventSocketConstructor }).WebSocket;
  if (!Socket) throw new Error('no WebSocket here: pass one as the WebSocket option (in Node 20, the ws package)');
  const url = eventStreamUrl(options.baseUrl, options.apiKey);
  const minDelay = options.minReconnectDelayMs ?? 250;
  const maxDelay = options.maxReconnectDelayMs ?? 10_000;
  let cursor = options.cursor;
  let status: EventStreamStatus = 'connecting';
  let socket: EventSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let delay = minDelay;

  const setStatus = (next: EventStreamStatus, detail?: string) => {
    status = next;
    options.onStatus?.(next, detail);
  };

  const connect = () => {
    timer = null;
    setStatus('connecting');
    const current = new Socket(url);
    socket = current;
    current.onopen = () => {
      const subscribe: SubscribeMessage = { type: 'subscribe' };
      if (options.flowRunId !== undefined) subscribe.flowRunId = options.flowRunId;
      if (options.events !== undefined) subscribe.events = options.events;
      if (cursor !== undefined) subscribe.cursor = cursor;
      current.send(JSON.stringify(subscribe));
      delay = minDelay;
      setStatus('open');
    };
    current.onmessage = (event: { data: unknown }) => {
      let parsed;
      try {
        parsed = ServerEventSchema.safeParse(JSON.parse(String(event.data)));
      } catch {
        parsed = null;
      }
      if (!parsed?.success) {
        options.onEvent({ type: 'error', message: 'the server sent a message this client does not understand' });
        return;
      }
      if (parsed.data.type !== 'error') cursor = parsed.data.cursor;
      options.onEvent(parsed.data);
    };
    // Errors are followed by a close, which decides what happens next.
    current.onerror = () => {};
    current.onclose = (event: { code?: number; reason?: string }) => {
      if (socket !== current || status === 'closed') return;
      socket = null;
      const detail = `closed${event.code ? ` (${event.code}${event.reason ? ` ${event.reason}` : ''})` : ''}; retrying in ${delay} ms`;
      setStatus('reconnecting', detail);
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, maxDelay);
    };
  };

  connect();
  return {
    get cursor() {
      return cursor;
    },
    get status() {
      return status;
    },
    close() {
      if (status === 'closed') return;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const current = socket;
      socket = null;
      setStatus('closed');
      if (current && (current.readyState === OPEN || current.readyState === 0)) current.close(1000, 'closed by the client');
    },
  };
}
