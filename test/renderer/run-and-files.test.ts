import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openEventStream } from '../../app/core/api/index.js';
import { parseFlowModule } from '../../app/core/flow-document/index.js';
import { createBuilderStore } from '../../app/renderer/builder/model/store.js';
import { KEPT_RESULT_CHARS, nodeOfRun, nodeOutputs, nodeRunStates, outputPreview, PREVIEW_CHARS } from '../../app/renderer/shared/node-states.js';
import { collectParameters, initialParameterValues, parameterFields, runAgainForm } from '../../app/renderer/shared/parameter-form.js';
import { trackRun, type RunSnapshot } from '../../app/renderer/builder/model/run-tracker.js';
import { workspaceRelative, WorkspaceFilesService, type DesktopFiles } from '../../app/renderer/builder/model/workspace-files.js';
import { waitUntil } from '../helpers/cli.js';
import { useWorkspaceApiServer } from '../helpers/workspace-api-server.js';

const PIPELINE = [
  "import { flow, task } from 'flowdeck';",
  "import { transform } from 'flowdeck/tasks';",
  "import { z } from 'zod';",
  '',
  "const double = task({ name: 'double' }, async (n: number) => n * 2);",
  "const describe = transform.withOptions({ name: 'describe' });",
  '',
  "export default flow({ name: 'pipeline', parameters: z.object({ n: z.number().int().default(3), label: z.string() }) }, async (params: { n: number; label: string }) => {",
  '  const doubled = await double(params.n);',
  '  return await describe(doubled, (value) => `${params.label}: ${value}`);',
  '});',
  '',
].join('\n');

const env = useWorkspaceApiServer();

describe('following a run', () => {
  it('reads the parameters form from the flow, runs it, and sees every node Completed with the result', async () => {
    writeFileSync(join(env.workspace, 'pipeline.ts'), PIPELINE);
    const description = await env.client.describeFlowFile({ body: { path: 'pipeline.ts' } });
    const flow = description.flows.find((f) => f.isDefault)!;
    const fields = parameterFields(flow.parameters);
    expect(fields.map((f) => [f.name, f.control, f.required])).toEqual([
      ['n', 'integer', false],
      ['label', 'text', true],
    ]);
    const values = initialParameterValues(fields);
    expect(values).toEqual({ n: '3', label: '' });
    expect(collectParameters(fields, values).errors).toEqual({ label: 'Label is required' });
    const { parameters, errors } = collectParameters(fields, { ...values, label: 'twice' });
    expect(errors).toEqual({});

    const { flowRunId } = await env.client.runFlowFile({ body: { path: 'pipeline.ts', parameters } });
    const snapshots: RunSnapshot[] = [];
    const done = new Promise<RunSnapshot>((resolve) => {
      const tracker = trackRun({
        client: env.client,
        flowRunId,
        openStream: (options) => openEventStream({ ...options, baseUrl: env.api, WebSocket }),
        onChange: (snapshot) => {
          snapshots.push(snapshot);
          if (snapshot.finished) {
            tracker.close();
            resolve(snapshot);
          }
        },
      });
    });
    const final = await done;
    expect(final.flowState?.type).toBe('COMPLETED');
    expect(JSON.parse(final.flowRun!.result!)).toBe('twice: 6');
    const { graph } = parseFlowModule(PIPELINE);
    const states = nodeRunStates(graph.nodes, final.taskRuns);
    expect(states).toEqual({
      double: { type: 'COMPLETED', name: 'Completed', runs: 1, finished: 1, preview: '6' },
      describe: { type: 'COMPLETED', name: 'Completed', runs: 1, finished: 1, preview: '"twice: 6"' },
    });
    // Each node's output is its task run's result, as the server keeps it.
    expect(nodeOutputs(graph.nodes, final.taskRuns, 'describe')).toEqual([
      expect.objectContaining({ index: 0, text: '"twice: 6"', note: null, state: expect.objectContaining({ type: 'COMPLETED' }) }),
    ]);
    // It was followed live, not only read at the end.
    expect(snapshots.some((s) => s.stream === 'open')).toBe(true);
  }, 60_000);

  it('says why a run did not start', async () => {
    const error = await env.client.runFlowFile({ body: { path: 'pipeline.ts', parameters: { n: 'many', label: 'x' } } }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/n/);
  }, 60_000);
});

