/**
 * WebSocket subscribers that replay a server's whole event history, in a child process of their
 * own so that taking ten replays' messages does not slow the process measuring the server.
 * `node dist/bench/lib/replay-subscribers.js API COUNT SUBSCRIBERS` opens the sockets and prints
 * `open`, subscribes each from a zero cursor and counts its messages to COUNT, prints
 * `replayed {"ms":...}` once every one has them all, closes the sockets and prints `closed`.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import type WebSocket from 'ws';
import { eventStreamUrl } from '../../app/core/api/index.js';
import { encodeEventCursor } from '../../app/server/http/event-hub.js';
import { spawnNode, type BenchChild } from './children.js';
import { nowMs } from './stats.js';
import { closeSocket, openSocket } from './ws-client.js';

export interface ReplayResult {
  /** From the subscribes to the last subscriber's last message. */
  ms: number;
  /** Each subscriber's own time to its last message. */
  eachMs: number[];
}

export interface ReplaySubscribers {
  /** Resolves once every socket is open, just before they subscribe. */
  opened: Promise<void>;
  /** Resolves once every subscriber has every event. */
  replayed: Promise<ReplayResult>;
  /** Resolves once every socket is closed. */
  closed: Promise<void>;
  stop(): Promise<void>;
}

/** How long a replay may take before the bench gives up on it; no measurement. */
const SAFETY_NET_MS = 30 * 60_000;

export function startReplaySubscribers(api: string, events: number, subscribers: number): ReplaySubscribers {
  const child: BenchChild = spawnNode([fileURLToPath(import.meta.url), api, String(events), String(subscribers)]);
  const opened = child.waitForOutput(/^open$/m, 'the replaying subscribers to connect').then(() => {});
  const replayed = child
    .waitForOutput(/^replayed (.*)$/m, `${subscribers} replays of ${events} events`, SAFETY_NET_MS)
    .then((match) => JSON.parse(match[1]) as ReplayResult);
  const closed = child.waitForOutput(/^closed$/m, 'the replaying subscribers to leave', SAFETY_NET_MS).then(() => {});
  // Whoever awaits them sees a failure; these keep an unawaited one from ending the bench.
  for (const promise of [opened, replayed, closed]) promise.catch(() => {});
  return {
    opened,
    replayed,
    closed,
    async stop() {
      await child.stop('SIGKILL');
    },
  };
}

/** Counts messages without parsing them: the subscribers' cost is not what is measured. */
async function replay(api: string, events: number, subscribers: number): Promise<void> {
  const url = eventStreamUrl(api);
  const sockets: WebSocket[] = await Promise.all(Array.from({ length: subscribers }, () => openSocket(url)));
  process.stdout.write('open\n');
  const started = nowMs();
  const subscribe = JSON.stringify({ type: 'subscribe', cursor: encodeEventCursor({ stateId: 0, logId: 0 }) });
  const eachMs = await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<number>((resolve, reject) => {
          let received = 0;
          socket.on('message', () => {
            if (++received === events) resolve(nowMs() - started);
          });
          socket.once('close', (code) => reject(new Error(`the server closed a subscriber (${code}) after ${received} of ${events} events`)));
          socket.send(subscribe);
        }),
    ),
  );
  process.stdout.write(`replayed ${JSON.stringify({ ms: nowMs() - started, eachMs } satisfies ReplayResult)}\n`);
  for (const socket of sockets) socket.removeAllListeners('close');
  await Promise.all(sockets.map(closeSocket));
  process.stdout.write('closed\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [api, events, subscribers] = process.argv.slice(2);
  replay(api, Number(events), Number(subscribers)).catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  });
}
