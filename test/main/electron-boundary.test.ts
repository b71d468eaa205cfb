// Electron is absent here, as on any machine with only the server and CLI: the desktop code keeps
// every import of it in main.ts and preload.ts, so all the rest runs under plain Node.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const APP = join(REPO_ROOT, 'app');
/** `from 'electron'`, or 'electron' handed to any require or import call. */
const ELECTRON_IMPORT = /from\s*['"]electron(?:\/[^'"]*)?['"]|\(\s*['"]electron(?:\/[^'"]*)?['"]\s*\)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
  });
}

describe('the Electron boundary', () => {
  it('only main.ts and preload.ts load electron', () => {
    const loaders = sourceFiles(APP)
      .filter((file) => ELECTRON_IMPORT.test(readFileSync(file, 'utf8')))
      .map((file) => relative(APP, file));
    expect(loaders.sort()).toEqual(['main/main.ts', 'preload/preload.ts']);
  });

  it('every other module of the main process loads under plain Node', async () => {
    const modules = sourceFiles(join(APP, 'main')).filter((file) => !file.endsWith('main.ts'));
    expect(modules.length).toBeGreaterThan(5);
    for (const file of modules) await expect(import(pathToFileURL(file).href), relative(APP, file)).resolves.toBeDefined();
  });
});