describe('running a flow run again', () => {
  async function ended(flowRunId: string) {
    return waitUntil(
      async () => {
        const run = await env.client.getFlowRun({ params: { id: flowRunId } });
        return ['COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED'].includes(run.state.type) ? run : null;
      },
      { what: `flow run ${flowRunId} to end` },
    );
  }

  it("offers the flow's own form, filled with the run's parameters, from the file the server names", async () => {
    writeFileSync(join(env.workspace, 'again.ts'), PIPELINE);
    const { flowRunId } = await env.client.runFlowFile({ body: { path: 'again.ts', parameters: { n: 5, label: 'first' } } });
    const run = await ended(flowRunId);
    expect(run.rerun).toEqual({ possible: true, path: 'again.ts', flowName: 'pipeline' });
    if (!run.rerun.possible) return;

    const description = await env.client.describeFlowFile({ body: { path: run.rerun.path } });
    const form = runAgainForm(description.flows, run.rerun.flowName, run.parameters);
    expect(form).toMatchObject({ kind: 'fields', values: { n: '5', label: 'first' } });
    if (form.kind !== 'fields') return;

    const collected = collectParameters(form.fields, { ...form.values, label: 'second' });
    expect(collected).toEqual({ parameters: { n: 5, label: 'second' }, errors: {} });
    const again = await env.client.runFlowRunAgain({ params: { id: flowRunId }, body: { parameters: collected.parameters } });
    const next = await ended(again.flowRunId);
    expect(next).toMatchObject({ parameters: { n: 5, label: 'second' }, state: { type: 'COMPLETED' } });
    expect(JSON.parse(next.result!)).toBe('second: 10');
  }, 60_000);

  it('falls back to JSON for a flow without a schema, and says when the file no longer defines the flow', () => {
    const flows = [{ name: 'loose', parameters: null }];
    expect(runAgainForm(flows, 'loose', { x: [1] })).toEqual({ kind: 'json', text: '{\n  "x": [\n    1\n  ]\n}' });
    expect(runAgainForm(flows, 'gone', {})).toEqual({ kind: 'missing', message: "the file no longer defines the flow 'gone'; it defines loose" });
  });
});

