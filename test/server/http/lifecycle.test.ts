import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../app/core/api/index.js';
import { newId } from '../../../app/core/index.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { flowRunRequest, startTestServer } from './support.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('crash detection', () => {
  it('marks Crashed a run whose process stops heartbeating, and keeps one that beats', async () => {
    const server = await startTestServer({ crashSweepIntervalMs: 50, store: { heartbeatTimeoutSeconds: 0.4 } });
    try {
      const client = createApiClient({ baseUrl: server.api });
      // Runs owned by processes on another machine: only their heartbeats say they are alive.
      const silent = flowRunRequest({ pid: 1, hostname: 'elsewhere' });
      const beating = flowRunRequest({ pid: 2, hostname: 'elsewhere' });
      const running = (id: string) => ({
        kind: 'setState' as const,
        request: { kind: 'flow' as const, runId: id, transitionId: newId(), state: { type: 'RUNNING' as const, name: 'Running' } },
      });
      await client.report({
        body: {
          operations: [
            { kind: 'createFlowRun', request: silent },
            running(silent.id),
            { kind: 'createFlowRun', request: beating },
            running(beating.id),
          ],
        },
      });
      const deadline = Date.now() + 10_000;
      while ((await server.store.getFlowRun(silent.id))!.state.type !== 'CRASHED') {
        if (Date.now() > deadline) throw new Error('the silent run was never marked Crashed');
        await client.report({ body: { operations: [{ kind: 'heartbeat', flowRunIds: [beating.id] }] } });
        await sleep(50);
      }
      expect((await server.store.getFlowRun(silent.id))!.state.message).toMatch(/stopped without reporting/);
      expect((await server.store.getFlowRun(beating.id))!.state.type).toBe('RUNNING');
      // The crashed run's process hears it at its next beat.
      const { results } = await client.report({ body: { operations: [{ kind: 'heartbeat', flowRunIds: [silent.id] }] } });
      expect(results).toEqual([{ states: { [silent.id]: 'CRASHED' } }]);
    } finally {
      await server.close();
    }
  });
});

describe('closing', () => {
  it('answers the requests it accepted before closing, and every answered write is in the database', async () => {
    const server = await startTestServer();
    const client = createApiClient({ baseUrl: server.api });
    const runs = Array.from({ length: 40 }, () => flowRunRequest());
    const sent = runs.map((run) => client.report({ body: { operations: [{ kind: 'createFlowRun', request: run }] } }));
    try {
      // Close once the first answer is back, with the others in flight or not yet sent.
      await Promise.race(sent);
      const closing = server.server.close();
      const outcomes = await Promise.allSettled(sent);
      await closing;
      await server.store.close();
      const answered = runs.filter((_, i) => outcomes[i].status === 'fulfilled');
      expect(answered.length).toBeGreaterThan(0);
      // Whatever was refused came back as a refusal or a closed connection, not as a lost answer.
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(String(outcome.reason)).toMatch(/cannot reach|the server is shutting down/);
      }
      const store = await openTestStore({ path: server.dbPath, sweepOnOpen: false });
      try {
        for (const run of answered) expect(await store.getFlowRun(run.id), run.id).not.toBeNull();
      } finally {
        await store.close();
      }
    } finally {
      await server.close();
    }
  });
});
