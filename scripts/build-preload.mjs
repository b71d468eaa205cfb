// Bundles the preload script into one CommonJS file: a sandboxed Electron preload cannot load ES
// modules or other files, only `require('electron')`.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const PRELOAD_OUTFILE = 'dist/app/preload/preload.cjs';

export async function buildPreload({ outfile = PRELOAD_OUTFILE } = {}) {
  await build({
    absWorkingDir: root,
    entryPoints: ['app/preload/preload.ts'],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'browser',
    target: 'es2022',
    external: ['electron'],
    sourcemap: false,
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildPreload();
}