describe('matching runs to nodes', () => {
  const nodes = [
    { id: 'fetch', name: 'fetch' },
    { id: 'fetch2', name: 'fetch-2' },
    { id: 'cmd', name: 'run-command' },
  ];
  const state = (type: 'COMPLETED' | 'FAILED' | 'RUNNING') => ({ type, name: type[0] + type.slice(1).toLowerCase(), timestamp: 0 });

  it('goes by the run name first, so ready-made tasks under their own names are found', () => {
    expect(nodeOfRun(nodes, { taskKey: 'fetch', name: 'fetch-0' })).toBe('fetch');
    expect(nodeOfRun(nodes, { taskKey: 'fetch#2', name: 'fetch-2-0' })).toBe('fetch2');
    expect(nodeOfRun(nodes, { taskKey: 'shell-command', name: 'run-command-3' })).toBe('cmd');
    expect(nodeOfRun(nodes, { taskKey: 'fetch', name: 'custom name from a template' })).toBe('fetch');
    expect(nodeOfRun(nodes, { taskKey: 'other', name: 'other-0' })).toBeUndefined();
  });

  it('shows the state a person most needs to see when a node ran many times', () => {
    const runs = [
      { id: '1', taskKey: 'fetch', name: 'fetch-0', state: state('COMPLETED') },
      { id: '2', taskKey: 'fetch', name: 'fetch-1', state: { ...state('FAILED'), message: 'boom' } },
      { id: '3', taskKey: 'fetch', name: 'fetch-2', state: state('RUNNING') },
    ];
    expect(nodeRunStates(nodes, runs).fetch).toEqual({ type: 'FAILED', name: 'Failed', runs: 3, finished: 2, message: 'boom' });
  });

  it("gives each run's result in map order, says when one is cut or missing, and previews it on one line", () => {
    const done = state('COMPLETED');
    const long = `"${'x'.repeat(KEPT_RESULT_CHARS - 2)}…`;
    const runs = [
      { id: '3', taskKey: 'fetch', name: 'fetch-2', dynamicKey: 2, state: done, result: null },
      { id: '1', taskKey: 'fetch', name: 'fetch-0', dynamicKey: 0, state: done, result: '{"a":1,"b":[1,2]}' },
      { id: '2', taskKey: 'fetch', name: 'fetch-1', dynamicKey: 1, state: done, result: long },
      { id: '4', taskKey: 'run-command', name: 'run-command-0', dynamicKey: 0, state: { ...state('FAILED'), message: 'exit 2' }, result: null },
      { id: '5', taskKey: 'fetch#2', name: 'fetch-2-0', dynamicKey: 0, state: state('RUNNING') },
    ];
    const outputs = nodeOutputs(nodes, runs, 'fetch');
    expect(outputs.map((o) => o.index)).toEqual([0, 1, 2]);
    expect(outputs[0]).toMatchObject({ text: '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}', note: null });
    expect(outputs[1].note).toBe('The result is large: the server keeps its first 2,000 characters');
    expect(outputs[2]).toMatchObject({ text: null, note: 'No result was kept for this run' });
    expect(nodeOutputs(nodes, runs, 'cmd')).toEqual([expect.objectContaining({ text: null, note: 'Failed: exit 2; no result' })]);
    expect(nodeOutputs(nodes, runs, 'fetch2')).toEqual([expect.objectContaining({ text: null, note: 'Running: no result yet' })]);

    const preview = outputPreview(runs.filter((r) => r.taskKey === 'fetch'))!;
    expect(preview.startsWith('3 results: {"a":1,"b":[1,2]}, "xx')).toBe(true);
    expect(preview).toHaveLength(PREVIEW_CHARS);
    expect(outputPreview([runs[0]])).toBeUndefined();
    // A node shows its preview only when all its runs are over.
    expect(nodeRunStates(nodes, runs).fetch.preview).toBe(preview);
    expect(
      nodeRunStates(nodes, [...runs, { id: '6', taskKey: 'fetch', name: 'fetch-3', dynamicKey: 3, state: state('RUNNING') }]).fetch.preview,
    ).toBeUndefined();
  });
});

describe('saving to the workspace', () => {
  it('saves a new flow under a path, then saves again, refusing to overwrite a newer file unless told', async () => {
    const builder = createBuilderStore();
    const files = new WorkspaceFilesService(env.client, builder);
    expect(await files.save()).toEqual({ status: 'needs-path' });
    builder.getState().addNode('notify');
    const first = await files.saveAs('flows/notify');
    expect(first).toMatchObject({ status: 'saved', path: 'flows/notify.ts' });
    expect(readFileSync(join(env.workspace, 'flows/notify.ts'), 'utf8')).toBe(builder.getState().source);
    expect(JSON.parse(readFileSync(join(env.workspace, 'flows/notify.flowdeck.json'), 'utf8')).nodes).toHaveProperty('sendNotification');
    expect(files.isDirty()).toBe(false);

    // Another save-as onto an existing file asks first.
    const other = createBuilderStore();
    expect(await new WorkspaceFilesService(env.client, other).saveAs('flows/notify.ts')).toMatchObject({ status: 'conflict', kind: 'exists' });

    // The file changes on disk behind the builder's back.
    await new Promise((resolve) => setTimeout(resolve, 20));
    writeFileSync(join(env.workspace, 'flows/notify.ts'), '// changed elsewhere\n');
    builder.getState().addNode('readFile');
    expect(await files.save()).toMatchObject({ status: 'conflict', path: 'flows/notify.ts', kind: 'changed' });
    expect(readFileSync(join(env.workspace, 'flows/notify.ts'), 'utf8')).toBe('// changed elsewhere\n');
    expect(await files.save({ overwrite: true })).toMatchObject({ status: 'saved' });
    expect(readFileSync(join(env.workspace, 'flows/notify.ts'), 'utf8')).toContain('readInput');

    // And it opens again as it was saved, positions included.
    const reopened = createBuilderStore();
    await new WorkspaceFilesService(env.client, reopened).open('flows/notify.ts');
    expect(reopened.getState().source).toBe(builder.getState().source);
    expect(reopened.getState().positions).toEqual(builder.getState().positions);
  });
});

