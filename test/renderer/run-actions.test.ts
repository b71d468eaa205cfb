// The builder's Run over a real server and workspace: what it does with edits that are not saved.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBuilderStore } from '../../app/renderer/builder/model/store.js';
import { createRunViewStore } from '../../app/renderer/builder/model/run-store.js';
import { WorkspaceFilesService } from '../../app/renderer/builder/model/workspace-files.js';
import { createDocumentActions } from '../../app/renderer/builder/model/document-actions.js';
import { createRunActions } from '../../app/renderer/builder/model/run-actions.js';
import { closeDialog, uiStore, type Dialog } from '../../app/renderer/app/ui-store.js';
import { useWorkspaceApiServer } from '../helpers/workspace-api-server.js';

const env = useWorkspaceApiServer();

afterEach(() => closeDialog());

/** The builder with a saved flow file and an unsaved edit on top. */
async function editedFlow(path: string) {
  const store = createBuilderStore();
  const files = new WorkspaceFilesService(env.client, store);
  const documents = createDocumentActions(store, files);
  store.getState().addNode('notify');
  expect(await documents.saveAs(path)).toBe(true);
  store.getState().addNode('readFile');
  const runs = createRunActions({
    client: env.client,
    store,
    runs: createRunViewStore(),
    documents,
    openStream: () => {
      throw new Error('no run is started here');
    },
  });
  return { store, files, runs };
}

/** The dialog Run opens, once it is open. */
async function dialogShown(): Promise<Dialog> {
  for (;;) {
    const dialog = uiStore.getState().dialog;
    if (dialog) return dialog;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('Run with unsaved edits', () => {
  it('asks before saving them, and leaves the file as it was on Cancel', async () => {
    const { files, runs } = await editedFlow('flows/cancelled.ts');
    const onDisk = readFileSync(join(env.workspace, 'flows/cancelled.ts'), 'utf8');
    const prepared = runs.prepare();
    const dialog = await dialogShown();
    expect(dialog).toMatchObject({ type: 'saveBeforeRun', path: 'flows/cancelled.ts' });
    if (dialog.type !== 'saveBeforeRun') return;
    closeDialog();
    dialog.resolve(false);
    expect(await prepared).toBeNull();
    expect(readFileSync(join(env.workspace, 'flows/cancelled.ts'), 'utf8')).toBe(onDisk);
    expect(files.isDirty()).toBe(true);
    runs.dispose();
  });

  it('saves them on Save and run, says so, and reads the saved file', async () => {
    const { store, files, runs } = await editedFlow('flows/saved.ts');
    const prepared = runs.prepare();
    const dialog = await dialogShown();
    if (dialog.type !== 'saveBeforeRun') throw new Error(`expected the save-before-run dialog, not ${dialog.type}`);
    closeDialog();
    dialog.resolve(true);
    expect(await prepared).toMatchObject({ path: 'flows/saved.ts', description: { flows: [{ isDefault: true }] } });
    expect(readFileSync(join(env.workspace, 'flows/saved.ts'), 'utf8')).toBe(store.getState().source);
    expect(files.isDirty()).toBe(false);
    expect(uiStore.getState().toast?.message).toBe('Saved flows/saved.ts before running');
    runs.dispose();
  });

  it('asks nothing when there is nothing to save', async () => {
    const { files, runs } = await editedFlow('flows/clean.ts');
    const first = runs.prepare();
    const dialog = await dialogShown();
    if (dialog.type !== 'saveBeforeRun') throw new Error(`expected the save-before-run dialog, not ${dialog.type}`);
    closeDialog();
    dialog.resolve(true);
    await first;
    expect(files.isDirty()).toBe(false);
    expect(await runs.prepare()).toMatchObject({ path: 'flows/clean.ts' });
    expect(uiStore.getState().dialog).toBeNull();
    runs.dispose();
  });
});
