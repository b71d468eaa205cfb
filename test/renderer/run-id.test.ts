// A run page's address may name the run by a short id, as the CLI takes it; the server resolves it.
import { describe, expect, it } from 'vitest';
import { newId } from '../../app/core/index.js';
import { isFullRunId, resolveFlowRunId } from '../../app/renderer/monitor/model/run-id.js';
import { useWorkspaceApiServer } from '../helpers/workspace-api-server.js';

const env = useWorkspaceApiServer();

async function storedRun(): Promise<string> {
  const id = newId();
  await env.store.createFlowRun({
    id,
    flowName: 'etl',
    name: `run-${id.slice(-4)}`,
    retryPolicy: { retries: 0, retryDelaySeconds: [0] },
    transitionId: newId(),
    state: { type: 'PENDING', name: 'Pending' },
  });
  return id;
}

describe("a run page's id", () => {
  it('is resolved from a unique prefix to the full id, and a full id needs no resolving', async () => {
    const id = await storedRun();
    expect(isFullRunId(id)).toBe(true);
    expect(isFullRunId(id.slice(0, 8))).toBe(false);
    expect(await resolveFlowRunId(env.client, id)).toEqual({ id });
    // Only this run exists yet, so any 4 characters of its id name it.
    expect(await resolveFlowRunId(env.client, id.slice(0, 4))).toEqual({ id });
  });

  it('says when the prefix is shared, unknown, too short or no id at all', async () => {
    const first = await storedRun();
    const second = await storedRun();
    let shared = 0;
    while (first[shared] === second[shared]) shared++;
    expect(shared).toBeGreaterThanOrEqual(4);
    const prefix = first.slice(0, shared);
    expect(await resolveFlowRunId(env.client, prefix)).toEqual({
      error: `more than one flow run has an id starting with '${prefix}'; give more of the id`,
    });
    const unique = (await env.store.uniqueIdPrefixes('flow', [first])).get(first)!;
    expect(await resolveFlowRunId(env.client, unique)).toEqual({ id: first });
    expect(await resolveFlowRunId(env.client, 'ffffffff')).toEqual({ error: "no flow run with id 'ffffffff' or a unique id starting with it" });
    expect(await resolveFlowRunId(env.client, 'abc')).toEqual({ error: "no flow run with id 'abc'; give at least 4 characters of the id" });
    expect(await resolveFlowRunId(env.client, 'x'.repeat(200))).toEqual({
      error: `no flow run with id '${'x'.repeat(200)}' or a unique id starting with it`,
    });
  });
});