describe('a save refused because the file on disk moved on', () => {
  it('tells a file deleted since it was opened from one that changed', async () => {
    const builder = createBuilderStore();
    const files = new WorkspaceFilesService(env.client, builder);
    builder.getState().addNode('notify');
    expect(await files.saveAs('flows/gone.ts')).toMatchObject({ status: 'saved' });
    rmSync(join(env.workspace, 'flows/gone.ts'));
    builder.getState().addNode('readFile');
    expect(await files.save()).toMatchObject({ status: 'conflict', path: 'flows/gone.ts', kind: 'gone' });
    expect(await files.save({ overwrite: true })).toMatchObject({ status: 'saved' });
    expect(readFileSync(join(env.workspace, 'flows/gone.ts'), 'utf8')).toBe(builder.getState().source);
  });
});

describe('files on this computer, in the desktop app', () => {
  /** The bridge's contract over real files: what the person picks in the dialog is given here. */
  function diskBridge(pick: () => string | null): DesktopFiles['bridge'] {
    const sidecarOf = (path: string) => path.replace(/\.ts$/, '.flowdeck.json');
    return {
      async openFile() {
        const path = pick();
        if (!path) return null;
        let sidecar: string | null;
        try {
          sidecar = readFileSync(sidecarOf(path), 'utf8');
        } catch {
          sidecar = null;
        }
        return { path, content: readFileSync(path, 'utf8'), sidecar };
      },
      async saveFile(path, content, sidecar) {
        writeFileSync(path, content);
        if (typeof sidecar === 'string') writeFileSync(sidecarOf(path), sidecar);
        return { path };
      },
      async saveFileAs(content, _name, sidecar) {
        const path = pick();
        if (!path) return null;
        writeFileSync(path, content);
        if (typeof sidecar === 'string') writeFileSync(sidecarOf(path), sidecar);
        return { path };
      },
      async openFolder() {
        return null;
      },
    };
  }

  it('knows which paths lie in the workspace', () => {
    expect(workspaceRelative('/home/ada/ws/flows/a.ts', '/home/ada/ws')).toBe('flows/a.ts');
    expect(workspaceRelative('C:\\Users\\ada\\ws\\a.ts', 'C:\\Users\\ada\\ws\\')).toBe('a.ts');
    expect(workspaceRelative('/home/ada/wsx/a.ts', '/home/ada/ws')).toBeNull();
    expect(workspaceRelative('/home/ada/ws/../a.ts', '/home/ada/ws')).toBeNull();
    expect(workspaceRelative('/a.ts', '')).toBeNull();
  });

  it('opens and saves a file outside the workspace through the dialogs, and one inside as a workspace file', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'flowdeck-disk-'));
    try {
      const path = join(outside, 'mine.ts');
      writeFileSync(path, PIPELINE);
      let picked: string | null = path;
      const builder = createBuilderStore();
      const files = new WorkspaceFilesService(env.client, builder, { bridge: diskBridge(() => picked), workspaceRoot: env.workspace });
      expect(await files.openFromDisk()).toBe(true);
      expect(builder.getState().doc).toMatchObject({ path, location: 'disk', name: 'mine.ts' });
      builder.getState().addNode('notify');
      expect(await files.save()).toMatchObject({ status: 'saved', path });
      expect(readFileSync(path, 'utf8')).toContain('sendNotification');
      expect(JSON.parse(readFileSync(join(outside, 'mine.flowdeck.json'), 'utf8')).nodes).toHaveProperty('sendNotification');

      // Saved into the workspace through the dialog, it becomes a workspace file the server can run.
      picked = join(env.workspace, 'from-disk.ts');
      expect(await files.saveToDisk()).toMatchObject({ status: 'saved', path: 'from-disk.ts' });
      expect(builder.getState().doc).toMatchObject({ path: 'from-disk.ts', location: 'workspace' });
      picked = null;
      expect(await files.openFromDisk()).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
