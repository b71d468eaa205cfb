// notify inside real flows on a real store: the run's logs, and a webhook on loopback.
import { describe, expect, it } from 'vitest';
import { LOG_LEVELS } from '../../../app/core/index.js';
import { flow } from '../../../app/engine/index.js';
import { notify } from '../../../app/engine/tasks/index.js';
import { logsOf, onlyTaskRun, taskRunsOf } from '../support.js';
import { sendJson, useServerAndStore } from './support.js';

const bed = useServerAndStore();

describe('notify', () => {
  it("writes the message to the run's logs at its level", async () => {
    const outcome = await flow({ name: 'log-levels' }, async () => {
      await notify({ message: 'loaded 10 rows' });
      await notify({ message: 'disk almost full', level: 'warning' });
      return notify({ message: 'load failed', level: 'error' });
    }).run();
    expect(outcome.result).toEqual({ message: 'load failed', level: 'error', webhookStatus: null });
    const runs = await taskRunsOf(bed.env.store, outcome.flowRunId, 'notify');
    const logs = await logsOf(bed.env.store, outcome.flowRunId);
    expect(logs.map((l) => [l.level, l.message, l.taskRunId])).toEqual([
      [LOG_LEVELS.INFO, 'loaded 10 rows', runs[0].id],
      [LOG_LEVELS.WARNING, 'disk almost full', runs[1].id],
      [LOG_LEVELS.ERROR, 'load failed', runs[2].id],
    ]);
  });

  it('POSTs the message as JSON to a webhook, with the run ids', async () => {
    bed.server.handle((_request, response) => sendJson(response, 202, { ok: true }));
    const outcome = await flow({ name: 'webhook' }, () => notify({ message: 'done', level: 'info', webhookUrl: `${bed.server.base}/hook` })).run();
    expect(outcome.result).toEqual({ message: 'done', level: 'info', webhookStatus: 202 });
    const run = await onlyTaskRun(bed.env.store, outcome.flowRunId, 'notify');
    expect(bed.server.received).toHaveLength(1);
    const [request] = bed.server.received;
    expect([request.method, request.url, request.headers['content-type']]).toEqual(['POST', '/hook', 'application/json']);
    expect(JSON.parse(request.body)).toEqual({ message: 'done', level: 'info', flowRunId: outcome.flowRunId, taskRunId: run.id });
  });

  it('a webhook answering non-2xx fails the step, naming the URL and status', async () => {
    bed.server.handle((_request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('webhook broke');
    });
    const outcome = await flow({ name: 'webhook-fails' }, () =>
      notify({ message: 'done', webhookUrl: `${bed.server.base}/hook` }).catch((e: Error) => e.message),
    ).run();
    expect(outcome.result).toBe(`POST ${bed.server.base}/hook answered 500: webhook broke`);
    expect((await onlyTaskRun(bed.env.store, outcome.flowRunId, 'notify')).state.name).toBe('Failed');
  });
});
