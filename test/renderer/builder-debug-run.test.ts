// The builder's Debug over a real server, workspace and flow process: what the marks on its nodes
// make the run do, and what the run view shows of it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openEventStream } from '../../app/core/api/index.js';
import { createBuilderStore } from '../../app/renderer/builder/model/store.js';
import { createRunViewStore, type RunView } from '../../app/renderer/builder/model/run-store.js';
import { WorkspaceFilesService } from '../../app/renderer/builder/model/workspace-files.js';
import { createDocumentActions } from '../../app/renderer/builder/model/document-actions.js';
import { createRunActions } from '../../app/renderer/builder/model/run-actions.js';
import { useWorkspaceApiServer } from '../helpers/workspace-api-server.js';

const env = useWorkspaceApiServer();

const FLOW = [
  "import { flow, task } from 'flowdeck';",
  '',
  "const load = task({ name: 'load' }, async (): Promise<number[]> => { throw new Error('load must not run: it is pinned'); });",
  "const double = task({ name: 'double' }, async (rows: number[]) => rows.map((n) => n * 2));",
  "const check = task({ name: 'check' }, async (rows: number[]): Promise<number> => { throw new Error(`no good: ${rows.join(',')}`); });",
  '',
  "export default flow({ name: 'debugged' }, async () => {",
  '  const rows = await load();',
  '  const doubled = await double(rows);',
  '  return await check(doubled);',
  '});',
  '',
].join('\n');

async function debugSession() {
  writeFileSync(join(env.workspace, 'debugged.ts'), FLOW);
  const store = createBuilderStore();
  const files = new WorkspaceFilesService(env.client, store);
  const documents = createDocumentActions(store, files);
  await files.open('debugged.ts');
  const runStore = createRunViewStore();
  const runs = createRunActions({
    client: env.client,
    store,
    runs: runStore,
    documents,
    openStream: (options) => openEventStream({ ...options, baseUrl: env.api, WebSocket }),
  });
  return { store, runStore, runs, documents };
}

/** Resolves with the run view once it satisfies `ready`. */
function viewWhen(runStore: ReturnType<typeof createRunViewStore>, ready: (view: RunView) => boolean): Promise<RunView> {
  return new Promise((resolve) => {
    const check = () => {
      const view = runStore.getState();
      if (!ready(view)) return false;
      unsubscribe();
      resolve(view);
      return true;
    };
    const unsubscribe = runStore.subscribe(() => void check());
    check();
  });
}

describe('Debug from the builder', () => {
  it('stops at the breakpoints, takes the pinned outputs, breaks on a failure when asked, and shows each node so', async () => {
    const { store, runStore, runs, documents } = await debugSession();
    store.getState().toggleBreakpoint('double');
    store.getState().pin('load', [1, 2]);
    expect(await documents.save()).toBe(true);

    const prepared = await runs.prepare({ debug: true, breakOnFailure: true });
    expect(prepared).toMatchObject({ path: 'debugged.ts' });
    const flowRunId = await runs.start('debugged.ts', undefined, {});
    expect(flowRunId).not.toBeNull();
    expect(runStore.getState().debug).toBe(true);

    const atDouble = await viewWhen(runStore, (view) => view.nodeStates.double?.name === 'Breakpoint');
    expect(atDouble.nodeStates.double).toMatchObject({ type: 'PAUSED', name: 'Breakpoint' });
    expect(atDouble.nodeStates.load).toMatchObject({ type: 'COMPLETED', name: 'Pinned' });
    const doubleRun = atDouble.snapshot!.taskRuns.find((run) => run.taskKey === 'double')!;
    await env.client.continueTaskRun({ params: { id: doubleRun.id }, body: {} });

    // check fails its last attempt and, with Break on failure, stops there instead of failing the flow.
    const atCheck = await viewWhen(runStore, (view) => view.nodeStates.check?.name === 'Breakpoint');
    expect(atCheck.nodeStates.double).toMatchObject({ type: 'COMPLETED', name: 'Completed', preview: '[2,4]' });
    const checkRun = atCheck.snapshot!.taskRuns.find((run) => run.taskKey === 'check')!;
    await env.client.skipTaskRun({ params: { id: checkRun.id }, body: { result: 6 } });

    const done = await viewWhen(runStore, (view) => view.phase === 'finished');
    expect(done.snapshot?.flowState?.type).toBe('COMPLETED');
    expect(JSON.parse(done.snapshot!.flowRun!.result!)).toBe(6);
    expect(done.nodeStates.check).toMatchObject({ type: 'COMPLETED', name: 'Skipped' });
    runs.dispose();
  }, 90_000);

  it('runs as Run always did when started with Run: no stops, nothing pinned', async () => {
    const { store, runStore, runs, documents } = await debugSession();
    store.getState().toggleBreakpoint('double');
    store.getState().pin('load', [1, 2]);
    expect(await documents.save()).toBe(true);
    expect(await runs.prepare()).toMatchObject({ path: 'debugged.ts' });
    await runs.start('debugged.ts', undefined, {});
    expect(runStore.getState().debug).toBe(false);
    const done = await viewWhen(runStore, (view) => view.phase === 'finished');
    expect(done.snapshot?.flowState?.type).toBe('FAILED');
    expect(done.nodeStates.load).toMatchObject({ type: 'FAILED', message: expect.stringContaining('load must not run') });
    expect(done.nodeStates.double).toBeUndefined();
    runs.dispose();
  }, 90_000);
});
