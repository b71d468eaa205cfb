// The bundled preload as a sandboxed window runs it: one CommonJS file whose only require is
// electron, exposing window.flowdeck and nothing else.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_CHANNELS } from '../../app/core/index.js';
import { REPO_ROOT } from '../helpers/cli.js';

let base: string;
let bundle: string;
beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'flowdeck-preload-'));
  const { buildPreload } = await import(pathToFileURL(join(REPO_ROOT, 'scripts', 'build-preload.mjs')).href);
  bundle = readFileSync(await buildPreload({ outfile: join(base, 'preload.cjs') }), 'utf8');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('the preload bundle', () => {
  it('requires electron alone and puts the typed bridge on window.flowdeck', async () => {
    const required: string[] = [];
    const exposed: Record<string, unknown> = {};
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      ipcRenderer: { invoke: async (...args: unknown[]) => (invoked.push(args), 'answer') },
    };
    const require = (id: string) => {
      required.push(id);
      if (id !== 'electron') throw new Error(`a sandboxed preload cannot require '${id}'`);
      return electron;
    };
    runInNewContext(bundle, { require, module: { exports: {} }, exports: {} });
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['flowdeck']);
    const bridge = exposed.flowdeck as Record<string, (...args: unknown[]) => Promise<unknown>>;
    expect(Object.keys(bridge).sort()).toEqual(Object.keys(DESKTOP_CHANNELS).sort());

    expect(await bridge.saveFile('/a.ts', 'code', null)).toBe('answer');
    await bridge.openFile();
    await bridge.useProfile('prod');
    await bridge.openFolder();
    expect(invoked).toEqual([
      [DESKTOP_CHANNELS.saveFile, '/a.ts', 'code', null],
      [DESKTOP_CHANNELS.openFile],
      [DESKTOP_CHANNELS.useProfile, 'prod'],
      [DESKTOP_CHANNELS.openFolder],
    ]);
  });

  it('is CommonJS without ES module syntax', () => {
    expect(bundle).not.toMatch(/^\s*(import|export)\s/m);
    expect(bundle).toMatch(/require\("electron"\)/);
  });
});
