// The builder's file list changing the server's folder, headless, against a real local server that
// allows it: the listing follows, a file open from the old folder is closed, refusals say why.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../app/core/api/index.js';
import { createBuilderStore } from '../../app/renderer/builder/model/store.js';
import { WorkspaceFilesService } from '../../app/renderer/builder/model/workspace-files.js';
import { createServer, type FlowdeckServer, type RunStore } from '../../app/server/index.js';
import { openTestStore } from '../helpers/store-factory.js';

const FLOW = "import { flow } from 'flowdeck';\nexport default flow({ name: 'f' }, async () => 1);\n";

let base: string;
let store: RunStore;
let server: FlowdeckServer;
let client: ApiClient;
beforeEach(async () => {
  base = mkdtempSync(join(tmpdir(), 'flowdeck-folder-'));
  for (const folder of ['home', 'first', 'second']) mkdirSync(join(base, folder));
  writeFileSync(join(base, 'first', 'a.ts'), FLOW);
  writeFileSync(join(base, 'second', 'b.ts'), FLOW);
  store = await openTestStore({ path: join(base, 'home', 'flowdeck.db') });
  server = await createServer({
    store,
    host: '127.0.0.1',
    port: 0,
    workspace: join(base, 'first'),
    workspaceChange: { allowed: true },
    home: join(base, 'home'),
    crashSweepIntervalMs: 0,
  });
  client = createApiClient({ baseUrl: `${await server.listen()}/api` });
});
afterEach(async () => {
  await server.close();
  await store.close();
  rmSync(base, { recursive: true, force: true });
});

describe('changing the folder from the file list', () => {
  it('lists the new folder and closes a file open from the old one', async () => {
    const builder = createBuilderStore();
    const files = new WorkspaceFilesService(client, builder);
    expect(await files.info()).toMatchObject({ root: join(base, 'first'), changeable: true });
    await files.open('a.ts');
    expect(builder.getState().doc.path).toBe('a.ts');

    expect((await files.changeFolder(` ${join(base, 'second')} `)).root).toBe(join(base, 'second'));
    expect(builder.getState().doc).toMatchObject({ path: null, location: 'workspace' });
    expect((await files.list()).files.map((f) => f.path)).toEqual(['b.ts']);
  });

  it('keeps an untitled flow, and says why a folder is refused', async () => {
    const builder = createBuilderStore();
    const files = new WorkspaceFilesService(client, builder);
    builder.getState().addNode('notify');
    const source = builder.getState().source;
    await files.changeFolder(join(base, 'second'));
    expect(builder.getState().source).toBe(source);

    await expect(files.changeFolder('  ')).rejects.toThrow('give the whole path of a folder');
    await expect(files.changeFolder('/')).rejects.toThrow("folder '/' is too near the root of the disk");
    await expect(files.changeFolder(join(base, 'home'))).rejects.toThrow("holds Flowdeck's own files");
    expect((await files.info()).root).toBe(join(base, 'second'));
  });

  it('offers the desktop folder dialog only for the embedded server', () => {
    const bridge = { openFile: async () => null, saveFile: async () => ({ path: '' }), saveFileAs: async () => null, openFolder: async () => null };
    expect(new WorkspaceFilesService(client, createBuilderStore()).canPickFolder).toBe(false);
    expect(new WorkspaceFilesService(client, createBuilderStore(), { bridge, workspaceRoot: '' }).canPickFolder).toBe(false);
    expect(new WorkspaceFilesService(client, createBuilderStore(), { bridge, workspaceRoot: join(base, 'first') }).canPickFolder).toBe(true);
  });
});
