// Describing and running workspace flow files: each loads in a real `flowdeck` child process
// (bin/flowdeck.js over dist/) that reports back to the real server under test.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processIsAlive } from '../../../app/server/index.js';
import { waitUntil } from '../../helpers/cli.js';
import { call } from './support.js';
import { startWorkspaceServer, useWorkspaceServer } from './workspace-support.js';

const server = useWorkspaceServer();
afterEach(() => {
  expect(server.current.unexpected).toEqual([]);
});

const ETL = `// Adds numbers in a task.
import { flow, getRunLogger, task } from 'flowdeck';
import { z } from 'zod';

const add = task({ name: 'add' }, async (a: number, b: number) => a + b);

export const helper = flow({ name: 'helper' }, async () => 'helped');

export default flow(
  { name: 'adder', parameters: z.object({ a: z.number(), b: z.number().default(2), label: z.string().optional() }) },
  async ({ a, b }: { a: number; b: number }) => {
    getRunLogger().info('adding');
    return add(a, b);
  },
);
`;

function describeFile(path: string) {
  return call(`${server.current.api}/flow-files/describe`, { method: 'POST', body: { path } });
}

function runFile(body: Record<string, unknown>) {
  return call(`${server.current.api}/flow-files/run`, { method: 'POST', body });
}

async function finalRun(flowRunId: string) {
  return waitUntil(
    async () => {
      const answer = await call(`${server.current.api}/flow-runs/${flowRunId}`);
      return answer.status === 200 && ['COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED'].includes(answer.json.state.type) ? answer.json : null;
    },
    { what: `flow run ${flowRunId} to end` },
  );
}

describe('describing a flow file', () => {
  it("names its flows, the default first, with each one's parameters as JSON Schema", async () => {
    server.current.put('etl/adder.ts', ETL);
    const answer = await describeFile('etl/adder.ts');
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.flows).toEqual([
      {
        name: 'adder',
        isDefault: true,
        exports: ['default'],
        parameters: {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          properties: { a: { type: 'number' }, b: { type: 'number', default: 2 }, label: { type: 'string' } },
          required: ['a'],
        },
      },
      { name: 'helper', isDefault: false, exports: ['helper'], parameters: null },
    ]);
    expect(answer.json.deployments).toEqual([]);
  });

  it('answers a syntax error with 400 giving the file and line', async () => {
    server.current.put('broken.ts', "import { flow } from 'flowdeck';\nconst x = ;\nexport default flow({ name: 'b' }, async () => x);\n");
    const answer = await describeFile('broken.ts');
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(/^broken\.ts does not compile: broken\.ts:2:11: Unexpected ";"/);
    expect(answer.json.message).not.toContain('\n');
    expect(answer.json.message).not.toContain(server.current.workspace);
  });

  it('answers a file that throws while loading with 400 and its error', async () => {
    server.current.put('throws.ts', "throw new Error('no database configured');\n");
    const answer = await describeFile('throws.ts');
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(/^throws\.ts failed to load: Error: no database configured/);
  });

  it('answers 404 for a file that is not there', async () => {
    const answer = await describeFile('nope.ts');
    expect(answer.status).toBe(404);
    expect(answer.json.message).toBe("no file 'nope.ts' in the workspace");
  });
});

