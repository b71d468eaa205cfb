// What the automation tests share: a receiver of webhooks on loopback, and failed flow runs stored
// the way a flow process reports them.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newId, type CreateFlowRun, type StateType } from '../../../app/core/index.js';
import type { RunStore } from '../../../app/server/index.js';
import { flowRunRequest } from '../http/support.js';

export interface ReceivedCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Receiver {
  url: string;
  /** Every call, answered or refused, in order. */
  calls: ReceivedCall[];
  /** The calls answered 200. */
  accepted: ReceivedCall[];
  /** How the next calls are answered: the status of each, then 200 for the rest. */
  answerNext(statuses: number[]): void;
  close(): Promise<void>;
}

/** A plain node:http server on 127.0.0.1 that records what is POSTed to it. */
export async function startReceiver(): Promise<Receiver> {
  const calls: ReceivedCall[] = [];
  const accepted: ReceivedCall[] = [];
  let planned: number[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      const call = { path: request.url ?? '', headers: request.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
      calls.push(call);
      const status = planned.shift() ?? 200;
      if (status === 200) accepted.push(call);
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    accepted,
    answerNext(statuses) {
      planned = [...statuses];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A flow run stored Running, then moved to the state given, as a flow process would report it. */
export async function runEndingIn(
  store: RunStore,
  end: { type: StateType; name: string; message?: string },
  overrides: Partial<CreateFlowRun> = {},
): Promise<string> {
  const request = flowRunRequest({ state: { type: 'RUNNING', name: 'Running' }, ...overrides });
  await store.createFlowRun(request);
  await store.setState({ kind: 'flow', runId: request.id, transitionId: newId(), state: end });
  return request.id;
}
