// Artifacts in a real store file: versions by key, the latest of each key, progress updated in
// place, listings filtered and paged, and refusals that name the field.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreateArtifactSchema, type CreateArtifact } from '../../../app/core/api/artifacts.js';
import { newId, type RetryPolicy } from '../../../app/core/index.js';
import type { RunStore } from '../../../app/server/index.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const noRetries: RetryPolicy = { retries: 0, retryDelaySeconds: [0] };

describe('artifacts in the store', () => {
  let temp: ReturnType<typeof makeTempHome>;
  let store: RunStore;
  beforeEach(async () => {
    temp = makeTempHome();
    store = await openTestStore({ path: temp.dbPath });
  });
  afterEach(async () => {
    await store.close();
    temp.cleanup();
  });

  async function flowRun(): Promise<string> {
    const id = newId();
    const result = await store.createFlowRun({
      id,
      flowName: 'etl',
      name: 'calm-otter',
      retryPolicy: noRetries,
      transitionId: newId(),
      state: { type: 'PENDING', name: 'Pending' },
    });
    expect(result.status).toBe('ACCEPT');
    return id;
  }

  const create = (artifact: CreateArtifact) => store.createArtifact(CreateArtifactSchema.parse(artifact));

  it('keeps each artifact with a used key as a new version, the newest being the latest', async () => {
    const first = await flowRun();
    const second = await flowRun();
    const v1 = await create({ type: 'markdown', data: '# one', key: 'report', description: 'daily', flowRunId: first });
    const other = await create({ type: 'table', data: [{ a: 1 }], key: 'numbers', flowRunId: first, taskRunId: 'task-1' });
    const v2 = await create({ type: 'markdown', data: '# two', key: 'report', flowRunId: second });
    await create({ type: 'link', data: { link: 'https://example.com' }, flowRunId: second });

    expect(v1).toMatchObject({ key: 'report', type: 'markdown', data: '# one', description: 'daily', flowRunId: first, taskRunId: null });
    expect(other).toMatchObject({ taskRunId: 'task-1', data: [{ a: 1 }] });
    expect((await store.listArtifactVersions('report')).map((a) => a.id)).toEqual([v2.id, v1.id]);
    // The latest of each key, the most recently made first; an artifact without a key is in no key.
    const latest = await store.listLatestArtifacts({ limit: 50 });
    expect(latest.items.map((a) => [a.key, a.id])).toEqual([
      ['report', v2.id],
      ['numbers', other.id],
    ]);
    expect(latest.nextCursor).toBeNull();
    expect((await store.listLatestArtifacts({ limit: 50, flowRunId: first })).items.map((a) => a.id)).toEqual([other.id]);
    expect((await store.listLatestArtifacts({ limit: 50, type: 'table' })).items.map((a) => a.id)).toEqual([other.id]);

    // Every version, filtered.
    expect((await store.listArtifacts({ limit: 50 })).items).toHaveLength(4);
    expect((await store.listArtifacts({ limit: 50, flowRunId: first })).items.map((a) => a.id)).toEqual([other.id, v1.id]);
    expect((await store.listArtifacts({ limit: 50, taskRunId: 'task-1' })).items.map((a) => a.id)).toEqual([other.id]);
    expect((await store.listArtifacts({ limit: 50, key: 'report' })).items.map((a) => a.id)).toEqual([v2.id, v1.id]);
    expect((await store.listArtifacts({ limit: 50, type: 'link' })).items.map((a) => a.type)).toEqual(['link']);
  });

  it('pages listings newest first with a cursor that holds while artifacts are added', async () => {
    const run = await flowRun();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create({ type: 'progress', data: i * 10, key: `step-${i}`, flowRunId: run })).id);
    const first = await store.listArtifacts({ limit: 2 });
    expect(first.items.map((a) => a.id)).toEqual([ids[4], ids[3]]);
    await create({ type: 'progress', data: 99, flowRunId: run });
    const second = await store.listArtifacts({ limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((a) => a.id)).toEqual([ids[2], ids[1]]);
    const third = await store.listArtifacts({ limit: 2, cursor: second.nextCursor! });
    expect(third.items.map((a) => a.id)).toEqual([ids[0]]);
    expect(third.nextCursor).toBeNull();
    const latestPage = await store.listLatestArtifacts({ limit: 3 });
    expect(latestPage.items.map((a) => a.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect((await store.listLatestArtifacts({ limit: 3, cursor: latestPage.nextCursor! })).items.map((a) => a.id)).toEqual([ids[1], ids[0]]);
  });

  it('updates a progress artifact in place and refuses to update any other kind', async () => {
    const run = await flowRun();
    const bar = await create({ type: 'progress', data: 0, key: 'load', flowRunId: run });
    const moved = await store.updateArtifactProgress(bar.id, 62.5);
    expect(moved).toMatchObject({ id: bar.id, data: 62.5, createdAt: bar.createdAt });
    expect(moved!.updatedAt).toBeGreaterThanOrEqual(bar.updatedAt);
    expect(await store.listArtifactVersions('load')).toHaveLength(1);
    expect((await store.getArtifact(bar.id))!.data).toBe(62.5);
    await expect(store.updateArtifactProgress(bar.id, 101)).rejects.toThrow('progress must be from 0 to 100, got 101');
    const note = await create({ type: 'markdown', data: 'hi', flowRunId: run });
    await expect(store.updateArtifactProgress(note.id, 5)).rejects.toThrow(/is a markdown artifact; only progress artifacts/);
    expect(await store.updateArtifactProgress('no-such-id', 5)).toBeNull();
  });

  it('refuses an artifact of an unknown flow run or with a bad key, storing nothing', async () => {
    await expect(create({ type: 'markdown', data: 'x', flowRunId: 'nope' })).rejects.toThrow('flowRunId: no flow run nope');
    const run = await flowRun();
    await expect(
      store.createArtifact({ type: 'markdown', data: 'x', key: 'Not OK', description: null, flowRunId: run, taskRunId: null }),
    ).rejects.toThrow("key must be lowercase letters, digits and dashes only, got 'Not OK'");
    expect((await store.listArtifacts({ limit: 50 })).items).toEqual([]);
  });

  it('deletes one version, or every version of a key, and keeps them across reopening', async () => {
    const run = await flowRun();
    const a = await create({ type: 'markdown', data: 'a', key: 'notes', flowRunId: run });
    await create({ type: 'markdown', data: 'b', key: 'notes', flowRunId: run });
    const kept = await create({ type: 'markdown', data: 'c', key: 'kept', flowRunId: run });
    expect(await store.deleteArtifact(a.id)).toBe(true);
    expect(await store.deleteArtifact(a.id)).toBe(false);
    expect(await store.listArtifactVersions('notes')).toHaveLength(1);
    expect(await store.deleteArtifactKey('notes')).toBe(1);
    expect(await store.deleteArtifactKey('notes')).toBe(0);
    await store.close();
    store = await openTestStore({ path: temp.dbPath });
    expect((await store.listLatestArtifacts({ limit: 50 })).items.map((x) => x.id)).toEqual([kept.id]);
  });
});