describe('running a flow file', () => {
  it('answers the new run id at once; the run completes with its task runs, reporting to this server', async () => {
    const s = server.current;
    const written = await call(`${s.api}/workspace/file`, { method: 'PUT', body: { path: 'etl/adder.ts', content: ETL, expectedModifiedAt: null } });
    expect(written.status).toBe(200);

    const started = await runFile({ path: 'etl/adder.ts', parameters: { a: 40 } });
    expect(started.status, started.text).toBe(200);
    const { flowRunId } = started.json;
    // The run exists by the time the id is answered.
    expect((await call(`${s.api}/flow-runs/${flowRunId}`)).status).toBe(200);

    const run = await finalRun(flowRunId);
    expect(run).toMatchObject({ flowName: 'adder', state: { type: 'COMPLETED', name: 'Completed' }, result: '42', parameters: { a: 40, b: 2 } });
    expect(run.entrypoint).toBe(`${join(s.workspace, 'etl/adder.ts')}:adder`);
    const taskRuns = await call(`${s.api}/flow-runs/${flowRunId}/task-runs`);
    expect(taskRuns.json.map((t: { taskKey: string; state: { type: string } }) => [t.taskKey, t.state.type])).toEqual([['add', 'COMPLETED']]);
    const logs = await call(`${s.api}/flow-runs/${flowRunId}/logs`);
    expect(logs.json.map((l: { message: string }) => l.message)).toContain('adding');

    // The process's own output is kept in FLOWDECK_HOME/runs/<id>.log.
    const logPath = join(s.home, 'runs', `${flowRunId}.log`);
    await waitUntil(() => existsSync(logPath) && readFileSync(logPath, 'utf8').includes('"COMPLETED"'), { what: 'the run log to show the outcome' });
  });

  it('runs a failed run again as its next attempt in a process of its own, and refuses what it cannot rerun', async () => {
    const s = server.current;
    // Fails in its first process, passes in the next: the marker file outlives the process.
    s.put(
      'once.ts',
      [
        "import { existsSync, writeFileSync } from 'node:fs';",
        "import { flow } from 'flowdeck';",
        '',
        "export default flow({ name: 'once' }, async () => {",
        "  if (!existsSync('marker')) {",
        "    writeFileSync('marker', '1');",
        "    throw new Error('first time fails');",
        '  }',
        "  return 'second time works';",
        '});',
        '',
      ].join('\n'),
    );
    const { flowRunId } = (await runFile({ path: 'once.ts', parameters: {} })).json;
    expect((await finalRun(flowRunId)).state.type).toBe('FAILED');

    const rerun = await call(`${s.api}/flow-runs/${flowRunId}/rerun`, { method: 'POST' });
    expect(rerun.status, rerun.text).toBe(200);
    expect(rerun.json).toEqual({ flowRunId });
    const run = await finalRun(flowRunId);
    expect(run).toMatchObject({ state: { type: 'COMPLETED' }, result: '"second time works"', runCount: 2 });
    const history = (await call(`${s.api}/flow-runs/${flowRunId}/states`)).json.map(
      (st: { name: string; attempt: number }) => `${st.name}:${st.attempt}`,
    );
    expect(history).toEqual(['Pending:1', 'Running:1', 'Failed:1', 'AwaitingRetry:1', 'Retrying:2', 'Completed:2']);

    const again = await call(`${s.api}/flow-runs/${flowRunId}/rerun`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.json.message).toMatch(/Completed/i);
    expect((await call(`${s.api}/flow-runs/01a1ffff-0000-7000-8000-000000000000/rerun`, { method: 'POST' })).status).toBe(404);
  });

  it('runs a flow again with other parameters, as a new run of the same file and flow', async () => {
    const s = server.current;
    s.put('etl/adder.ts', ETL);
    const first = (await runFile({ path: 'etl/adder.ts', flowName: 'adder', parameters: { a: 1 } })).json.flowRunId;
    expect((await finalRun(first)).result).toBe('3');

    const again = await call(`${s.api}/flow-runs/${first}/run-again`, { method: 'POST', body: { parameters: { a: 10, b: 5 } } });
    expect(again.status, again.text).toBe(200);
    expect(again.json.flowRunId).not.toBe(first);
    const second = await finalRun(again.json.flowRunId);
    expect(second).toMatchObject({
      flowName: 'adder',
      result: '15',
      parameters: { a: 10, b: 5 },
      entrypoint: `${join(s.workspace, 'etl/adder.ts')}:adder`,
    });

    const unfit = await call(`${s.api}/flow-runs/${first}/run-again`, { method: 'POST', body: { parameters: { a: 'ten' } } });
    expect(unfit.status).toBe(400);
    expect(unfit.json.message).toMatch(/a/);
    expect((await call(`${s.api}/flow-runs/01a1ffff-0000-7000-8000-000000000000/run-again`, { method: 'POST', body: {} })).status).toBe(404);
  });

  it('runs a named flow of the file', async () => {
    server.current.put('etl.ts', ETL);
    const started = await runFile({ path: 'etl.ts', flowName: 'helper', parameters: {} });
    expect(started.status, started.text).toBe(200);
    expect(await finalRun(started.json.flowRunId)).toMatchObject({ flowName: 'helper', state: { type: 'COMPLETED' } });
  });

  it('creates no run for a file that does not load or parameters that do not fit, answering 400 with why', async () => {
    const s = server.current;
    s.put('etl.ts', ETL);
    s.put('broken.ts', "import { flow } from 'flowdeck';\nexport default flow({ name: 'b' }, async () => { return ; ;; }) )\n");
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ path: 'broken.ts' }, /^broken\.ts does not compile: broken\.ts:2:/],
      [{ path: 'etl.ts', parameters: { a: 'forty' } }, /^invalid parameters for flow 'adder': a: /],
      [{ path: 'etl.ts', parameters: { b: 1 } }, /^invalid parameters for flow 'adder': a: /],
      [{ path: 'etl.ts', flowName: 'nope', parameters: {} }, /^etl\.ts has no flow named 'nope'; it has 'adder', 'helper'$/],
    ];
    for (const [body, message] of cases) {
      const answer = await runFile(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.message).toMatch(message);
    }
    expect((await call(`${s.api}/flow-runs`)).json.items).toEqual([]);
  });

  it('reports with the API key when the server requires one', async () => {
    const keyed = await startWorkspaceServer({ apiKey: 'sekrit' });
    try {
      keyed.put('etl.ts', ETL);
      const headers = { authorization: 'Bearer sekrit' };
      const started = await call(`${keyed.api}/flow-files/run`, { method: 'POST', body: { path: 'etl.ts', parameters: { a: 1 } }, headers });
      expect(started.status, started.text).toBe(200);
      const run = await waitUntil(
        async () => {
          const answer = await call(`${keyed.api}/flow-runs/${started.json.flowRunId}`, { headers });
          return answer.json?.state?.type === 'COMPLETED' ? answer.json : null;
        },
        { what: 'the run to complete' },
      );
      expect(run.result).toBe('3');
    } finally {
      await keyed.close();
    }
    expect(keyed.unexpected).toEqual([]);
  });

  it('stops the flow processes it started when it closes', async () => {
    const s = await startWorkspaceServer();
    try {
      s.put(
        'slow.ts',
        "import { flow, task } from 'flowdeck';\nconst wait = task({ name: 'wait' }, () => new Promise((r) => setTimeout(r, 120000)));\nexport default flow({ name: 'slow' }, async () => wait());\n",
      );
      const started = await call(`${s.api}/flow-files/run`, { method: 'POST', body: { path: 'slow.ts' } });
      expect(started.status, started.text).toBe(200);
      const run = (await call(`${s.api}/flow-runs/${started.json.flowRunId}`)).json;
      expect(processIsAlive(run.pid)).toBe(true);
      await s.server.close();
      expect(processIsAlive(run.pid)).toBe(false);
      // It recorded its run as Crashed while the server still took its reports.
      expect((await s.store.getFlowRun(run.id))?.state.type).toBe('CRASHED');
    } finally {
      await s.close();
    }
  });
});
