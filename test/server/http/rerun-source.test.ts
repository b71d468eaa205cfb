// A flow run's read says whether this server can run it again (Retry, Run again) and why not,
// as the rerun endpoints decide it, so the UI need not guess.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../app/core/index.js';
import { call, flowRunRequest, useTestServer, type TestServer } from './support.js';
import { useWorkspaceServer } from './workspace-support.js';

/** A Failed run with this entrypoint, reported as a flow process would. */
async function failedRunAt(s: TestServer, entrypoint: string | null): Promise<string> {
  const id = newId();
  const report = {
    operations: [
      { kind: 'createFlowRun', request: flowRunRequest({ id, entrypoint, state: { type: 'RUNNING', name: 'Running' } }) },
      { kind: 'setState', request: { kind: 'flow', runId: id, transitionId: newId(), state: { type: 'FAILED', name: 'Failed', message: 'boom' } } },
    ],
  };
  const answer = await call(`${s.api}/reports`, { method: 'POST', body: report });
  expect(answer.status, answer.text).toBe(200);
  return id;
}

async function rerunOf(s: TestServer, id: string) {
  const answer = await call(`${s.api}/flow-runs/${id}`);
  expect(answer.status, answer.text).toBe(200);
  return answer.json.rerun;
}

/** The rerun endpoints refuse with the reason the read gave. */
async function expectRefused(s: TestServer, id: string, reason: string) {
  for (const action of ['rerun', 'run-again']) {
    const answer = await call(`${s.api}/flow-runs/${id}/${action}`, { method: 'POST', body: action === 'rerun' ? {} : { parameters: {} } });
    expect(answer.status, `${action}: ${answer.text}`).toBe(409);
    expect(answer.json.message, action).toBe(reason);
  }
}

describe("a flow run's read", () => {
  const server = useWorkspaceServer();

  it('names the workspace file and flow a run came from, while the file is there', async () => {
    const s = server.current;
    const file = s.put('flows/etl.ts', "import { flow } from 'flowdeck';\nexport default flow({ name: 'etl' }, async () => 1);\n");
    const id = await failedRunAt(s, `${file}:etl`);
    expect(await rerunOf(s, id)).toEqual({ possible: true, path: 'flows/etl.ts', flowName: 'etl' });

    rmSync(file);
    const gone = await rerunOf(s, id);
    expect(gone).toEqual({ possible: false, reason: "the file of flow run 'calm-otter', 'flows/etl.ts', is no longer in the workspace" });
    await expectRefused(s, id, gone.reason);
  });

  it('says why not for a run from a file outside the workspace, or from no file', async () => {
    const s = server.current;
    for (const entrypoint of [`${join(s.outside, 'etl.ts')}:etl`, null, 'etl.ts:etl']) {
      const id = await failedRunAt(s, entrypoint);
      const rerun = await rerunOf(s, id);
      expect(rerun, String(entrypoint)).toEqual({
        possible: false,
        reason: `flow run 'calm-otter' did not come from a file in this server's workspace, so the server cannot run it again; run \`flowdeck flow-run retry ${id.slice(0, 8)}\` where its file is`,
      });
      await expectRefused(s, id, rerun.reason);
    }
  });
});

describe("a flow run's read on a server without a workspace", () => {
  const server = useTestServer();

  it('says the server runs no files', async () => {
    const s = server.current;
    const id = await failedRunAt(s, '/somewhere/etl.ts:etl');
    const rerun = await rerunOf(s, id);
    expect(rerun.possible).toBe(false);
    expect(rerun.reason).toMatch(
      /^this server serves no workspace, so it cannot run flow files; run `flowdeck flow-run retry [0-9a-f]{8}` where its file is$/,
    );
  });
});
